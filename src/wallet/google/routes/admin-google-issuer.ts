/**
 * @module wallet/google/routes/admin-google-issuer
 * `/v1/admin/wallet/google/issuer`: the brand's Google Wallet issuer id, programme design and
 * service-account key (write-only: sealed, never returned).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../context.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { requireApiKey } from '../../../http/auth.ts';
import { adminSecurity, json, jsonBody } from '../../../tenancy/routes/schemas.ts';
import { GoogleDesignSchema, IssuerIdSchema, ServiceAccountKeySchema } from '../issuer-schema.ts';
import { deleteIssuer, issuerView, saveIssuer } from '../issuers.ts';

const common = {
  tags: ['Admin: Google Wallet'],
  security: adminSecurity,
  middleware: [requireApiKey('admin')],
};
const PATH = '/v1/admin/wallet/google/issuer';

const IssuerBody = z
  .object({
    issuerId: IssuerIdSchema,
    design: GoogleDesignSchema,
    serviceAccountKey: ServiceAccountKeySchema.optional().openapi({
      description:
        'The JSON key file of a service account with the Wallet Object Issuer role. Required the first time; omit to keep the stored one. Never returned.',
    }),
  })
  .openapi('GoogleWalletIssuerInput');

const IssuerSchema = z
  .object({
    issuerId: z.string(),
    design: GoogleDesignSchema,
    serviceAccount: z.string().openapi({ description: 'The service account that signs (its client_email)' }),
    keyId: z.string(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('GoogleWalletIssuer');

const get = createRoute({
  ...common,
  method: 'get',
  path: PATH,
  summary: 'The Google Wallet issuer (without its key)',
  responses: { 200: json(IssuerSchema, 'Issuer'), ...problemResponses(401, 403, 404) },
});
const put = createRoute({
  ...common,
  method: 'put',
  path: PATH,
  summary: 'Create or replace the Google Wallet issuer',
  description:
    'The loyalty class is created or patched at Google when the next shopper asks for a save link. 422 when the key is not an RSA PKCS#8 key.',
  request: { body: jsonBody(IssuerBody) },
  responses: { 200: json(IssuerSchema, 'Issuer'), ...problemResponses(400, 401, 403, 413, 415, 422) },
});
const remove = createRoute({
  ...common,
  method: 'delete',
  path: PATH,
  summary: 'Remove the Google Wallet issuer',
  description: 'Objects already saved stay in shoppers’ wallets but are no longer updated.',
  responses: { 204: { description: 'Removed' }, ...problemResponses(401, 403, 404) },
});

export function registerAdminGoogleIssuer(app: OpenAPIHono<AppEnv>) {
  const store = (deps: AppEnv['Variables']['deps']) => ({
    database: deps.database,
    key: deps.relayDeps.key,
    now: deps.now,
  });
  app.openapi(get, async (c) => {
    const view = await issuerView(store(c.get('deps')), c.get('apiKey').brandId);
    if (!view) throw new AppError('not_found', 'no Google Wallet issuer yet');
    return c.json(view, 200);
  });
  app.openapi(put, async (c) => {
    const input = c.req.valid('json');
    if (input.serviceAccountKey && !(await isRsaKey(input.serviceAccountKey.private_key))) {
      throw new AppError('unprocessable', 'serviceAccountKey.private_key is not an RSA PKCS#8 key');
    }
    const deps = store(c.get('deps'));
    const brandId = c.get('apiKey').brandId;
    if (!(await saveIssuer(deps, brandId, input))) {
      throw new AppError('invalid_request', 'serviceAccountKey is required the first time');
    }
    const view = await issuerView(deps, brandId);
    if (!view) throw new Error('issuer vanished after save');
    return c.json(view, 200);
  });
  app.openapi(remove, async (c) => {
    if (!(await deleteIssuer(store(c.get('deps')), c.get('apiKey').brandId))) {
      throw new AppError('not_found', 'no Google Wallet issuer');
    }
    return c.body(null, 204);
  });
}

async function isRsaKey(pem: string): Promise<boolean> {
  try {
    const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\\n|\s+/g, '');
    const der = Uint8Array.from(atob(body), (ch) => ch.charCodeAt(0));
    await crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return true;
  } catch {
    return false;
  }
}
