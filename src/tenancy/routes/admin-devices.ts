/**
 * @module tenancy/routes/admin-devices
 * `/v1/admin/devices`: named POS devices. Retiring a device revokes its keys in the same batch.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { createDevice, getDevice, listDevices, retireDevice } from '../devices.ts';
import { adminSecurity, DeviceSchema, IdParam, json, jsonBody, Label, toDevice } from './schemas.ts';

const common = { tags: ['Admin: devices'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const DeviceParams = IdParam('deviceId', 'dev');
const DeviceInput = z.object({ storeId: z.string().min(1).max(40), label: Label }).openapi('DeviceInput');
const ListQuery = z.object({ storeId: z.string().max(40).optional() });

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/devices',
  summary: 'List devices, optionally of one store',
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ data: z.array(DeviceSchema) }), 'Devices'),
    ...problemResponses(400, 401, 403),
  },
});
const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/devices',
  summary: 'Register a device in a store',
  request: { body: jsonBody(DeviceInput) },
  responses: { 201: json(DeviceSchema, 'Created'), ...problemResponses(400, 401, 403, 404) },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/devices/{deviceId}',
  summary: 'Get a device',
  request: { params: DeviceParams },
  responses: { 200: json(DeviceSchema, 'Device'), ...problemResponses(400, 401, 403, 404) },
});
const retire = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/devices/{deviceId}',
  summary: 'Retire a device and revoke its keys',
  request: { params: DeviceParams },
  responses: { 204: { description: 'Retired' }, ...problemResponses(400, 401, 403, 404) },
});

const noDevice = () => new AppError('not_found', 'No such device');

export function registerAdminDevices(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listDevices(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('query').storeId,
    );
    return c.json({ data: rows.map(toDevice) }, 200);
  });
  app.openapi(create, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const device = unwrap(await createDevice(deps.database, apiKey.brandId, c.req.valid('json'), deps.now()));
    return c.json(toDevice(device), 201);
  });
  app.openapi(get, async (c) => {
    const device = await getDevice(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('param').deviceId,
    );
    if (!device) throw noDevice();
    return c.json(toDevice(device), 200);
  });
  app.openapi(retire, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    if (!(await retireDevice(deps.database, apiKey.brandId, c.req.valid('param').deviceId, deps.now()))) {
      throw noDevice();
    }
    // Its keys stop working too; the cache is keyed by secrets, so forget every cached key.
    deps.apiKeyCache.clear();
    return c.body(null, 204);
  });
}
