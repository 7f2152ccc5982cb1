/**
 * @module pos/routes/scan
 * `POST /v1/pos/scan`: a till scans a phone and sees entitlements only.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { loadEntitlements } from '../../loyalty/cards.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { resolveCardCode } from '../resolve-card.ts';
import { CardCode, EntitlementsSchema, posSecurity } from './schemas.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/pos/scan',
  tags: ['POS'],
  summary: 'Scan a card code and see its entitlements',
  description:
    'Answers status, tier, points and available vouchers; never who the shopper is. A rotating code is consumed by the scan. Rate-limited per device.',
  security: posSecurity,
  // The hottest read in the product: a cached key saves a hash and a database round trip per scan.
  middleware: [requireApiKey('pos', { cached: true })],
  request: { body: jsonBody(z.object({ code: CardCode }).openapi('ScanInput')) },
  responses: {
    200: json(EntitlementsSchema, 'Entitlements'),
    ...problemResponses(400, 401, 403, 404, 409, 422, 429),
  },
});

export function registerPosScan(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const now = deps.now();
    const resolved = await resolveCardCode(deps, apiKey, c.req.valid('json').code, now);
    if (!resolved.ok && resolved.error.code === 'rate_limited') {
      c.header('retry-after', String(deps.scanLimiter.retryAfterSeconds(now)));
    }
    const cardId = unwrap(resolved);
    const found = await loadEntitlements(deps.database, apiKey.brandId, cardId, now);
    if (!found) throw new AppError('card_not_found');
    return c.json(found, 200);
  });
}
