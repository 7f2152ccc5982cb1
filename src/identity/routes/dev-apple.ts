/**
 * @module identity/routes/dev-apple
 * Dev identity provider routes, registered only with ZP_DEV=1. They mint Apple-format identity
 * tokens so the demo and tests can sign in without Apple.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { getBrandBySlug } from '../../tenancy/brands.ts';
import type { DevAppleIdentityProvider } from '../dev-apple.ts';

const TokenRequest = z
  .object({
    sub: z.string().min(1).max(255).openapi({ example: '001234.abcd.1234' }),
    email: z.string().max(320).optional(),
    name: z
      .object({ firstName: z.string().max(200).optional(), lastName: z.string().max(200).optional() })
      .optional(),
    aud: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: 'Defaults to the brand’s first client ID' }),
    brand: z
      .string()
      .max(40)
      .optional()
      .openapi({ description: 'Brand whose client ID is the default aud', example: 'demo' }),
    nonce: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .openapi({ description: 'Raw nonce; the token carries its SHA-256' }),
  })
  .openapi('DevAppleTokenRequest');

const JwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('RSA'),
      n: z.string(),
      e: z.string(),
      kid: z.string(),
      alg: z.literal('RS256'),
      use: z.literal('sig'),
    }),
  ),
});

const keys = createRoute({
  method: 'get',
  path: '/dev/apple/keys',
  tags: ['Development'],
  summary: 'JWKS of the dev identity provider',
  responses: { 200: { description: 'JWKS', content: { 'application/json': { schema: JwksSchema } } } },
});

const token = createRoute({
  method: 'post',
  path: '/dev/apple/token',
  tags: ['Development'],
  summary: 'Mint an Apple-format identity token',
  request: { body: { required: true, content: { 'application/json': { schema: TokenRequest } } } },
  responses: {
    200: {
      description: 'An identity token and the `user` object Apple would send alongside it',
      content: {
        'application/json': {
          schema: z.object({
            identityToken: z.string(),
            user: z.object({ name: z.any().optional(), email: z.string().optional() }),
          }),
        },
      },
    },
    ...problemResponses(400, 404),
  },
});

export function registerDevApple(
  app: OpenAPIHono<AppEnv>,
  provider: DevAppleIdentityProvider,
  defaultBrand: string,
) {
  app.openapi(keys, (c) => c.json(provider.jwks(), 200));
  app.openapi(token, async (c) => {
    const body = c.req.valid('json');
    let aud = body.aud;
    if (!aud) {
      const brand = await getBrandBySlug(c.get('deps').database, body.brand ?? defaultBrand);
      aud = brand?.appleClientIds[0];
      if (!aud) throw new AppError('not_found', 'No brand with a client ID to default the audience to');
    }
    const identityToken = await provider.issue({
      sub: body.sub,
      aud,
      email: body.email,
      rawNonce: body.nonce,
    });
    return c.json(
      {
        identityToken,
        user: { ...(body.name ? { name: body.name } : {}), ...(body.email ? { email: body.email } : {}) },
      },
      200,
    );
  });
}
