/**
 * @module pos/routes/redeem
 * `POST /v1/pos/redeem` consumes a single-use voucher; `POST /v1/pos/convert` turns points into a
 * voucher from the brand's catalogue at the till. Both need an Idempotency-Key.
 */
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { convertToVoucher, redeemVoucher } from '../../loyalty/ledger.ts';
import { getRules } from '../../loyalty/rules.ts';
import { CardId, ReceiptRef, toLedgerResult } from './schemas.ts';
import { tillWrite, tillWriteRoute } from './till-write.ts';

export const VoucherId = z.string().regex(/^vch_[0-9a-z]{26}$/, 'must be a voucher id (vch_…)');
export const RewardId = z.string().regex(/^rwd_[0-9a-z]{26}$/, 'must be a reward id (rwd_…)');

const RedeemInput = z
  .object({ card: CardId, voucher: VoucherId, receiptRef: ReceiptRef.optional() })
  .strict()
  .openapi('RedeemInput');
const ConvertInput = z.object({ card: CardId, reward: RewardId }).strict().openapi('ConvertInput');

const redeemRoute = tillWriteRoute({
  path: '/v1/pos/redeem',
  summary: 'Redeem a voucher (once)',
  body: RedeemInput,
  answered: 'Redeemed',
  refusals: [400, 401, 403, 404, 409, 422],
});

const convertRoute = tillWriteRoute({
  path: '/v1/pos/convert',
  summary: 'Turn points into a voucher from the catalogue',
  body: ConvertInput,
  answered: 'Voucher issued',
  refusals: [400, 401, 403, 404, 409, 422],
});

export function registerPosRedeem(app: OpenAPIHono<AppEnv>) {
  app.openapi(redeemRoute, async (c) => {
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.redeem', input, (ctx) =>
      redeemVoucher(ctx, {
        cardId: input.card,
        voucherId: input.voucher,
        receiptRef: input.receiptRef ?? null,
      }),
    );
    return c.json(toLedgerResult(outcome), 200);
  });

  app.openapi(convertRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.convert', input, async (ctx) =>
      convertToVoucher(ctx, await getRules(deps.database, apiKey.brandId), {
        cardId: input.card,
        rewardId: input.reward,
      }),
    );
    return c.json(toLedgerResult(outcome), 200);
  });
}
