/**
 * @module consent/routes/admin-consent
 * `/v1/admin/purposes` (the brand's purposes and their CRM mapping) and `/v1/admin/consent/…`
 * (ledger verification and events). Ledger reads are allowed to `admin` and `consent:read` keys,
 * so a DPO or auditor can verify without being able to change anything.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { adminSecurity, json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { customerEvents, verifyChain } from '../ledger.ts';
import { listPurposes, putPurpose } from '../purposes.ts';
import { PurposeParams } from './purpose-params.ts';

const admin = { security: adminSecurity, middleware: [requireApiKey('admin')] };

/** admin or consent:read: tries one, then the other, keeping the first one's error. */
const readConsent: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    await requireApiKey('consent:read')(c, async () => {});
  } catch {
    return requireApiKey('admin')(c, next);
  }
  await next();
};

const PurposeSchema = z
  .object({
    purpose: z.string(),
    kind: z.enum(['standard', 'custom']),
    label: z.string().nullable(),
    crmChannel: z.string(),
    crmPurpose: z.string(),
    doubleOptIn: z.boolean(),
  })
  .openapi('Purpose');
const PurposeInput = z
  .object({
    label: z.string().trim().min(1).max(120).optional().openapi({ description: 'Custom purposes only' }),
    crmChannel: z.string().trim().min(1).max(60).openapi({ example: 'email' }),
    crmPurpose: z.string().trim().min(1).max(60).openapi({ example: 'marketing' }),
    doubleOptIn: z.boolean().optional(),
  })
  .strict()
  .openapi('PurposeInput');

const listRoute = createRoute({
  ...admin,
  tags: ['Admin: consent'],
  method: 'get',
  path: '/v1/admin/purposes',
  summary: 'The brand’s purposes: the standard five and its custom ones',
  responses: {
    200: json(z.object({ data: z.array(PurposeSchema) }), 'Purposes'),
    ...problemResponses(401, 403),
  },
});
const putRoute = createRoute({
  ...admin,
  tags: ['Admin: consent'],
  method: 'put',
  path: '/v1/admin/purposes/{purpose}',
  summary: 'Define a custom purpose or set a purpose’s CRM mapping',
  request: {
    params: PurposeParams,
    body: jsonBody(PurposeInput),
  },
  responses: { 200: json(PurposeSchema, 'Purpose'), ...problemResponses(400, 401, 403, 422) },
});

const ChainReportSchema = z
  .object({
    valid: z.boolean(),
    events: z.number().int(),
    headHash: z.string(),
    firstBroken: z
      .object({ seq: z.number().int(), eventId: z.string().nullable(), reason: z.string() })
      .optional(),
  })
  .openapi('ChainReport');

const verifyRoute = createRoute({
  tags: ['Admin: consent'],
  security: [{ adminKey: [] }],
  middleware: [readConsent],
  method: 'get',
  path: '/v1/admin/consent/verify',
  summary: 'Recompute the brand’s consent hash chain and name the first broken link',
  responses: { 200: json(ChainReportSchema, 'Report'), ...problemResponses(401, 403) },
});
const eventsRoute = createRoute({
  tags: ['Admin: consent'],
  security: [{ adminKey: [] }],
  middleware: [readConsent],
  method: 'get',
  path: '/v1/admin/consent/events',
  summary: 'A customer’s consent events, oldest first',
  request: { query: z.object({ customerId: z.string().regex(/^cus_[0-9a-z]{26}$/) }) },
  responses: {
    200: json(z.object({ data: z.array(z.object({}).passthrough()) }), 'Events'),
    ...problemResponses(400, 401, 403),
  },
});

export function registerAdminConsent(app: OpenAPIHono<AppEnv>) {
  app.openapi(listRoute, async (c) =>
    c.json({ data: await listPurposes(c.get('deps').database, c.get('apiKey').brandId) }, 200),
  );
  app.openapi(putRoute, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const purpose = unwrap(
      await putPurpose(
        deps.database,
        apiKey.brandId,
        c.req.valid('param').purpose,
        c.req.valid('json'),
        deps.now(),
      ),
    );
    return c.json(purpose, 200);
  });
  app.openapi(verifyRoute, async (c) =>
    c.json(await verifyChain(c.get('deps').database, c.get('apiKey').brandId), 200),
  );
  app.openapi(eventsRoute, async (c) => {
    const rows = await customerEvents(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('query').customerId,
    );
    const data = rows.map((row) => ({ ...row, recordedAt: new Date(row.recordedAt).toISOString() }));
    return c.json({ data }, 200);
  });
}
