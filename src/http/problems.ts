/**
 * @module http/problems
 * Turns every failure into problem+json. Expected errors (AppError) keep their code; anything
 * else is a bug: it is logged (scrubbed) and answered as a bare 500 that leaks no internals.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../context.ts';
import { AppError, problemBody } from '../errors.ts';
import { errorFields } from '../log/logger.ts';

export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const body = problemBody(error, c.get('requestId') ?? 'unknown', new URL(c.req.url).pathname);
  return c.body(JSON.stringify(body), error.status as 400, { 'content-type': 'application/problem+json' });
}

export function onError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof AppError) return problemResponse(c, error);
  if (error instanceof HTTPException) return problemResponse(c, fromHttpException(error));
  (c.get('log') ?? c.get('deps')?.logger)?.error('unhandled error', errorFields(error));
  return problemResponse(c, new AppError('internal', 'An unexpected error occurred; it has been logged'));
}

export function notFound(c: Context<AppEnv>): Response {
  return problemResponse(
    c,
    new AppError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
}

function fromHttpException(error: HTTPException): AppError {
  switch (error.status) {
    case 400:
      return new AppError('invalid_request', 'The request body is not valid JSON');
    case 401:
      return new AppError('unauthorized');
    case 413:
      return new AppError('payload_too_large');
    case 415:
      return new AppError('unsupported_media_type');
    default:
      return new AppError(error.status >= 500 ? 'internal' : 'invalid_request');
  }
}
