/**
 * @module tenancy/routes/admin-brand
 * `/v1/admin/brand`: the key's own brand. There is no route to another brand.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { getBrand, updateBrand } from '../brands.ts';
import { adminSecurity, BrandSchema, json, jsonBody, Label, toBrand } from './schemas.ts';

const common = { tags: ['Admin: brand'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const BrandPatch = z
  .object({
    label: Label.optional(),
    appleClientIds: z
      .array(z.string().regex(/^[A-Za-z0-9.-]{1,255}$/, 'must be a Services ID or bundle ID'))
      .max(20)
      .optional(),
    requireNonce: z.boolean().optional().openapi({
      description:
        'Sign in with Apple then refuses an identity token without a nonce, or whose nonce is not the SHA-256 of the raw `nonce` sent with it',
    }),
  })
  .strict()
  .openapi('BrandPatch');

const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/brand',
  summary: 'The brand of this key',
  responses: { 200: json(BrandSchema, 'Brand'), ...problemResponses(401, 403) },
});
const patch = createRoute({
  ...common,
  method: 'patch',
  path: '/v1/admin/brand',
  summary: 'Change the brand’s label, accepted Apple client IDs or nonce requirement',
  request: { body: jsonBody(BrandPatch) },
  responses: { 200: json(BrandSchema, 'Brand'), ...problemResponses(400, 401, 403, 409) },
});

export function registerAdminBrand(app: OpenAPIHono<AppEnv>) {
  app.openapi(get, async (c) => {
    const brand = await getBrand(c.get('deps').database, c.get('apiKey').brandId);
    if (!brand) throw new AppError('unauthorized', 'The key’s brand no longer exists');
    return c.json(toBrand(brand), 200);
  });
  app.openapi(patch, async (c) => {
    const brand = unwrap(
      await updateBrand(c.get('deps').database, c.get('apiKey').brandId, c.req.valid('json')),
    );
    c.get('deps').brands.forget(brand.slug);
    return c.json(toBrand(brand), 200);
  });
}
