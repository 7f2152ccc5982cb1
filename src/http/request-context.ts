/**
 * @module http/request-context
 * First middleware of every request: a request id (the caller's, if it has the shape of a
 * machine-made id, else a fresh one), the dependencies, a request-scoped logger and one access log
 * line. The access line has the route pattern, not the raw URL, and never a header or a body.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppDeps, AppEnv } from '../context.ts';
import { randomId } from '../crypto.ts';

// The caller's id is logged with every line of the request, so it must not be able to carry
// PII: no '@', '+', ':' or spaces (an email, a `tel:`/`mailto:` URI), at most 64 characters, and
// letters *and* digits (a UUID, a ULID, `req_…`), which a bare phone number or name has not.
// Anything else is replaced, never logged.
const INCOMING_ID = /^(?=[^0-9]*[0-9])(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9._-]{8,64}$/;

/** The caller's `x-request-id` if it is safe to log and echo, else undefined. */
export function acceptedRequestId(header: string | undefined): string | undefined {
  return header !== undefined && INCOMING_ID.test(header) ? header : undefined;
}

// Request ids need to be unique, not secret: a random per-process (per-isolate) prefix and a
// counter, instead of fresh randomness on every request of the hot path.
const idPrefix = randomId('req', 8);
let idCounter = 0;
const nextRequestId = () => `${idPrefix}${(idCounter++).toString(36)}`;

export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = acceptedRequestId(c.req.header('x-request-id')) ?? nextRequestId();
    const log = deps.logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('deps', deps);
    c.set('log', log);
    // Set before the handler so the response is built with it (see http/security-headers).
    const preset = c.env?.presetHeader;
    (preset ?? c.header)('x-request-id', requestId);
    const started = performance.now();
    await next();
    if (!preset && !c.res.headers.has('x-request-id')) c.res.headers.set('x-request-id', requestId);
    const status = c.res.status;
    const fields = {
      method: c.req.method,
      route: routePath(c, -1),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      brandId: c.get('apiKey')?.brandId ?? c.get('shopper')?.brandId,
    };
    if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
}
