/**
 * @module relay/routes/admin-connectors
 * `/v1/admin/connectors`: a brand's CRM connectors. Config is checked by the connector's manifest
 * (webhook URLs by the SSRF guard too); secrets are write-only. Another brand's connector id
 * answers 404 like an unknown one.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { connectorTypes } from '../../db/schema/index.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { adminSecurity, IdParam, json, jsonBody, Label } from '../../tenancy/routes/schemas.ts';
import {
  createConnector,
  deleteConnector,
  getConnector,
  listConnectors,
  loadConnector,
  updateConnector,
} from '../connectors-store.ts';
import { ConnectorSchema, toConnector } from './schemas.ts';

const common = { tags: ['Admin: connectors'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const Params = IdParam('connectorId', 'con');
const Config = z.record(z.string(), z.unknown()).openapi({ description: 'Per the connector type’s schema' });
const CreateInput = z
  .object({ type: z.enum(connectorTypes), label: Label, enabled: z.boolean().optional(), config: Config })
  .openapi('ConnectorInput');
const PatchInput = z
  .object({ label: Label.optional(), enabled: z.boolean().optional(), config: Config.optional() })
  .openapi('ConnectorPatch');

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/connectors',
  summary: 'List connectors',
  responses: {
    200: json(z.object({ data: z.array(ConnectorSchema) }), 'Connectors'),
    ...problemResponses(401, 403),
  },
});
const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/connectors',
  summary: 'Configure a connector',
  request: { body: jsonBody(CreateInput) },
  responses: { 201: json(ConnectorSchema, 'Created'), ...problemResponses(400, 401, 403, 422) },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'Get a connector',
  request: { params: Params },
  responses: { 200: json(ConnectorSchema, 'Connector'), ...problemResponses(400, 401, 403, 404) },
});
const patch = createRoute({
  ...common,
  method: 'patch',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'Change a connector (omitted secrets are kept)',
  request: { params: Params, body: jsonBody(PatchInput) },
  responses: { 200: json(ConnectorSchema, 'Connector'), ...problemResponses(400, 401, 403, 404, 422) },
});
const remove = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/admin/connectors/{connectorId}',
  summary: 'Remove a connector',
  request: { params: Params },
  responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 403, 404) },
});
const test = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/connectors/{connectorId}/test',
  summary: 'Test the connection without writing data',
  request: { params: Params },
  responses: {
    200: json(z.object({ ok: z.literal(true), detail: z.string() }), 'Connected'),
    ...problemResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

const noConnector = () => new AppError('not_found', 'No such connector');

export function registerAdminConnectors(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listConnectors(c.get('deps').relayDeps, c.get('apiKey').brandId);
    return c.json({ data: rows.map(toConnector) }, 200);
  });
  app.openapi(create, async (c) => {
    const view = unwrap(
      await createConnector(c.get('deps').relayDeps, c.get('apiKey').brandId, c.req.valid('json')),
    );
    return c.json(toConnector(view), 201);
  });
  app.openapi(get, async (c) => {
    const view = await getConnector(
      c.get('deps').relayDeps,
      c.get('apiKey').brandId,
      c.req.valid('param').connectorId,
    );
    if (!view) throw noConnector();
    return c.json(toConnector(view), 200);
  });
  app.openapi(patch, async (c) => {
    const { connectorId } = c.req.valid('param');
    const view = unwrap(
      await updateConnector(
        c.get('deps').relayDeps,
        c.get('apiKey').brandId,
        connectorId,
        c.req.valid('json'),
      ),
    );
    return c.json(toConnector(view), 200);
  });
  app.openapi(remove, async (c) => {
    const removed = await deleteConnector(
      c.get('deps').relayDeps,
      c.get('apiKey').brandId,
      c.req.valid('param').connectorId,
    );
    if (!removed) throw noConnector();
    return c.body(null, 204);
  });
  app.openapi(test, async (c) => {
    const loaded = unwrap(
      await loadConnector(c.get('deps').relayDeps, c.get('apiKey').brandId, c.req.valid('param').connectorId),
    );
    const result = unwrap(await loaded.client.testConnection());
    return c.json({ ok: true as const, detail: result.detail }, 200);
  });
}
