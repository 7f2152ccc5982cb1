/**
 * @module relay/routes/admin-dead-letters
 * `/v1/admin/dead-letters`: envelopes the relay could not deliver. Admins see metadata only
 * (never the sealed data), and can retry or discard each one.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { adminSecurity, IdParam, json } from '../../tenancy/routes/schemas.ts';
import { discardDeadLetter, listDeadLetters, retryDeadLetter } from '../dead-letters.ts';
import { DeadLetterSchema, toDeadLetter } from './schemas.ts';

const common = {
  tags: ['Admin: dead letters'],
  security: adminSecurity,
  middleware: [requireApiKey('admin')],
};
const Params = IdParam('deadLetterId', 'dlq');
const Query = z.object({
  connectorId: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/dead-letters',
  summary: 'List dead letters, newest first',
  request: { query: Query },
  responses: {
    200: json(z.object({ data: z.array(DeadLetterSchema) }), 'Dead letters'),
    ...problemResponses(400, 401, 403),
  },
});
const retry = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/dead-letters/{deadLetterId}/retry',
  summary: 'Send a dead letter again',
  description:
    'Puts the data back on the relay with its original expiry (a retry never renews the TTL). 409 while no enabled connector takes its kind; 410 once its data has expired (relay TTL or retention).',
  request: { params: Params },
  responses: {
    202: json(z.object({ envelopeId: z.string() }), 'Queued again'),
    ...problemResponses(400, 401, 403, 404, 409, 410, 503),
  },
});
const discard = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/dead-letters/{deadLetterId}',
  summary: 'Discard a dead letter and its data',
  request: { params: Params },
  responses: { 204: { description: 'Discarded' }, ...problemResponses(400, 401, 403, 404) },
});

export function registerAdminDeadLetters(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listDeadLetters(
      c.get('deps').relayDeps,
      c.get('apiKey').brandId,
      c.req.valid('query'),
    );
    return c.json({ data: rows.map(toDeadLetter) }, 200);
  });
  app.openapi(retry, async (c) => {
    const result = unwrap(
      await retryDeadLetter(
        c.get('deps').relayDeps,
        c.get('apiKey').brandId,
        c.req.valid('param').deadLetterId,
      ),
    );
    return c.json(result, 202);
  });
  app.openapi(discard, async (c) => {
    const gone = await discardDeadLetter(
      c.get('deps').relayDeps,
      c.get('apiKey').brandId,
      c.req.valid('param').deadLetterId,
    );
    if (!gone) throw new AppError('not_found', 'No such dead letter');
    return c.body(null, 204);
  });
}
