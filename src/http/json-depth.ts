/**
 * @module http/json-depth
 * Bounds how deeply a JSON body may nest. `JSON.parse` copes with 10,000 levels, but everything
 * after it that recurses (zod, `JSON.stringify` when a config is stored) overflows the stack and
 * answers 500. No zeropass body needs more than a handful of levels. The body is parsed here once;
 * the route's validator reads the same parsed value from Hono's body cache, so this adds only the
 * walk, which is iterative.
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';

export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value (a scalar is 0), or Infinity past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    const inner = depth + 1;
    if (inner > limit) return Number.POSITIVE_INFINITY;
    deepest = Math.max(deepest, inner);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, inner]);
  }
  return deepest;
}

export function jsonDepthLimit(maxDepth = MAX_JSON_DEPTH): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(c.req.header('content-type') ?? '')) return next();
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      // Malformed JSON is the validator's to refuse, with its usual problem.
      return next();
    }
    if (jsonDepth(body, maxDepth) > maxDepth) {
      throw new AppError('invalid_request', `JSON bodies may nest at most ${maxDepth} levels`);
    }
    return next();
  };
}
