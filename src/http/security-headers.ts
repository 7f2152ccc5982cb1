/**
 * @module http/security-headers
 * The usual hardening headers (the same set and values as Hono's `secureHeaders` defaults, minus
 * Cross-Origin-Resource-Policy so embeds and wallet clients can fetch). They are prepared before
 * the handler runs, so the response is built once with them: adding headers to a finished
 * response makes Hono and @hono/node-server copy it, which was a tenth of a POS scan. A response
 * a handler builds itself does not carry prepared headers; those get them afterwards.
 * @see https://hono.dev/docs/middleware/builtin/secure-headers
 */
import type { MiddlewareHandler } from 'hono';

const COMMON: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** `framable(path)` names the pages brands may put in an iframe; all others are SAMEORIGIN. */
export function securityHeaders(framable: (path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    const frameOptions = framable(c.req.path) ? undefined : 'SAMEORIGIN';
    for (const [name, value] of COMMON) c.header(name, value);
    if (frameOptions) c.header('X-Frame-Options', frameOptions);
    await next();
    if (!c.res.headers.has('X-Content-Type-Options')) {
      for (const [name, value] of COMMON) c.res.headers.set(name, value);
      if (frameOptions) c.res.headers.set('X-Frame-Options', frameOptions);
    }
  };
}
