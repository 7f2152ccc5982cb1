/**
 * @module identity/routes/me
 * The signed-in shopper's own summary and "sign out everywhere".
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireShopper } from '../../http/auth.ts';
import { ShopperCardSchema, shopperCard } from '../../loyalty/shopper-card.ts';
import { getBrand } from '../../tenancy/brands.ts';
import { getCustomer, revokeSessions } from '../customers.ts';

const MeSchema = z
  .object({
    customerId: z.string(),
    brand: z.string().openapi({ description: 'The brand slug' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    signInMethods: z.array(z.enum(['apple'])),
    card: ShopperCardSchema,
  })
  .openapi('Me');

const security = [{ shopperSession: [] }];

const getMe = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['Shopper'],
  summary: 'The signed-in shopper’s own summary',
  security,
  middleware: [requireShopper()],
  responses: {
    200: { description: 'Summary', content: { 'application/json': { schema: MeSchema } } },
    ...problemResponses(401),
  },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/me/sessions/revoke',
  tags: ['Shopper'],
  summary: 'Sign out everywhere',
  description: 'Every session token issued until now stops working, this one included.',
  security,
  middleware: [requireShopper()],
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401) },
});

export function registerMe(app: OpenAPIHono<AppEnv>) {
  app.openapi(getMe, async (c) => {
    const deps = c.get('deps');
    const shopper = c.get('shopper');
    const [customer, brand] = await Promise.all([
      getCustomer(deps.database, shopper.brandId, shopper.customerId),
      getBrand(deps.database, shopper.brandId),
    ]);
    if (!customer || !brand) throw new AppError('unauthorized', 'The session has been revoked');
    return c.json(
      {
        customerId: customer.id,
        brand: brand.slug,
        createdAt: new Date(customer.createdAt).toISOString(),
        signInMethods: customer.appleLink ? (['apple'] as const) : [],
        card: await shopperCard(deps, brand.id, customer.id, deps.now()),
      },
      200,
    );
  });
  app.openapi(revoke, async (c) => {
    const deps = c.get('deps');
    const shopper = c.get('shopper');
    await revokeSessions(deps.database, shopper.brandId, shopper.customerId, deps.now());
    return c.body(null, 204);
  });
}
