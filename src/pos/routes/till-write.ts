/**
 * @module pos/routes/till-write
 * What every POS ledger write shares: a POST with a pos key, an Idempotency-Key and a ledger
 * result; it runs once under that key, as the till the key is bound to (brand, store, device),
 * and answers the outcome or its replay.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import { problemResponses, type Result } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { idempotentWrite } from '../../loyalty/idempotent-write.ts';
import type { LedgerOutcome, WriteContext } from '../../loyalty/ledger.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { IdempotencyHeader, LedgerResultSchema, posSecurity } from './schemas.ts';

/** The route definition of a till write; `refusals` are the problem statuses it can answer. */
export function tillWriteRoute<P extends string, B extends z.ZodType>(definition: {
  path: P;
  summary: string;
  description?: string;
  body: B;
  answered: string;
  refusals: number[];
}) {
  const { path, summary, description, body, answered, refusals } = definition;
  return createRoute({
    method: 'post',
    path,
    tags: ['POS'],
    summary,
    ...(description ? { description } : {}),
    security: posSecurity,
    middleware: [requireApiKey('pos')],
    request: { headers: IdempotencyHeader, body: jsonBody(body) },
    responses: { 200: json(LedgerResultSchema, answered), ...problemResponses(...refusals) },
  });
}

export function tillWrite(
  c: Context<AppEnv>,
  operation: string,
  payload: unknown,
  write: (ctx: WriteContext) => Promise<Result<LedgerOutcome>>,
): Promise<LedgerOutcome> {
  const deps = c.get('deps');
  const apiKey = c.get('apiKey');
  const request = {
    brandId: apiKey.brandId,
    owner: apiKey.keyId,
    key: c.req.header('idempotency-key'),
    operation,
    payload,
  };
  return idempotentWrite(deps, request, (claim, now) =>
    write({
      database: deps.database,
      brandId: apiKey.brandId,
      storeId: apiKey.storeId,
      deviceId: apiKey.deviceId,
      claim,
      now,
    }),
  );
}
