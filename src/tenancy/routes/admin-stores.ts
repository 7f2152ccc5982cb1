/**
 * @module tenancy/routes/admin-stores
 * `/v1/admin/stores`: a brand's stores. Every lookup is scoped to the key's brand, so another
 * brand's store id answers 404 exactly like an id that does not exist.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { createStore, getStore, listStores, renameStore } from '../stores.ts';
import { adminSecurity, IdParam, json, jsonBody, Label, StoreSchema, toStore } from './schemas.ts';

const common = { tags: ['Admin: stores'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const StoreParams = IdParam('storeId', 'sto');
const StoreInput = z.object({ label: Label }).openapi('StoreInput');

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/stores',
  summary: 'List stores',
  responses: { 200: json(z.object({ data: z.array(StoreSchema) }), 'Stores'), ...problemResponses(401, 403) },
});
const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/stores',
  summary: 'Create a store',
  request: { body: jsonBody(StoreInput) },
  responses: { 201: json(StoreSchema, 'Created'), ...problemResponses(400, 401, 403) },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/stores/{storeId}',
  summary: 'Get a store',
  request: { params: StoreParams },
  responses: { 200: json(StoreSchema, 'Store'), ...problemResponses(400, 401, 403, 404) },
});
const patch = createRoute({
  ...common,
  method: 'patch',
  path: '/v1/admin/stores/{storeId}',
  summary: 'Rename a store',
  request: { params: StoreParams, body: jsonBody(StoreInput) },
  responses: { 200: json(StoreSchema, 'Store'), ...problemResponses(400, 401, 403, 404) },
});

const noStore = () => new AppError('not_found', 'No such store');

export function registerAdminStores(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listStores(c.get('deps').database, c.get('apiKey').brandId);
    return c.json({ data: rows.map(toStore) }, 200);
  });
  app.openapi(create, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const store = await createStore(deps.database, apiKey.brandId, c.req.valid('json').label, deps.now());
    return c.json(toStore(store), 201);
  });
  app.openapi(get, async (c) => {
    const store = await getStore(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('param').storeId,
    );
    if (!store) throw noStore();
    return c.json(toStore(store), 200);
  });
  app.openapi(patch, async (c) => {
    const { storeId } = c.req.valid('param');
    const store = await renameStore(
      c.get('deps').database,
      c.get('apiKey').brandId,
      storeId,
      c.req.valid('json').label,
    );
    if (!store) throw noStore();
    return c.json(toStore(store), 200);
  });
}
