/**
 * @module push/routes/admin-campaigns
 * `/v1/admin/campaigns`: a brand's web push campaigns. Create (now or at `sendAt`), list, read
 * (with counts: targeted customers; sent, failed and pruned messages; skipped customers), cancel.
 * Every lookup is scoped to the key's brand.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { campaignStatuses } from '../../db/schema/index.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { adminSecurity, IdParam, json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { payloadFor } from '../campaign-jobs.ts';
import { type Campaign, cancelCampaign, createCampaign, getCampaign, listCampaigns } from '../campaigns.ts';
import { MAX_PUSH_PAYLOAD_BYTES } from '../ece.ts';
import { TOPIC, URGENCIES } from '../sender.ts';

const common = { tags: ['Admin: campaigns'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const Locale = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/);

const Message = z
  .object({
    title: z.string().trim().min(1).max(120),
    body: z.string().trim().min(1).max(1000),
    url: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .optional(),
  })
  .strict()
  .openapi('CampaignMessage');

const Target = z
  .object({
    tiers: z.array(z.string().min(1).max(40)).min(1).max(20).optional(),
    storeIds: z
      .array(z.string().regex(/^sto_[0-9a-z]{26}$/))
      .min(1)
      .max(50)
      .optional(),
    activeWithinDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict()
  .openapi('CampaignTarget');

const CampaignInput = z
  .object({
    message: Message,
    variants: z
      .record(Locale, Message)
      .refine((v) => Object.keys(v).length <= 20, 'at most 20 locale variants')
      .default({}),
    target: Target.default({}),
    ttlSeconds: z
      .number()
      .int()
      .min(0)
      .max(28 * 86_400)
      .default(86_400),
    urgency: z.enum(URGENCIES).default('normal'),
    topic: z.string().regex(TOPIC, 'at most 32 characters of A–Z a–z 0–9 - _').optional(),
    sendAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('CampaignInput');

const CampaignSchema = z
  .object({
    id: z.string(),
    status: z.enum(campaignStatuses),
    message: Message,
    variants: z.record(z.string(), Message),
    target: Target,
    ttlSeconds: z.number(),
    urgency: z.enum(URGENCIES),
    topic: z.string().nullable(),
    sendAt: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    counts: z.object({
      targeted: z.number().describe('Customers with a subscription and the push consent'),
      sent: z.number().describe('Messages the push service accepted'),
      failed: z.number().describe('Messages refused, or given up on after retries'),
      pruned: z.number().describe('Subscriptions deleted after 404/410'),
      skipped: z.number().describe('Customers skipped at send time: consent withdrawn or frequency cap'),
    }),
  })
  .openapi('Campaign');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (c: Campaign) => ({
  id: c.id,
  status: c.status,
  message: c.message,
  variants: c.variants,
  target: c.target,
  ttlSeconds: c.ttlSeconds,
  urgency: c.urgency,
  topic: c.topic,
  sendAt: new Date(c.sendAt).toISOString(),
  createdAt: new Date(c.createdAt).toISOString(),
  startedAt: iso(c.startedAt),
  counts: { targeted: c.targeted, sent: c.sent, failed: c.failed, pruned: c.pruned, skipped: c.skipped },
});

const CampaignParams = IdParam('campaignId', 'cmp');

const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/campaigns',
  summary: 'Create a push campaign',
  description:
    'Reaches every customer with a push subscription whose latest `push` consent is a grant, optionally narrowed by tier, store (a ledger entry there) or activity. Without `sendAt` it starts at once; otherwise the sweep starts it within 5 minutes of `sendAt`.',
  request: { body: jsonBody(CampaignInput) },
  responses: { 201: json(CampaignSchema, 'Created'), ...problemResponses(400, 401, 403) },
});
const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/campaigns',
  summary: 'List campaigns, newest first',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: {
    200: json(z.object({ data: z.array(CampaignSchema) }), 'Campaigns'),
    ...problemResponses(400, 401, 403),
  },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/campaigns/{campaignId}',
  summary: 'A campaign and its counts',
  request: { params: CampaignParams },
  responses: { 200: json(CampaignSchema, 'Campaign'), ...problemResponses(400, 401, 403, 404) },
});
const cancel = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/campaigns/{campaignId}/cancel',
  summary: 'Cancel a scheduled or sending campaign',
  request: { params: CampaignParams },
  responses: { 200: json(CampaignSchema, 'Cancelled'), ...problemResponses(400, 401, 403, 404, 409) },
});

const noCampaign = () => new AppError('not_found', 'No such campaign');

export function registerAdminCampaigns(app: OpenAPIHono<AppEnv>) {
  app.openapi(create, async (c) => {
    const deps = c.get('deps');
    const input = c.req.valid('json');
    // The longest text any subscription could receive must fit one push message.
    const probe = { id: 'cmp_00000000000000000000000000', message: input.message, variants: input.variants };
    for (const locale of [null, ...Object.keys(input.variants)]) {
      if (payloadFor(probe as Campaign, { locale }).length > MAX_PUSH_PAYLOAD_BYTES) {
        throw new AppError(
          'invalid_request',
          `The message is over ${MAX_PUSH_PAYLOAD_BYTES} bytes as a push payload`,
        );
      }
    }
    const campaign = await createCampaign(deps.push.jobDeps, c.get('apiKey').brandId, {
      ...input,
      sendAt: input.sendAt ? Date.parse(input.sendAt) : undefined,
    });
    return c.json(view(campaign), 201);
  });
  app.openapi(list, async (c) => {
    const rows = await listCampaigns(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('query').limit,
    );
    return c.json({ data: rows.map(view) }, 200);
  });
  app.openapi(get, async (c) => {
    const row = await getCampaign(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('param').campaignId,
    );
    if (!row) throw noCampaign();
    return c.json(view(row), 200);
  });
  app.openapi(cancel, async (c) => {
    const { database } = c.get('deps');
    const brandId = c.get('apiKey').brandId;
    const { campaignId } = c.req.valid('param');
    const row = await cancelCampaign(database, brandId, campaignId);
    if (row) return c.json(view(row), 200);
    if (await getCampaign(database, brandId, campaignId)) {
      throw new AppError('conflict', 'The campaign has already been sent or cancelled');
    }
    throw noCampaign();
  });
}
