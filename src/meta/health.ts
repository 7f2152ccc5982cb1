/**
 * @module meta/health
 * `GET /healthz`: liveness plus a one-row database round trip.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../context.ts';
import { problemResponses } from '../errors.ts';

const route = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Meta'],
  summary: 'Health check',
  responses: {
    200: {
      description: 'Healthy',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ok'), database: z.enum(['d1', 'libsql']) }),
        },
      },
    },
    ...problemResponses(503),
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, async (c) => {
    const { database } = c.get('deps');
    await database.db.run(sql`select 1`);
    return c.json({ status: 'ok' as const, database: database.kind }, 200);
  });
}
