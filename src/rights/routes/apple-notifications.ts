/**
 * @module rights/routes/apple-notifications
 * `POST /v1/apple/notifications`: the endpoint URL a brand registers for Sign in with Apple
 * server-to-server notifications (one URL serves every brand: the JWT's `aud` says whose app).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { problemResponses } from '../../errors.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { handleAppleNotification } from '../apple-notifications.ts';

const Body = z.object({ payload: z.string().min(1).max(16_384) }).openapi('AppleNotification');
const Outcome = z
  .object({
    type: z.string(),
    action: z.enum(['sessions_ended', 'erasure_requested', 'crm_told', 'ignored']),
  })
  .openapi('AppleNotificationOutcome');

const route = createRoute({
  method: 'post',
  path: '/v1/apple/notifications',
  tags: ['Sign in with Apple'],
  summary: 'Sign in with Apple server-to-server notifications',
  description:
    'Verified with Apple’s keys for a brand’s client id. `consent-revoked` ends the customer’s sessions, `account-delete` requests an erasure, `email-disabled`/`email-enabled` tell the CRM through the relay. An unknown customer or type is acknowledged (200) and changes nothing.',
  request: { body: jsonBody(Body) },
  responses: { 200: json(Outcome, 'Handled'), ...problemResponses(400, 401, 415, 503) },
});

export function registerAppleNotifications(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const result = await handleAppleNotification(c.get('deps'), c.req.valid('json').payload);
    if (!result.ok) throw result.error;
    return c.json(result.value, 200);
  });
}
