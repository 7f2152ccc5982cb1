/**
 * @module wallet/apple/routes/pass-web-service
 * Apple's pass web service, at the pass's `webServiceURL` (`ZP_PUBLIC_URL/wallet/apple`), exactly
 * as the reference maps each outcome to a status: register (201 new, 200 already, 401), list
 * changed serials (200 `{serialNumbers, lastUpdated}`, 204 none), fetch the latest pass (200 with
 * Last-Modified, 304, 401), unregister (200, 401). Every `ApplePass` token is checked against the
 * hash of *that* serial's token in constant time; no answer or log line carries it.
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 * @see https://developer.apple.com/documentation/walletpasses/register-a-pass-for-update-notifications
 * @see https://developer.apple.com/documentation/walletpasses/get-the-list-of-updatable-passes
 * @see https://developer.apple.com/documentation/walletpasses/send-an-updated-pass
 * @see https://developer.apple.com/documentation/walletpasses/unregister-a-pass-for-update-notifications
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../../context.ts';
import { AppError, problemResponses } from '../../../errors.ts';
import { jsonBody } from '../../../tenancy/routes/schemas.ts';
import { applePassToken, authorizedPass } from '../passes.ts';
import { register, serialsUpdatedSince, unregister } from '../registrations.ts';
import { httpDate, PKPASS_TYPE, pkpassBody, renderPass } from '../render-pass.ts';

const BASE = '/wallet/apple/v1';
const tags = ['Apple pass web service'];
const security = [{ applePass: [] }];

const param = (name: string, pattern: RegExp, max: number) =>
  z
    .string()
    .max(max)
    .regex(pattern)
    .openapi({ param: { name, in: 'path' } });
const Device = param('deviceLibraryIdentifier', /^[A-Za-z0-9._-]+$/, 128);
const PassType = param('passTypeIdentifier', /^pass\.[A-Za-z0-9.-]+$/, 200);
const Serial = param('serialNumber', /^[A-Za-z0-9_-]+$/, 64);
const RegistrationParams = z.object({
  deviceLibraryIdentifier: Device,
  passTypeIdentifier: PassType,
  serialNumber: Serial,
});
const empty = (description: string) => ({ description });

const registerRoute = createRoute({
  method: 'post',
  path: `${BASE}/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}`,
  tags,
  security,
  summary: 'Register a device for a pass’s update pushes',
  request: {
    params: RegistrationParams,
    body: jsonBody(z.object({ pushToken: z.string().regex(/^[0-9a-fA-F]{16,200}$/) })),
  },
  responses: {
    201: empty('Registered'),
    200: empty('Already registered'),
    ...problemResponses(400, 401),
  },
});
const unregisterRoute = createRoute({
  method: 'delete',
  path: `${BASE}/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}`,
  tags,
  security,
  summary: 'Unregister a device from a pass; a device with no registration left is forgotten',
  request: { params: RegistrationParams },
  responses: { 200: empty('Unregistered'), ...problemResponses(400, 401) },
});
const listRoute = createRoute({
  method: 'get',
  path: `${BASE}/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}`,
  tags,
  summary: 'Serial numbers of the device’s passes changed since a tag',
  description:
    '`lastUpdated` is the tag to send as `passesUpdatedSince` next time. Tags are per-pass modification times in seconds that every change moves forward.',
  request: {
    params: z.object({ deviceLibraryIdentifier: Device, passTypeIdentifier: PassType }),
    query: z.object({
      passesUpdatedSince: z
        .string()
        .regex(/^\d{1,12}$/)
        .optional(),
    }),
  },
  responses: {
    200: {
      description: 'Changed passes',
      content: {
        'application/json': {
          schema: z.object({ serialNumbers: z.array(z.string()), lastUpdated: z.string() }),
        },
      },
    },
    204: empty('No matching passes'),
    ...problemResponses(400),
  },
});
const passRoute = createRoute({
  method: 'get',
  path: `${BASE}/passes/{passTypeIdentifier}/{serialNumber}`,
  tags,
  security,
  summary: 'The latest version of a pass',
  request: { params: z.object({ passTypeIdentifier: PassType, serialNumber: Serial }) },
  responses: {
    200: {
      description: 'The pass, with Last-Modified',
      content: { [PKPASS_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    304: empty('Not modified since If-Modified-Since'),
    ...problemResponses(400, 401, 409),
  },
});

const unauthorized = () =>
  new AppError('unauthorized', 'Send the pass’s token as Authorization: ApplePass …');

async function authorize(c: Context<AppEnv>, passTypeId: string, serial: string) {
  const token = applePassToken(c.req.header('authorization'));
  const pass = await authorizedPass(c.get('deps').database, passTypeId, serial, token);
  if (!pass) throw unauthorized();
  return pass;
}

export function registerPassWebService(app: OpenAPIHono<AppEnv>) {
  app.openapi(registerRoute, async (c) => {
    const p = c.req.valid('param');
    const pass = await authorize(c, p.passTypeIdentifier, p.serialNumber);
    const { pushToken } = c.req.valid('json');
    const result = await register(
      c.get('deps').database,
      pass.brandId,
      p.deviceLibraryIdentifier,
      pushToken.toLowerCase(),
      pass.serial,
    );
    return c.body(null, result === 'created' ? 201 : 200);
  });
  app.openapi(unregisterRoute, async (c) => {
    const p = c.req.valid('param');
    const pass = await authorize(c, p.passTypeIdentifier, p.serialNumber);
    await unregister(c.get('deps').database, pass.brandId, p.deviceLibraryIdentifier, pass.serial);
    return c.body(null, 200);
  });
  app.openapi(listRoute, async (c) => {
    const p = c.req.valid('param');
    const since = c.req.valid('query').passesUpdatedSince;
    const changed = await serialsUpdatedSince(
      c.get('deps').database,
      p.passTypeIdentifier,
      p.deviceLibraryIdentifier,
      since === undefined ? undefined : Number(since),
    );
    if (!changed.serialNumbers.length) return c.body(null, 204);
    return c.json({ serialNumbers: changed.serialNumbers, lastUpdated: String(changed.lastUpdated) }, 200);
  });
  app.openapi(passRoute, async (c) => {
    const p = c.req.valid('param');
    const pass = await authorize(c, p.passTypeIdentifier, p.serialNumber);
    const since = Date.parse(c.req.header('if-modified-since') ?? '');
    const lastModified = httpDate(pass.updatedS);
    if (Number.isFinite(since) && pass.updatedS <= Math.floor(since / 1000)) {
      return c.body(null, 304, { 'last-modified': lastModified }) as never;
    }
    const deps = c.get('deps');
    const lookup = await deps.appleTemplates.get(pass.brandId);
    if (!lookup.ok) throw new AppError('wallet_not_configured', lookup.detail);
    const { body, headers } = pkpassBody(await renderPass(deps, lookup.template, pass, deps.now()));
    return c.body(body, 200, {
      ...headers,
      'last-modified': lastModified,
      'cache-control': 'no-cache',
    }) as never;
  });
}
