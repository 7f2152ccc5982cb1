/**
 * @module consent/routes/shopper-consents
 * `GET /v1/me/consents` and `PUT /v1/me/consents/{purpose}`: see and withdraw consents.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireShopper } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { consentStates, withdrawConsent } from '../shopper-consents.ts';
import { clientFacts } from './client-facts.ts';
import { PurposeParams } from './purpose-params.ts';

const common = { tags: ['Shopper'], security: [{ shopperSession: [] }], middleware: [requireShopper()] };

const State = z
  .object({
    purpose: z.string(),
    status: z.enum(['granted', 'withdrawn', 'pending', 'not_given']),
    method: z.enum(['checkbox', 'gpc', 'api', 'doi']).nullable(),
    noticeVersion: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('ConsentState');

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/me/consents',
  summary: 'The current state of each purpose',
  responses: { 200: json(z.object({ data: z.array(State) }), 'States'), ...problemResponses(401) },
});

const put = createRoute({
  ...common,
  method: 'put',
  path: '/v1/me/consents/{purpose}',
  summary: 'Withdraw a consent',
  description:
    'Records a withdraw event (method `api`) in the ledger and relays it to the CRM. Granting happens through a layout, where the notice is shown.',
  request: {
    params: PurposeParams,
    body: jsonBody(
      z
        .object({ granted: z.literal(false) })
        .strict()
        .openapi('ConsentChange'),
    ),
  },
  responses: {
    200: json(State.extend({ eventId: z.string() }), 'Withdrawn'),
    ...problemResponses(400, 401, 404),
  },
});

export function registerShopperConsents(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => c.json({ data: await consentStates(c.get('deps'), c.get('shopper')) }, 200));
  app.openapi(put, async (c) => {
    const { purpose } = c.req.valid('param');
    const { event } = unwrap(await withdrawConsent(c.get('deps'), c.get('shopper'), purpose, clientFacts(c)));
    if (!event) throw new AppError('internal');
    return c.json(
      {
        purpose,
        status: 'withdrawn' as const,
        method: event.method,
        noticeVersion: event.noticeVersion,
        updatedAt: new Date(event.recordedAt).toISOString(),
        eventId: event.id,
      },
      200,
    );
  });
}
