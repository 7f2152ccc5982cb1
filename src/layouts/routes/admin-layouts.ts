/**
 * @module layouts/routes/admin-layouts
 * `/v1/admin/layouts`: define the brand's collection forms. Scoped to the key's brand.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireApiKey } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { adminSecurity, json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { createLayout, getLayout, listLayouts, replaceLayout } from '../definitions.ts';
import { LayoutInput, LayoutSchema, LayoutSlug, toLayout } from './schemas.ts';

const common = { tags: ['Admin: layouts'], security: adminSecurity, middleware: [requireApiKey('admin')] };
const SlugParam = z.object({ layout: LayoutSlug.openapi({ param: { name: 'layout', in: 'path' } }) });

const list = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/layouts',
  summary: 'List layouts',
  responses: {
    200: json(z.object({ data: z.array(LayoutSchema) }), 'Layouts'),
    ...problemResponses(401, 403),
  },
});
const create = createRoute({
  ...common,
  method: 'post',
  path: '/v1/admin/layouts',
  summary: 'Define a layout',
  description:
    'Fields come from the vocabulary (email, phone, firstName, lastName, birthDate, postalCode, preferredStore) or are custom with a type and label. Purposes must exist for the brand; the template must be bundled.',
  request: { body: jsonBody(LayoutInput) },
  responses: { 201: json(LayoutSchema, 'Created'), ...problemResponses(400, 401, 403, 409, 422) },
});
const get = createRoute({
  ...common,
  method: 'get',
  path: '/v1/admin/layouts/{layout}',
  summary: 'Get a layout',
  request: { params: SlugParam },
  responses: { 200: json(LayoutSchema, 'Layout'), ...problemResponses(400, 401, 403, 404) },
});
const replace = createRoute({
  ...common,
  method: 'put',
  path: '/v1/admin/layouts/{layout}',
  summary: 'Replace a layout definition',
  request: { params: SlugParam, body: jsonBody(LayoutInput) },
  responses: { 200: json(LayoutSchema, 'Layout'), ...problemResponses(400, 401, 403, 404, 422) },
});

export function registerAdminLayouts(app: OpenAPIHono<AppEnv>) {
  app.openapi(list, async (c) => {
    const rows = await listLayouts(c.get('deps').database, c.get('apiKey').brandId);
    return c.json({ data: rows.map(toLayout) }, 200);
  });
  app.openapi(create, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const layout = unwrap(await createLayout(deps.database, apiKey.brandId, c.req.valid('json'), deps.now()));
    return c.json(toLayout(layout), 201);
  });
  app.openapi(get, async (c) => {
    const layout = await getLayout(
      c.get('deps').database,
      c.get('apiKey').brandId,
      c.req.valid('param').layout,
    );
    if (!layout) throw new AppError('not_found', 'No such layout');
    return c.json(toLayout(layout), 200);
  });
  app.openapi(replace, async (c) => {
    const deps = c.get('deps');
    const apiKey = c.get('apiKey');
    const body = c.req.valid('json');
    if (body.slug !== c.req.valid('param').layout)
      throw new AppError('invalid_request', 'The slug cannot change');
    const layout = unwrap(await replaceLayout(deps.database, apiKey.brandId, body, deps.now()));
    return c.json(toLayout(layout), 200);
  });
}
