/**
 * @module wallet/google/routes/me-wallet-google
 * `GET /v1/me/wallet/google`: a link that saves the shopper's loyalty card to Google Wallet. The
 * class and the card's object are created (or patched) through the REST API first, so the link's
 * JWT names ids only.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../context.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { requireShopper } from '../../../http/auth.ts';
import { ensureCard } from '../../../loyalty/cards.ts';
import { saveUrl } from '../save-jwt.ts';
import { ensureObject } from '../sync.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/me/wallet/google',
  tags: ['Shopper'],
  summary: 'A link that saves my loyalty card to Google Wallet',
  description:
    'The loyalty object carries the card number, points, tier, vouchers, a rotating barcode and the signed card code; no name, email or customer id. 409 `wallet_not_configured` until the brand has a Google issuer; 503 while Google cannot be reached.',
  security: [{ shopperSession: [] }],
  middleware: [requireShopper()],
  responses: {
    200: {
      description: 'The save link',
      content: {
        'application/json': {
          schema: z
            .object({ saveUrl: z.url().openapi({ example: 'https://pay.google.com/gp/v/save/eyJ…' }) })
            .openapi('GoogleWalletSaveLink'),
        },
      },
    },
    ...problemResponses(401, 409, 503),
  },
});

export function registerMyGooglePass(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const { brandId, customerId } = c.get('shopper');
    const lookup = await deps.google.issuers.get(brandId);
    if (!lookup.ok) throw new AppError('wallet_not_configured', lookup.detail);
    const card = await ensureCard(deps.database, brandId, customerId, deps.now());
    const synced = await ensureObject(deps.google.sync, lookup.issuer, card.id);
    if (!synced.ok) {
      deps.logger.warn('google wallet sync failed', { brandId, reason: synced.failure.reason });
      if (synced.failure.status === 'retry') {
        throw new AppError('unavailable', 'Google Wallet could not be reached; try again shortly');
      }
      // A refusal is the brand's set-up (a key without the issuer role, a logo Google rejects).
      throw new AppError('wallet_not_configured', `Google Wallet refused the card: ${synced.failure.reason}`);
    }
    const url = await saveUrl(lookup.issuer, card.id, {
      saveBaseUrl: deps.config.wallet.google.saveUrl,
      origins: [],
      now: deps.now(),
    });
    return c.json({ saveUrl: url }, 200);
  });
}
