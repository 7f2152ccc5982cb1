/**
 * @module identity/routes/auth-apple
 * `POST /v1/auth/apple`: exchange a Sign in with Apple identity token for a shopper session.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { problemResponses } from '../../errors.ts';
import { unwrap } from '../../http/router.ts';
import { signInWithApple } from '../apple-signin.ts';

const SignInBody = z
  .object({
    brand: z.string().min(1).max(40).openapi({ example: 'demo' }),
    identityToken: z.string().min(1).max(8192),
    nonce: z.string().min(1).max(512).optional().openapi({
      description:
        'The raw nonce; the token carries its SHA-256. Required when the brand sets `requireNonce`',
    }),
    user: z
      .object({
        name: z
          .object({ firstName: z.string().max(200).optional(), lastName: z.string().max(200).optional() })
          .optional(),
        email: z.string().max(320).optional(),
      })
      .optional()
      .openapi({
        description: 'The `user` object Apple returns on first authorisation; relayed, never stored',
      }),
  })
  .openapi('AppleSignIn');

const SessionSchema = z
  .object({
    customerId: z.string().openapi({ example: 'cus_4x9…' }),
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    created: z.boolean().openapi({ description: 'True when this sign-in created the customer' }),
  })
  .openapi('ShopperSession');

const route = createRoute({
  method: 'post',
  path: '/v1/auth/apple',
  tags: ['Shopper'],
  summary: 'Sign in with Apple',
  description:
    'Verifies an Apple identity token (RS256, `aud` among the brand’s client IDs, `nonce` = SHA-256 of the raw nonce) and answers an opaque customer ID with a short-lived session. Each identity token signs in once: a second use is 401. A brand with `requireNonce` refuses a sign-in without a matching nonce. 503 when Apple’s keys cannot be fetched, or when a first sign-in cannot hand the contact to the relay (nothing is kept; retry).',
  request: { body: { required: true, content: { 'application/json': { schema: SignInBody } } } },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SessionSchema } } },
    ...problemResponses(400, 401, 404, 503),
  },
});

export function registerAppleSignIn(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const result = unwrap(await signInWithApple(c.get('deps'), c.req.valid('json')));
    return c.json(result, 200);
  });
}
