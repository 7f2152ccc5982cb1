/**
 * @module wallet/apple/routes/device-logs
 * `POST /wallet/apple/v1/log` (Wallet's error reports; no credentials, rate-limited per client
 * address, stored scrubbed and only when they name a brand's pass type id) and
 * `GET /v1/admin/wallet/apple/device-logs` for that brand's admins.
 * @see https://developer.apple.com/documentation/walletpasses/log-a-message
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { clientFacts } from '../../../consent/routes/client-facts.ts';
import type { AppEnv } from '../../../context.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { requireApiKey } from '../../../http/auth.ts';
import { FixedWindowLimiter } from '../../../pos/scan-rate-limit.ts';
import { adminSecurity, json, jsonBody } from '../../../tenancy/routes/schemas.ts';
import { listDeviceLogs, MAX_LOG_LINES, recordDeviceLogs } from '../device-logs.ts';

/** Log posts per client address (IP prefix) per minute. */
export const DEVICE_LOG_POSTS_PER_MINUTE = 30;

const logRoute = createRoute({
  method: 'post',
  path: '/wallet/apple/v1/log',
  tags: ['Apple pass web service'],
  summary: 'Wallet reports a problem with the web service',
  description: `Lines naming no known pass type id are dropped; at most ${MAX_LOG_LINES} per post are kept, scrubbed. 429 past ${DEVICE_LOG_POSTS_PER_MINUTE} posts a minute per address.`,
  request: { body: jsonBody(z.object({ logs: z.array(z.string().max(4000)).max(100) })) },
  responses: { 200: { description: 'Received' }, ...problemResponses(400, 413, 415, 429) },
});
const listRoute = createRoute({
  method: 'get',
  path: '/v1/admin/wallet/apple/device-logs',
  tags: ['Admin: Apple Wallet'],
  security: adminSecurity,
  middleware: [requireApiKey('admin')],
  summary: 'What Wallet reported about this brand’s passes, newest first',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.iso.datetime().optional().openapi({ description: 'Only lines older than this' }),
    }),
  },
  responses: {
    200: json(
      z.object({ data: z.array(z.object({ id: z.string(), message: z.string(), createdAt: z.string() })) }),
      'Device log lines',
    ),
    ...problemResponses(400, 401, 403),
  },
});

export function registerAppleDeviceLogs(app: OpenAPIHono<AppEnv>) {
  const limiter = new FixedWindowLimiter(DEVICE_LOG_POSTS_PER_MINUTE);
  app.openapi(logRoute, async (c) => {
    const deps = c.get('deps');
    const now = deps.now();
    const wait = limiter.hit(clientFacts(c).ipPrefix ?? 'unknown', now);
    if (wait > 0) throw new AppError('rate_limited', 'Too many log posts from this address');
    await recordDeviceLogs(deps.database, c.req.valid('json').logs, now);
    return c.body(null, 200);
  });
  app.openapi(listRoute, async (c) => {
    const { limit, before } = c.req.valid('query');
    const rows = await listDeviceLogs(
      c.get('deps').database,
      c.get('apiKey').brandId,
      limit,
      before ? Date.parse(before) : undefined,
    );
    return c.json({ data: rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })) }, 200);
  });
}
