/**
 * @module push/routes/public-key
 * `GET /v1/push/{brand}/vapid-public-key`: the brand's VAPID public key, which its pages pass to
 * `pushManager.subscribe({ applicationServerKey })`. Public and cross-origin like the layout
 * definitions: a public key is no secret. The pair is made on the first request.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { json } from '../../tenancy/routes/schemas.ts';

const BrandParams = z.object({
  brand: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .openapi({ param: { name: 'brand', in: 'path' } }),
});

const route = createRoute({
  method: 'get',
  path: '/v1/push/{brand}/vapid-public-key',
  tags: ['Push'],
  summary: "The brand's VAPID public key (applicationServerKey)",
  request: { params: BrandParams },
  responses: {
    200: json(
      z
        .object({ publicKey: z.string().describe('Uncompressed P-256 point, base64url') })
        .openapi('VapidPublicKey'),
      'Key',
    ),
    ...problemResponses(400, 404),
  },
});

export function registerPushPublicKey(app: OpenAPIHono<AppEnv>) {
  app.use('/v1/push/*', cors({ origin: '*', allowMethods: ['GET'], maxAge: 600 }));
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const brand = await deps.brands.bySlug(c.req.valid('param').brand);
    if (!brand) throw new AppError('not_found', 'No such brand');
    const { publicKey } = await deps.push.keys.get(brand.id);
    c.header('cache-control', 'public, max-age=3600');
    return c.json({ publicKey }, 200);
  });
}
