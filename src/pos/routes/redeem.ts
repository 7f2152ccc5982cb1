/**
 * @module pos/routes/redeem
 * `POST /v1/pos/redeem` consumes a single-use voucher; `POST /v1/pos/convert` turns points into a
 * voucher from the brand's catalogue at the till. Both need an Idempotency-Key, and both spend:
 * each needs the code the till scanned now, or the card with its scan token (pos/spend).
 */
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import type { Result } from '../../errors.ts';
import { convertToVoucher, redeemVoucher } from '../../loyalty/ledger.ts';
import { getRules, type LoyaltyRules } from '../../loyalty/rules.ts';
import { authoriseSpend, type SpendProof } from '../spend.ts';
import { ReceiptRef, SpendProofFields, spendProofIssues, toLedgerResult } from './schemas.ts';
import { tillWrite, tillWriteRoute } from './till-write.ts';

export const VoucherId = z.string().regex(/^vch_[0-9a-z]{26}$/, 'must be a voucher id (vch_…)');
export const RewardId = z.string().regex(/^rwd_[0-9a-z]{26}$/, 'must be a reward id (rwd_…)');

const RedeemInput = z
  .object({ ...SpendProofFields, voucher: VoucherId, receiptRef: ReceiptRef.optional() })
  .strict()
  .superRefine(spendProofIssues)
  .openapi('RedeemInput');
const ConvertInput = z
  .object({ ...SpendProofFields, reward: RewardId })
  .strict()
  .superRefine(spendProofIssues)
  .openapi('ConvertInput');

const spending =
  ' Spends from the card, so it needs proof of a scan at this till: `card` with the `scanToken` POST /v1/pos/scan answered (for 5 minutes), or the `code` itself. A card alone is 403 `scan_required`; an old token 403 `scan_expired`; a token of another card, till or brand 403 `scan_required`; a pass code where the brand spends only with rotating codes 403 `rotating_code_required`.';

const redeemRoute = tillWriteRoute({
  path: '/v1/pos/redeem',
  summary: 'Redeem a voucher (once)',
  description: `Consumes a single-use voucher of the card.${spending}`,
  body: RedeemInput,
  answered: 'Redeemed',
  refusals: [400, 401, 403, 404, 409, 422, 429],
});

const convertRoute = tillWriteRoute({
  path: '/v1/pos/convert',
  summary: 'Turn points into a voucher from the catalogue',
  description: `Takes the reward's cost in points and issues its voucher.${spending}`,
  body: ConvertInput,
  answered: 'Voucher issued',
  refusals: [400, 401, 403, 404, 409, 422, 429],
});

/** The card the till proved it scanned just now, by the brand's current rules. */
async function spendableCard(
  c: Context<AppEnv>,
  proof: SpendProof,
  now: number,
): Promise<Result<{ cardId: string; rules: LoyaltyRules }>> {
  const deps = c.get('deps');
  const apiKey = c.get('apiKey');
  const rules = await getRules(deps.database, apiKey.brandId);
  const card = await authoriseSpend(deps, apiKey, proof, rules.spendCodes, now);
  return card.ok ? { ok: true, value: { cardId: card.value, rules } } : card;
}

export function registerPosRedeem(app: OpenAPIHono<AppEnv>) {
  app.openapi(redeemRoute, async (c) => {
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.redeem', input, async (ctx) => {
      const card = await spendableCard(c, input, ctx.now);
      if (!card.ok) return card;
      return redeemVoucher(ctx, {
        cardId: card.value.cardId,
        voucherId: input.voucher,
        receiptRef: input.receiptRef ?? null,
      });
    });
    return c.json(toLedgerResult(outcome), 200);
  });

  app.openapi(convertRoute, async (c) => {
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.convert', input, async (ctx) => {
      const card = await spendableCard(c, input, ctx.now);
      if (!card.ok) return card;
      return convertToVoucher(ctx, card.value.rules, { cardId: card.value.cardId, rewardId: input.reward });
    });
    return c.json(toLedgerResult(outcome), 200);
  });
}
