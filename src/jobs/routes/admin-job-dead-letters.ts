/**
 * @module jobs/routes/admin-job-dead-letters
 * `/v1/admin/jobs/dead-letters`: background jobs of this brand that gave up (a wallet push APNs
 * refused, say), with their last error; retry or discard each. Relay envelopes have their own
 * dead letters (`/v1/admin/dead-letters`), which keep the sealed data's TTL.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { adminSecurity, IdParam, json } from '../../tenancy/routes/schemas.ts';
import { discardJobDeadLetter, listJobDeadLetters, retryJobDeadLetter } from '../dead-letters.ts';

const common = { tags: ['Admin: jobs'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const Params = IdParam('deadLetterId', 'jdl');
const iso = (ms: number) => new Date(ms).toISOString();

const JobDeadLetterSchema = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: 'wallet.apple.push' }),
    jobId: z.string(),
    attempts: z.number().int(),
    lastError: z.string(),
    createdAt: z.string(),
    deadAt: z.string(),
  })
  .openapi('JobDeadLetter');

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/jobs/dead-letters',
  summary: 'List background jobs that gave up, newest first',
  request: {
    query: z.object({
      kind: z.string().max(60).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(JobDeadLetterSchema) }), 'Dead jobs'),
    ...problemResponses(400, 401, 403),
  },
});
const retry = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/jobs/dead-letters/{deadLetterId}/retry',
  summary: 'Run a dead job again, from its first attempt',
  request: { params: Params },
  responses: {
    202: json(z.object({ kind: z.string() }), 'Queued again'),
    ...problemResponses(400, 401, 403, 404),
  },
});
const discard = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/jobs/dead-letters/{deadLetterId}',
  summary: 'Discard a dead job',
  request: { params: Params },
  responses: { 204: { description: 'Discarded' }, ...problemResponses(400, 401, 403, 404) },
});

export function registerAdminJobDeadLetters(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const { kind, limit } = c.req.valid('query');
    const rows = await listJobDeadLetters(c.get('deps').database, c.get('apiKey').brandId, kind, limit);
    return c.json(
      { data: rows.map((r) => ({ ...r, createdAt: iso(r.createdAt), deadAt: iso(r.deadAt) })) },
      200,
    );
  });
  app.openapi(retry, async (c) => {
    const deps = c.get('deps');
    const retried = await retryJobDeadLetter(
      deps.database,
      deps.jobs,
      c.get('apiKey').brandId,
      c.req.valid('param').deadLetterId,
    );
    if (!retried) throw new AppError('not_found', 'no such dead job');
    return c.json(retried, 202);
  });
  app.openapi(discard, async (c) => {
    const gone = await discardJobDeadLetter(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('param').deadLetterId,
    );
    if (!gone) throw new AppError('not_found', 'no such dead job');
    return c.body(null, 204);
  });
}
