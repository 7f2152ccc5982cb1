/**
 * @module http/security-headers
 * Hardening headers on every response: nosniff, HSTS, Referrer-Policy,
 * Cross-Origin-Opener-Policy and, outside the framable pages, X-Frame-Options (the OWASP REST
 * set), plus the ones only a browser rendering a document reads, with the values of Hono's
 * `secureHeaders` defaults (Helmet's too). Cross-Origin-Resource-Policy is left out so embeds
 * and wallet clients can fetch.
 *
 * They are set before the handler runs, so the response is built once with them: adding headers
 * to a finished response makes Hono and @hono/node-server copy it, which was a tenth of a POS
 * scan. On Node they go straight to node:http (see `PresetHeader` in context). Until then the
 * document-only five went on HTML alone, because through a `Headers` object they made a sign-in
 * about 10 % slower; set on node:http, all nine cost less than the four did before (main-thread
 * CPU per sign-in, four alternating pairs: 227 → 217, 313 → 259, 283 → 284, 227 → 225 µs).
 * Where a handler built its own response, the `c.header` path adds them afterwards.
 * @see https://hono.dev/docs/middleware/builtin/secure-headers
 * @see https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

type Header = readonly [name: string, value: string];

export const HARDENING: readonly Header[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  // Read only by a browser rendering a document; harmless elsewhere.
  ['Origin-Agent-Cluster', '?1'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** `framable(path)` names the pages brands may put in an iframe; all others are SAMEORIGIN. */
export function securityHeaders(framable: (path: string) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const frameOptions = framable(c.req.path) ? undefined : 'SAMEORIGIN';
    const setAll = (set: (name: string, value: string) => void) => {
      for (const [name, value] of HARDENING) set(name, value);
      if (frameOptions) set('X-Frame-Options', frameOptions);
    };
    const preset = c.env?.presetHeader;
    setAll(preset ?? c.header);
    await next();
    // node:http writes preset headers with whatever response the handler made.
    if (preset) return;
    const headers = c.res.headers;
    if (!headers.has('X-Content-Type-Options')) setAll((name, value) => headers.set(name, value));
  };
}
