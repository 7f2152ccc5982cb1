/**
 * @module rights/routes/admin-rights
 * Brand-side data subject requests by customer id: the export, an erasure and its per-step
 * status, and the brand's rights settings. Every query is scoped by the admin key's brand; a
 * customer of another brand is simply not found.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { adminSecurity, IdParam, json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { getErasure, requestErasure } from '../erasure.ts';
import { putRightsSettings, rightsSettingsOf } from '../settings.ts';
import { exportResponse } from './me-rights.ts';
import { EraseBody, ErasureSchema, ExportQuery, ExportSchema, toErasure, XLSX_TYPE } from './schemas.ts';

const common = {
  tags: ['Admin: data subject rights'],
  security: adminSecurity,
  middleware: [requireApiKey('admin')],
};
const CustomerParams = IdParam('customerId', 'cus');
const SettingsSchema = z.object({ keepEmailHash: z.boolean() }).strict().openapi('RightsSettings');

const exportRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/customers/{customerId}/export',
  summary: 'A customer’s data export (access request)',
  request: { params: CustomerParams, query: ExportQuery },
  responses: {
    200: {
      description: 'The export',
      content: {
        'application/json': { schema: ExportSchema },
        [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

const eraseRoute = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/customers/{customerId}/erasure',
  summary: 'Erase a customer (erasure request)',
  description:
    'As `DELETE /v1/me` for the shopper. A customer already erased (or being erased) answers that request.',
  request: {
    params: CustomerParams,
    body: { required: false, content: { 'application/json': { schema: EraseBody } } },
  },
  responses: { 202: json(ErasureSchema, 'Erasure requested'), ...problemResponses(400, 401, 403, 404) },
});

const statusRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/erasures/{erasureId}',
  summary: 'An erasure request and the status of each step',
  request: { params: IdParam('erasureId', 'era') },
  responses: { 200: json(ErasureSchema, 'Erasure'), ...problemResponses(400, 401, 403, 404) },
});

const getSettings = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/rights/settings',
  summary: 'The brand’s data subject rights settings',
  responses: { 200: json(SettingsSchema, 'Settings'), ...problemResponses(401, 403) },
});

const putSettings = createRoute({
  ...common,
  method: 'put',
  path: '/v1/admin/rights/settings',
  summary: 'Set whether erasure tombstones keep a keyed hash of the email',
  request: { body: jsonBody(SettingsSchema) },
  responses: { 200: json(SettingsSchema, 'Settings'), ...problemResponses(400, 401, 403, 415) },
});

export function registerAdminRights(app: OpenAPIHono<AppEnv>) {
  app.openapi(exportRoute, async (c) => {
    const { brandId } = c.get('apiKey');
    const { customerId } = c.req.valid('param');
    const response = await exportResponse(c, brandId, customerId, c.req.valid('query').format);
    if (!response) throw new AppError('not_found', 'No such customer');
    return response as never;
  });
  app.openapi(eraseRoute, async (c) => {
    const deps = c.get('deps');
    const { brandId } = c.get('apiKey');
    const { customerId } = c.req.valid('param');
    const body = c.req.header('content-type') ? c.req.valid('json') : {};
    const result = await requestErasure(
      { ...deps, walletGraceMs: deps.config.rights.walletGraceMs },
      { brandId, customerId, source: 'admin', email: body?.email },
    );
    if (!result.ok) throw result.error;
    return c.json(toErasure(result.value.erasure), 202);
  });
  app.openapi(statusRoute, async (c) => {
    const deps = c.get('deps');
    const erasure = await getErasure(deps, c.get('apiKey').brandId, c.req.valid('param').erasureId);
    if (!erasure) throw new AppError('not_found', 'No such erasure');
    return c.json(toErasure(erasure), 200);
  });
  app.openapi(getSettings, async (c) => {
    const deps = c.get('deps');
    return c.json(await rightsSettingsOf(deps.database, c.get('apiKey').brandId), 200);
  });
  app.openapi(putSettings, async (c) => {
    const deps = c.get('deps');
    const settings = await putRightsSettings(
      deps.database,
      c.get('apiKey').brandId,
      c.req.valid('json'),
      deps.now(),
    );
    return c.json(settings, 200);
  });
}
