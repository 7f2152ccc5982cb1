/**
 * @module http/router
 * Every route group is an OpenAPIHono router whose validation failures become one
 * `invalid_request` problem listing each field at fault.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((issue) => ({
        path: [result.target, ...issue.path.map(String)].join('.'),
        message: issue.message,
      }));
      throw new AppError('invalid_request', 'The request failed validation', issues);
    },
  });
}

/** Throws the error of a failed Result, or returns its value. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: AppError }): T {
  if (!result.ok) throw result.error;
  return result.value;
}
