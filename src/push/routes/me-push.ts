/**
 * @module push/routes/me-push
 * The shopper's push subscriptions: `GET|POST /v1/me/push/subscriptions` and
 * `DELETE /v1/me/push/subscriptions/{subscriptionId}`. The body of POST is what the browser's
 * `PushSubscription.toJSON()` gives, plus an optional locale for campaign texts.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireShopper } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { IdParam, json, jsonBody } from '../../tenancy/routes/schemas.ts';
import {
  checkSubscription,
  listSubscriptions,
  removeSubscription,
  type StoredSubscription,
  saveSubscription,
} from '../subscriptions.ts';

const common = { tags: ['Shopper'], security: [{ shopperSession: [] }], middleware: [requireShopper()] };

const SubscriptionInput = z
  .object({
    endpoint: z.string().max(1024),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: z.string().max(128), auth: z.string().max(64) }),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
      .optional(),
  })
  .openapi('PushSubscriptionInput');

const Subscription = z
  .object({
    id: z.string(),
    origin: z.string().describe('The push service, e.g. https://fcm.googleapis.com'),
    locale: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('PushSubscription');

const view = (s: StoredSubscription) => ({
  id: s.id,
  origin: new URL(s.endpoint).origin,
  locale: s.locale,
  createdAt: new Date(s.createdAt).toISOString(),
});

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/me/push/subscriptions',
  summary: "The shopper's push subscriptions",
  responses: {
    200: json(z.object({ data: z.array(Subscription) }), 'Subscriptions'),
    ...problemResponses(401),
  },
});

const add = createRoute({
  ...common,
  method: 'post',
  path: '/v1/me/push/subscriptions',
  summary: 'Add a push subscription',
  description:
    'The endpoint must be https on an allowlisted push service (ZP_PUSH_SERVICE_ORIGINS). Saving the same endpoint again updates it. Campaigns reach the subscription only while the shopper consents to the `push` purpose.',
  request: { body: jsonBody(SubscriptionInput) },
  responses: { 201: json(Subscription, 'Saved'), ...problemResponses(400, 401) },
});

const remove = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/me/push/subscriptions/{subscriptionId}',
  summary: 'Remove a push subscription',
  request: { params: IdParam('subscriptionId', 'psub') },
  responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 404) },
});

export function registerMyPush(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const { brandId, customerId } = c.get('shopper');
    const rows = await listSubscriptions(c.get('deps').database, brandId, customerId);
    return c.json({ data: rows.map(view) }, 200);
  });
  app.openapi(add, async (c) => {
    const deps = c.get('deps');
    const { brandId, customerId } = c.get('shopper');
    const input = unwrap(checkSubscription(c.req.valid('json'), deps.push.serviceOrigins));
    return c.json(view(await saveSubscription(deps.database, brandId, customerId, input)), 201);
  });
  app.openapi(remove, async (c) => {
    const { brandId, customerId } = c.get('shopper');
    const { subscriptionId } = c.req.valid('param');
    if (!(await removeSubscription(c.get('deps').database, brandId, customerId, subscriptionId))) {
      throw new AppError('not_found', 'No such subscription');
    }
    return c.body(null, 204);
  });
}
