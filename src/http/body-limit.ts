/**
 * @module http/body-limit
 * Request body size limit. Hono's `bodyLimit` touches `request.body` on every request, which on
 * @hono/node-server turns the lightweight request into a full one with a web stream and loses the
 * adapter's direct body read: measured as most of the per-request overhead of POST routes. Here a
 * declared Content-Length is checked from the header alone; only bodies without one (chunked) go
 * through Hono's streaming check.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';

/** `limitFor` raises the limit of a few paths (uploads); undefined keeps `defaultBytes`. */
export function bodyLimit(
  defaultBytes: number,
  limitFor: (path: string) => number | undefined = () => undefined,
): MiddlewareHandler {
  const standard = limiter(defaultBytes);
  const raised = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const maxBytes = limitFor(c.req.path);
    if (maxBytes === undefined) return standard(c, next);
    const limit = raised.get(maxBytes) ?? limiter(maxBytes);
    raised.set(maxBytes, limit);
    return limit(c, next);
  };
}

function limiter(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new AppError(
      'payload_too_large',
      `Request bodies are limited to ${Math.round(maxBytes / 1024)} KiB`,
    );
  };
  const streaming = streamingBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxBytes ? tooLarge() : next();
    }
    return streaming(c, next);
  };
}
