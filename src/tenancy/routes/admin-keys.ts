/**
 * @module tenancy/routes/admin-keys
 * `/v1/admin/keys`: create (the key is in this one response only), list (never the key), revoke.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { apiKeyScopes } from '../../db/schema/index.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys.ts';
import { ApiKeySchema, adminSecurity, IdParam, json, jsonBody, Label, toApiKey } from './schemas.ts';

const common = { tags: ['Admin: keys'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const KeyInput = z
  .object({
    scope: z.enum(apiKeyScopes),
    label: Label,
    deviceId: z.string().max(40).optional().openapi({ description: 'Required for pos keys' }),
  })
  .openapi('ApiKeyInput');
const CreatedKey = z
  .object({ key: z.string().openapi({ description: 'Shown once; store it now' }), apiKey: ApiKeySchema })
  .openapi('CreatedApiKey');

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/keys',
  summary: 'List API keys (never the keys themselves)',
  responses: { 200: json(z.object({ data: z.array(ApiKeySchema) }), 'Keys'), ...problemResponses(401, 403) },
});
const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/keys',
  summary: 'Create an API key',
  request: { body: jsonBody(KeyInput) },
  responses: { 201: json(CreatedKey, 'Created'), ...problemResponses(400, 401, 403, 404) },
});
const revoke = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/keys/{keyId}',
  summary: 'Revoke an API key',
  request: { params: IdParam('keyId', 'key') },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(400, 401, 403, 404) },
});

export function registerAdminKeys(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listApiKeys(c.get('deps').database, c.get('apiKey').brandId);
    return c.json({ data: rows.map(toApiKey) }, 200);
  });
  app.openapi(create, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const created = unwrap(
      await createApiKey(deps.database, apiKey.brandId, c.req.valid('json'), deps.now()),
    );
    return c.json({ key: created.key, apiKey: toApiKey(created.apiKey) }, 201);
  });
  app.openapi(revoke, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    if (!(await revokeApiKey(deps.database, apiKey.brandId, c.req.valid('param').keyId, deps.now()))) {
      throw new AppError('not_found', 'No such active key');
    }
    // The cache is keyed by the secret, which is not stored: forget every cached key instead.
    deps.apiKeyCache.clear();
    return c.body(null, 204);
  });
}
