/**
 * @module wallet/apple/routes/me-wallet-apple
 * `GET /v1/me/wallet/apple`: the shopper's storeCard as a signed .pkpass, made on first need.
 * Adding it to Wallet registers the device with the pass web service (routes/pass-web-service).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../context.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { requireShopper } from '../../../http/auth.ts';
import { ensureCard } from '../../../loyalty/cards.ts';
import { ensurePass } from '../passes.ts';
import { httpDate, PKPASS_TYPE, pkpassBody, renderPass } from '../render-pass.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/me/wallet/apple',
  tags: ['Shopper'],
  summary: 'My loyalty card as an Apple Wallet pass (.pkpass)',
  description:
    'A storeCard signed with the brand’s Pass Type ID certificate: the signed card code as a QR barcode, points, tier and vouchers, and no name, email or customer id. 409 `wallet_not_configured` until the brand has a pass template with its icon.',
  security: [{ shopperSession: [] }],
  middleware: [requireShopper()],
  responses: {
    200: {
      description: 'The pass',
      content: { [PKPASS_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...problemResponses(401, 409),
  },
});

export function registerMyApplePass(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const { brandId, customerId } = c.get('shopper');
    const lookup = await deps.appleTemplates.get(brandId);
    if (!lookup.ok) throw new AppError('wallet_not_configured', lookup.detail);
    const now = deps.now();
    const card = await ensureCard(deps.database, brandId, customerId, now);
    const pass = await ensurePass(deps, brandId, card.id, now);
    const { body, headers } = pkpassBody(await renderPass(deps, lookup.template, pass, now));
    return c.body(body, 200, {
      ...headers,
      'content-disposition': 'attachment; filename="loyalty.pkpass"',
      'last-modified': httpDate(pass.updatedS),
      'cache-control': 'no-store',
    }) as never;
  });
}
