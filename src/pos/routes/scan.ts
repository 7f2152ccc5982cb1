/**
 * @module pos/routes/scan
 * `POST /v1/pos/scan`: a till scans a phone and sees entitlements only.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { loadScanView } from '../../loyalty/cards.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { resolveCardCode } from '../resolve-card.ts';
import { CardCode, posSecurity, ScanResultSchema } from './schemas.ts';

const route = createRoute({
  method: 'post',
  path: '/v1/pos/scan',
  tags: ['POS'],
  summary: 'Scan a card code and see its entitlements',
  description:
    'Answers status, tier, points and available vouchers; never who the shopper is. A rotating code is consumed by the scan. Rate-limited per device. `spend.token` lets this till (this POS key) spend from the card for 5 minutes: send it as `scanToken` with the card to convert or redeem. It is null for a pass code (ZP1) when the brand spends only with rotating codes (`spendCodes` in its loyalty rules, the default).',
  security: posSecurity,
  // The hottest read in the product: a cached key saves a hash and a database round trip per scan.
  middleware: [requireApiKey('pos', { cached: true })],
  request: { body: jsonBody(z.object({ code: CardCode }).openapi('ScanInput')) },
  responses: {
    200: json(ScanResultSchema, 'Entitlements, and the proof of this scan for spending'),
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
    const { cardId, kind } = unwrap(resolved);
    const found = await loadScanView(deps.database, apiKey.brandId, cardId, now);
    if (!found) throw new AppError('card_not_found');
    let spend: { token: string; expiresAt: string } | null = null;
    if (kind === 'rotating' || found.spendCodes === 'rotating_or_static') {
      const binding = { brandId: apiKey.brandId, keyId: apiKey.keyId, deviceId: apiKey.deviceId, cardId };
      const issued = await deps.cardCodes.scanTokens.issue(binding, kind, now);
      spend = { token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString() };
    }
    return c.json({ ...found.entitlements, spend }, 200);
  });
}
