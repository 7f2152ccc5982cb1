/**
 * @module pos/routes-whoami
 * `GET /v1/pos/whoami`: lets a cashier device confirm which store and device its key is bound to.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { problemResponses } from '../errors.ts';
import { requireApiKey } from '../http/auth.ts';

const route = createRoute({
  method: 'get',
  path: '/v1/pos/whoami',
  tags: ['POS'],
  summary: 'The store and device this POS key is bound to',
  security: [{ posKey: [] }],
  middleware: [requireApiKey('pos')],
  responses: {
    200: {
      description: 'Binding',
      content: { 'application/json': { schema: z.object({ storeId: z.string(), deviceId: z.string() }) } },
    },
    ...problemResponses(401, 403),
  },
});

export function registerPosWhoami(app: OpenAPIHono<AppEnv>) {
  app.openapi(route, (c) => {
    const { storeId, deviceId } = c.get('apiKey');
    return c.json({ storeId: storeId ?? '', deviceId: deviceId ?? '' }, 200);
  });
}
