/**
 * @module rights/routes/me-rights
 * The shopper's own rights: `GET /v1/me/export` (access, JSON or XLSX), `PATCH /v1/me`
 * (rectification: the corrected fields go to the CRM through the relay, nothing is stored) and
 * `DELETE /v1/me` (erasure: 202 with the request's steps; the session ends at once).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { requireShopper } from '../../http/auth.ts';
import { requestErasure } from '../erasure.ts';
import { buildExport } from '../export.ts';
import { exportWorkbook } from '../export-xlsx.ts';
import {
  EraseBody,
  ErasureSchema,
  ExportQuery,
  ExportSchema,
  RectifiedSchema,
  RectifyBody,
  toErasure,
  XLSX_TYPE,
} from './schemas.ts';

const common = { tags: ['Shopper'], security: [{ shopperSession: [] }], middleware: [requireShopper()] };

const exportRoute = createRoute({
  ...common,
  method: 'get',
  path: '/v1/me/export',
  summary: 'Everything held on me (right of access)',
  description:
    'Everything zeropass holds on the signed-in customer, and what each CRM connector with the export capability returns now (fetched for this answer, never stored). `format=xlsx` answers a workbook with one sheet per section.',
  request: { query: ExportQuery },
  responses: {
    200: {
      description: 'The export',
      content: {
        'application/json': { schema: ExportSchema },
        [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...problemResponses(400, 401),
  },
});

const rectifyRoute = createRoute({
  ...common,
  method: 'patch',
  path: '/v1/me',
  summary: 'Correct my details (rectification)',
  description:
    'The fields given are relayed to the brand’s CRM (as `contact.upsert`, source `rectification`) and never stored here. 202: the relay delivers them in the background.',
  request: { body: { required: true, content: { 'application/json': { schema: RectifyBody } } } },
  responses: {
    202: { description: 'Relayed', content: { 'application/json': { schema: RectifiedSchema } } },
    ...problemResponses(400, 401, 415),
  },
});

const eraseRoute = createRoute({
  ...common,
  method: 'delete',
  path: '/v1/me',
  summary: 'Erase me (right to erasure)',
  description:
    'Ends every session and unlinks the Apple account at once, then erases in the background: each CRM connector with the erasure capability, the Apple pass (voided and pushed), the Google object (expired), push subscriptions, then the card, ledger, vouchers and wallet registrations. What stays is a tombstone: the customer id, erased-at, the consent events, and only where the brand turned it on, a keyed hash of the email.',
  request: { body: { required: false, content: { 'application/json': { schema: EraseBody } } } },
  responses: {
    202: { description: 'Erasure requested', content: { 'application/json': { schema: ErasureSchema } } },
    ...problemResponses(400, 401),
  },
});

/** Answers an export in the asked format; shared with the admin route. */
export async function exportResponse(
  c: Context<AppEnv>,
  brandId: string,
  customerId: string,
  format: string,
) {
  const deps = c.get('deps');
  const data = await buildExport(deps, brandId, customerId);
  if (!data) return undefined;
  const headers = { 'cache-control': 'no-store' };
  if (format === 'xlsx') {
    return c.body((await exportWorkbook(data)) as Uint8Array<ArrayBuffer>, 200, {
      ...headers,
      'content-type': XLSX_TYPE,
      'content-disposition': 'attachment; filename="export.xlsx"',
    });
  }
  return c.json(data, 200, headers);
}

export function registerMeRights(app: OpenAPIHono<AppEnv>) {
  app.openapi(exportRoute, async (c) => {
    const { brandId, customerId } = c.get('shopper');
    const response = await exportResponse(c, brandId, customerId, c.req.valid('query').format);
    if (!response) throw new AppError('unauthorized', 'The session has been revoked');
    return response as never;
  });
  app.openapi(rectifyRoute, async (c) => {
    const deps = c.get('deps');
    const { brandId, customerId } = c.get('shopper');
    const contact = c.req.valid('json');
    await deps.relay.publish({
      kind: 'contact.upsert',
      brandId,
      customerId,
      source: 'rectification',
      contact,
    });
    const relayed = Object.keys(contact).filter((k) => contact[k as keyof typeof contact] !== undefined);
    return c.json({ relayed }, 202);
  });
  app.openapi(eraseRoute, async (c) => {
    const deps = c.get('deps');
    const { brandId, customerId } = c.get('shopper');
    const body = c.req.header('content-type') ? c.req.valid('json') : {};
    const result = await requestErasure(
      { ...deps, walletGraceMs: deps.config.rights.walletGraceMs },
      { brandId, customerId, source: 'shopper', email: body?.email },
    );
    if (!result.ok) throw result.error;
    return c.json(toErasure(result.value.erasure), 202);
  });
}
