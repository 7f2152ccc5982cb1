/**
 * @module pos/routes/earn
 * `POST /v1/pos/earn` and `POST /v1/pos/reverse` (a refund). Both need an Idempotency-Key.
 */
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { err } from '../../errors.ts';
import { earn, reverseEntry } from '../../loyalty/ledger.ts';
import { getRules, MAX_AMOUNT_MINOR, pointsFor } from '../../loyalty/rules.ts';
import { resolveCardCode } from '../resolve-card.ts';
import { CardCode, CardId, ReceiptRef, toLedgerResult } from './schemas.ts';
import { tillWrite, tillWriteRoute } from './till-write.ts';

const EarnInput = z
  .object({
    code: CardCode.optional(),
    card: CardId.optional(),
    amount: z
      .number()
      .int()
      .min(0)
      .max(MAX_AMOUNT_MINOR)
      .openapi({ description: 'Amount paid, in minor units (cents)', example: 2450 }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
      .openapi({ example: 'EUR' }),
    receiptRef: ReceiptRef,
  })
  .strict()
  .refine((v) => (v.code === undefined) !== (v.card === undefined), {
    message: 'send exactly one of code or card',
    path: ['card'],
  })
  .openapi('EarnInput');

const ReverseInput = z
  .object({ entry: z.string().regex(/^led_[0-9a-z]{26}$/, 'must be a ledger entry id (led_…)') })
  .strict()
  .openapi('ReverseInput');

const earnRoute = tillWriteRoute({
  path: '/v1/pos/earn',
  summary: 'Earn points for a purchase',
  body: EarnInput,
  answered: 'Earned',
  refusals: [400, 401, 403, 404, 409, 422, 429],
});

const reverseRoute = tillWriteRoute({
  path: '/v1/pos/reverse',
  summary: 'Reverse an earn or a voucher redemption (refund)',
  description:
    'Takes back the points of an earn entry (refused if they were already spent), or makes a redeemed voucher usable again. Each entry is reversed at most once.',
  body: ReverseInput,
  answered: 'Reversed',
  refusals: [400, 401, 403, 404, 409, 422],
});

export function registerPosEarn(app: OpenAPIHono<AppEnv>) {
  app.openapi(earnRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.earn', input, async (ctx) => {
      const rules = await getRules(deps.database, apiKey.brandId);
      const points = pointsFor(rules, input.amount, input.currency);
      if (!points.ok) return points;
      let cardId = input.card;
      if (input.code !== undefined) {
        const card = await resolveCardCode(deps, apiKey, input.code, ctx.now);
        if (!card.ok) return card;
        cardId = card.value.cardId;
      }
      if (!cardId) return err('invalid_request', 'send exactly one of code or card');
      return earn(ctx, {
        cardId,
        points: points.value,
        amountMinor: input.amount,
        currency: input.currency,
        receiptRef: input.receiptRef,
      });
    });
    return c.json(toLedgerResult(outcome), 200);
  });

  app.openapi(reverseRoute, async (c) => {
    const input = c.req.valid('json');
    const outcome = await tillWrite(c, 'pos.reverse', input, (ctx) =>
      reverseEntry(ctx, { entryId: input.entry }),
    );
    return c.json(toLedgerResult(outcome), 200);
  });
}
