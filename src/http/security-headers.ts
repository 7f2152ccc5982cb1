/**
 * @module http/security-headers
 * Hardening headers, in two sets. Every response carries the ones that matter for any response:
 * nosniff, HSTS, Referrer-Policy, Cross-Origin-Opener-Policy and, outside the framable pages,
 * X-Frame-Options (the OWASP REST set). HTML pages also get the ones that only a browser
 * rendering a document reads, with the values of Hono's `secureHeaders` defaults: each header
 * costs every request in Hono, @hono/node-server and node:http, and these five made a returning
 * sign-in about 10 % slower (measured with wrk, Node entry). Cross-Origin-Resource-Policy is left
 * out so embeds and wallet clients can fetch.
 *
 * The common set is prepared before the handler runs, so the response is built once with it:
 * adding headers to a finished response makes Hono and @hono/node-server copy it, which was a
 * tenth of a POS scan. Pages are not hot, so their extra headers are added afterwards, as are the
 * common ones on a response a handler built itself.
 * @see https://hono.dev/docs/middleware/builtin/secure-headers
 * @see https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers
 */
import type { MiddlewareHandler } from 'hono';

type Header = readonly [name: string, value: string];

const COMMON: readonly Header[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
];

export const PAGE_ONLY: readonly Header[] = [
  ['Origin-Agent-Cluster', '?1'],
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
    const headers = c.res.headers;
    if (!headers.has('X-Content-Type-Options')) {
      for (const [name, value] of COMMON) headers.set(name, value);
      if (frameOptions) headers.set('X-Frame-Options', frameOptions);
    }
    if (headers.get('content-type')?.startsWith('text/html')) {
      for (const [name, value] of PAGE_ONLY) headers.set(name, value);
    }
  };
}
