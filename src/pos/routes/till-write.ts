/**
 * @module pos/routes/till-write
 * What every POS ledger write shares: it runs once under the request's Idempotency-Key, as the
 * till the key is bound to (brand, store, device), and answers the outcome or its replay.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import type { Result } from '../../errors.ts';
import { idempotentWrite } from '../../loyalty/idempotent-write.ts';
import type { LedgerOutcome, WriteContext } from '../../loyalty/ledger.ts';

export function tillWrite(
  c: Context<AppEnv>,
  operation: string,
  payload: unknown,
  write: (ctx: WriteContext) => Promise<Result<LedgerOutcome>>,
): Promise<LedgerOutcome> {
  const { deps, apiKey } = c.var;
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
