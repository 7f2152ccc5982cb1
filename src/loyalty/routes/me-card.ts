/**
 * @module loyalty/routes/me-card
 * The shopper's own card: `GET /v1/me/card` (entitlements, the static pass code, the TOTP
 * parameters the app needs to show rotating codes offline, the catalogue) and
 * `POST /v1/me/card/vouchers` (turn points into a voucher; needs an Idempotency-Key).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { problemResponses } from '../../errors.ts';
import { requireShopper } from '../../http/auth.ts';
import { base32, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../../pos/card-codes.ts';
import { RewardId } from '../../pos/routes/redeem.ts';
import {
  EntitlementsSchema,
  IdempotencyHeader,
  LedgerResultSchema,
  toLedgerResult,
} from '../../pos/routes/schemas.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { availableVouchers, ensureCard, entitlements } from '../cards.ts';
import { idempotentWrite } from '../idempotent-write.ts';
import { convertToVoucher } from '../ledger.ts';
import { listRewards } from '../rewards.ts';
import { getRules } from '../rules.ts';

const security = [{ shopperSession: [] }];

const MyCardSchema = z
  .object({
    entitlements: EntitlementsSchema,
    code: z.string().openapi({ description: 'The static signed code for the wallet pass barcode' }),
    rotating: z
      .object({
        algorithm: z.literal('TOTP_SHA1'),
        secret: z.string().openapi({ description: 'Base32 TOTP secret of this card' }),
        digits: z.number().int(),
        periodSeconds: z.number().int(),
        pattern: z.string().openapi({ description: 'Replace {totp} with the current TOTP value' }),
      })
      .openapi({ description: 'For the in-app rotating QR and Google Wallet rotatingBarcode' }),
    rewards: z.array(z.object({ id: z.string(), label: z.string(), costPoints: z.number().int() })),
  })
  .openapi('MyCard');

const getCardRoute = createRoute({
  method: 'get',
  path: '/v1/me/card',
  tags: ['Shopper'],
  summary: 'My loyalty card, its codes and the rewards catalogue',
  security,
  middleware: [requireShopper()],
  responses: { 200: json(MyCardSchema, 'Card'), ...problemResponses(401) },
});

const convertRoute = createRoute({
  method: 'post',
  path: '/v1/me/card/vouchers',
  tags: ['Shopper'],
  summary: 'Turn points into a voucher from the catalogue',
  security,
  middleware: [requireShopper()],
  request: {
    headers: IdempotencyHeader,
    body: jsonBody(z.object({ reward: RewardId }).strict().openapi('MyConvertInput')),
  },
  responses: {
    200: json(LedgerResultSchema, 'Voucher issued'),
    ...problemResponses(400, 401, 404, 409, 422),
  },
});

export function registerMyCard(app: OpenAPIHono<AppEnv>) {
  app.openapi(getCardRoute, async (c) => {
    const deps = c.get('deps');
    const shopper = c.get('shopper');
    const now = deps.now();
    const card = await ensureCard(deps.database, shopper.brandId, shopper.customerId, now);
    const [rules, vouchers, rewards] = await Promise.all([
      getRules(deps.database, shopper.brandId),
      availableVouchers(deps.database, shopper.brandId, card.id, now),
      listRewards(deps.database, shopper.brandId),
    ]);
    return c.json(
      {
        entitlements: entitlements(card, rules, vouchers),
        code: await deps.cardCodes.staticCode(card.id),
        rotating: {
          algorithm: 'TOTP_SHA1' as const,
          secret: base32(await deps.cardCodes.totpSecret(card.id)),
          digits: TOTP_DIGITS,
          periodSeconds: TOTP_PERIOD_SECONDS,
          pattern: `ZT1.${card.id}.{totp}`,
        },
        rewards: rewards.map(({ id, label, costPoints }) => ({ id, label, costPoints })),
      },
      200,
    );
  });

  app.openapi(convertRoute, async (c) => {
    const deps = c.get('deps');
    const shopper = c.get('shopper');
    const input = c.req.valid('json');
    const request = {
      brandId: shopper.brandId,
      owner: shopper.customerId,
      key: c.req.valid('header')['idempotency-key'],
      operation: 'me.convert',
      payload: input,
    };
    // The card is found (or created) only once the key is claimed: a request refused for its
    // Idempotency-Key (missing, malformed, reused) must change nothing, not even create a card.
    const outcome = await idempotentWrite(deps, request, async (claim, now) => {
      const card = await ensureCard(deps.database, shopper.brandId, shopper.customerId, now);
      return convertToVoucher(
        { database: deps.database, brandId: shopper.brandId, storeId: null, deviceId: null, claim, now },
        await getRules(deps.database, shopper.brandId),
        { cardId: card.id, rewardId: input.reward },
      );
    });
    return c.json(toLedgerResult(outcome), 200);
  });
}
