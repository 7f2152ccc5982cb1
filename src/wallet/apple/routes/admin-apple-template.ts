/**
 * @module wallet/apple/routes/admin-apple-template
 * `/v1/admin/wallet/apple/template`: the brand's pass design, signing credentials (write-only:
 * sealed, never returned) and images (`PUT …/images/{name}` with the PNG as the body).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../context.ts';
import { applePassImageNames } from '../../../db/schema/index.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { requireApiKey } from '../../../http/auth.ts';
import { unwrap } from '../../../http/router.ts';
import { adminSecurity, json, jsonBody } from '../../../tenancy/routes/schemas.ts';
import { MAX_IMAGE_BYTES } from '../png.ts';
import { TemplateDefinitionSchema } from '../template-schema.ts';
import { deleteImage, saveImage, saveTemplate, templateView } from '../templates-store.ts';

const common = {
  tags: ['Admin: Apple Wallet'],
  security: adminSecurity,
  middleware: [requireApiKey('admin')],
};
const PATH = '/v1/admin/wallet/apple/template';
export const APPLE_IMAGE_PATH_PREFIX = `${PATH}/images/`;

const Secret = (max: number) => z.string().min(1).max(max);
const TemplateBody = z
  .object({
    design: TemplateDefinitionSchema,
    credentials: z
      .object({
        certificate: Secret(32_000).openapi({
          description: 'PEM of the certificate (and key), or base64 of the .p12',
        }),
        privateKey: Secret(16_000)
          .optional()
          .openapi({ description: 'PEM of the key, when not in certificate' }),
        passphrase: Secret(200).optional(),
        wwdr: Secret(16_000)
          .optional()
          .openapi({ description: 'PEM of the WWDR intermediate (else APPLE_WWDR_PEM)' }),
      })
      .optional()
      .openapi({ description: 'Required the first time; omit to keep the stored ones. Never returned.' }),
    apnsKey: z
      .object({ keyId: z.string().regex(/^[A-Z0-9]{10}$/), privateKey: Secret(4_000) })
      .nullable()
      .optional()
      .openapi({
        description: 'A .p8 key for APNs token auth; null removes it (APNs then uses the certificate)',
      }),
  })
  .openapi('ApplePassTemplateInput');

const ImageSchema = z.object({
  name: z.enum(applePassImageNames),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  sha1: z.string(),
});
const TemplateSchema = z
  .object({
    version: z.number().int(),
    passTypeId: z.string(),
    teamId: z.string(),
    certificateExpiresAt: z.string(),
    apnsAuth: z.enum(['certificate', 'token']),
    design: TemplateDefinitionSchema,
    images: z.array(ImageSchema),
    updatedAt: z.string(),
  })
  .openapi('ApplePassTemplate');

const ImageParams = z.object({
  name: z.enum(applePassImageNames).openapi({ param: { name: 'name', in: 'path' } }),
});

const get = createRoute({
  ...common,
  method: 'get',
  path: PATH,
  summary: 'The Apple pass template (without its credentials)',
  responses: { 200: json(TemplateSchema, 'Template'), ...problemResponses(401, 403, 404) },
});
const put = createRoute({
  ...common,
  method: 'put',
  path: PATH,
  summary: 'Create or replace the Apple pass template',
  description:
    'The pass type id and team id come from the certificate (subject UID and OU). 422 `invalid_pass_credentials` names what is wrong: a key that does not match, an expired certificate, a wrong passphrase.',
  request: { body: jsonBody(TemplateBody) },
  responses: {
    200: json(TemplateSchema, 'Template'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 422),
  },
});
const putImage = createRoute({
  ...common,
  method: 'put',
  path: `${PATH}/images/{name}`,
  summary: 'Upload a pass image (PNG body)',
  description: `A PNG of at most ${MAX_IMAGE_BYTES / 1024} KiB, no larger than Apple's size for the slot at its scale (icon 29×29, logo 160×50, strip 375×144 points). icon is required.`,
  request: {
    params: ImageParams,
    body: { content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
  },
  responses: { 200: json(ImageSchema, 'Stored'), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
});
const removeImage = createRoute({
  ...common,
  method: 'delete',
  path: `${PATH}/images/{name}`,
  summary: 'Remove a pass image',
  request: { params: ImageParams },
  responses: { 204: { description: 'Removed' }, ...problemResponses(400, 401, 403, 404) },
});

export function registerAdminAppleTemplate(app: OpenAPIHono<AppEnv>) {
  const store = (deps: AppEnv['Variables']['deps']) => ({
    database: deps.database,
    key: deps.relayDeps.key,
    now: deps.now,
    sha1Hex: deps.passCrypto.sha1Hex,
  });
  app.openapi(get, async (c) => {
    const view = await templateView(c.get('deps').database, c.get('apiKey').brandId);
    if (!view) throw new AppError('not_found', 'no Apple pass template yet');
    return c.json(view, 200);
  });
  app.openapi(put, async (c) => {
    const result = await saveTemplate(store(c.get('deps')), c.get('apiKey').brandId, c.req.valid('json'));
    const view = unwrap(result);
    if (!view) throw new Error('template vanished after save');
    return c.json(view, 200);
  });
  app.openapi(putImage, async (c) => {
    if (!c.req.header('content-type')?.toLowerCase().startsWith('image/png')) {
      throw new AppError('unsupported_media_type', 'Send the image as Content-Type: image/png');
    }
    const png = new Uint8Array(await c.req.arrayBuffer());
    const { name } = c.req.valid('param');
    return c.json(unwrap(await saveImage(store(c.get('deps')), c.get('apiKey').brandId, name, png)), 200);
  });
  app.openapi(removeImage, async (c) => {
    const removed = await deleteImage(
      store(c.get('deps')),
      c.get('apiKey').brandId,
      c.req.valid('param').name,
    );
    if (!removed) throw new AppError('not_found', 'no such image');
    return c.body(null, 204);
  });
}
