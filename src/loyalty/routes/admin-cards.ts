/**
 * @module loyalty/routes/admin-cards
 * `/v1/admin/loyalty/cards/{cardId}`: support's view of one card (entitlements and its latest
 * ledger entries, no customer data) and blocking or unblocking it. A blocked card still scans
 * (the till sees the status) but earns, conversions and redemptions are refused.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { and, desc, eq } from 'drizzle-orm';
import type { AppEnv } from '../../context.ts';
import { ledgerEntries } from '../../db/schema/index.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { EntitlementsSchema, LedgerResultSchema, toLedgerResult } from '../../pos/routes/schemas.ts';
import { adminSecurity, json } from '../../tenancy/routes/schemas.ts';
import { loadEntitlements, setCardStatus } from '../cards.ts';

const common = { tags: ['Admin: loyalty'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const CardParams = z.object({
  cardId: z
    .string()
    .regex(/^crd_[0-9a-z]{26}$/, 'must be a card number (crd_…)')
    .openapi({ param: { name: 'cardId', in: 'path' } }),
});
const CardView = z
  .object({ entitlements: EntitlementsSchema, entries: z.array(LedgerResultSchema.shape.entry) })
  .openapi('AdminCard');

const getRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/loyalty/cards/{cardId}',
  summary: 'A card’s entitlements and its latest 50 ledger entries',
  request: { params: CardParams },
  responses: { 200: json(CardView, 'Card'), ...problemResponses(400, 401, 403, 404) },
});
const statusRoute = (action: 'block' | 'unblock') =>
  createRoute({
    ...common,
    method: 'post',
    path: `/v1/admin/loyalty/cards/{cardId}/${action}`,
    summary: action === 'block' ? 'Block a card' : 'Unblock a card',
    request: { params: CardParams },
    responses: {
      200: json(z.object({ card: z.string(), status: z.enum(['active', 'blocked']) }), 'Status'),
      ...problemResponses(400, 401, 403, 404),
    },
  });

export function registerAdminCards(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const { cardId } = c.req.valid('param');
    const entitlements = await loadEntitlements(deps.database, apiKey.brandId, cardId, deps.now());
    if (!entitlements) throw new AppError('card_not_found');
    const entries = await deps.database.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.brandId, apiKey.brandId), eq(ledgerEntries.cardId, cardId)))
      .orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
      .limit(50);
    return c.json(
      { entitlements, entries: entries.map((entry) => toLedgerResult({ entry, voucher: null }).entry) },
      200,
    );
  });
  for (const action of ['block', 'unblock'] as const) {
    app.openapi(statusRoute(action), async (c) => {
      const deps = c.get('deps');
      const apiKey = c.get('apiKey');
      const { cardId } = c.req.valid('param');
      const status = action === 'block' ? 'blocked' : 'active';
      const updated = await setCardStatus(deps.database, apiKey.brandId, cardId, status);
      if (!updated) throw new AppError('card_not_found');
      await deps.events.emit({
        type: 'card.changed',
        brandId: apiKey.brandId,
        cardId,
        entryId: null,
        kind: 'status',
        points: 0,
        balance: updated.points,
        at: new Date(deps.now()).toISOString(),
      });
      return c.json({ card: cardId, status }, 200);
    });
  }
}
