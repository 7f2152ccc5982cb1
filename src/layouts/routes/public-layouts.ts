/**
 * @module layouts/routes/public-layouts
 * The public, headless side of layouts: the definition with rendered notices, and submissions.
 * Both are called cross-origin from brands' sites, so they answer CORS without credentials; a
 * signed-in shopper links a submission by sending their session as a Bearer token.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { getPurposes } from '../../consent/purposes.ts';
import { clientFacts } from '../../consent/routes/client-facts.ts';
import type { AppEnv, ShopperPrincipal } from '../../context.ts';
import { AppError, problemResponses } from '../../errors.ts';
import { bearerToken } from '../../http/auth.ts';
import { unwrap } from '../../http/router.ts';
import { getCustomer } from '../../identity/customers.ts';
import { getBrandBySlug } from '../../tenancy/brands.ts';
import { json, jsonBody } from '../../tenancy/routes/schemas.ts';
import { getLayout } from '../definitions.ts';
import { pickLocale, presentLayout } from '../presentation.ts';
import { submitLayout } from '../submissions.ts';
import { LayoutSlug, SubmissionBody, SubmissionResultSchema } from './schemas.ts';

const Params = z.object({
  brand: LayoutSlug.openapi({ param: { name: 'brand', in: 'path' } }),
  layout: LayoutSlug.openapi({ param: { name: 'layout', in: 'path' } }),
});

const getDefinition = createRoute({
  method: 'get',
  path: '/v1/layouts/{brand}/{layout}',
  tags: ['Layouts'],
  summary: 'A layout with its notices rendered for one locale',
  request: { params: Params, query: z.object({ locale: z.string().max(10).optional() }) },
  responses: {
    200: json(z.object({}).passthrough().openapi('LayoutPresentation'), 'Layout'),
    ...problemResponses(400, 404),
  },
});

const submit = createRoute({
  method: 'post',
  path: '/v1/layouts/{brand}/{layout}/submissions',
  tags: ['Layouts'],
  summary: 'Submit a layout: enrol or link the customer, record consents, get a signed receipt',
  description:
    'Only declared fields are accepted (422 otherwise, and nothing is recorded). Every ticked purpose needs its `noticeVersions` entry, the version of the notice that was shown (422 otherwise; 409 if it is no longer the current one). A valid shopper session (Authorization: Bearer) links the submission to that customer, and the answer’s token renews it: same sign-in time, never valid past that plus the maximum session age (401 once reached). Values go to the brand’s CRM through the relay and are never stored. `Sec-GPC: 1` records an opt-out of sale_or_share.',
  request: { params: Params, body: jsonBody(SubmissionBody) },
  responses: {
    201: json(SubmissionResultSchema, 'Submitted'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

/** A shopper session if one is sent; a bad one is refused rather than silently ignored. */
async function optionalShopper(c: Context<AppEnv>): Promise<ShopperPrincipal | undefined> {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const token = bearerToken(header);
  if (!token) throw new AppError('unauthorized', 'Send a shopper access token as Authorization: Bearer …');
  const deps = c.get('deps');
  const verified = unwrap(await deps.sessions.verify(token));
  const customer = await getCustomer(deps.database, verified.brandId, verified.customerId);
  if (!customer || verified.issuedAtMs < customer.sessionsValidAfter) {
    throw new AppError('unauthorized', 'The session has been revoked');
  }
  const shopper = { customerId: customer.id, brandId: customer.brandId, signedInAtMs: verified.signedInAtMs };
  c.set('shopper', shopper);
  return shopper;
}

export function registerPublicLayouts(app: OpenAPIHono<AppEnv>) {
  app.use(
    '/v1/layouts/*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['content-type', 'authorization'],
      maxAge: 600,
    }),
  );
  app.openapi(getDefinition, async (c) => {
    const deps = c.get('deps');
    const { brand: slug, layout: layoutSlug } = c.req.valid('param');
    const brand = await getBrandBySlug(deps.database, slug);
    const layout = brand && (await getLayout(deps.database, brand.id, layoutSlug));
    if (!brand || !layout) throw new AppError('not_found', 'No such layout');
    const locale = pickLocale(layout, c.req.valid('query').locale, c.req.header('accept-language'));
    const body = await presentLayout(brand, layout, await getPurposes(deps.database, brand.id), locale);
    return c.json(body, 200, { 'cache-control': 'public, max-age=60', vary: 'accept-language' });
  });
  app.openapi(submit, async (c) => {
    const deps = c.get('deps');
    const { brand, layout } = c.req.valid('param');
    const body = c.req.valid('json');
    const shopper = await optionalShopper(c as unknown as Context<AppEnv>);
    const facts = {
      ...clientFacts(c),
      brand,
      layout,
      acceptLanguage: c.req.header('accept-language'),
      shopper,
    };
    const result = unwrap(await submitLayout(deps, facts, body));
    return c.json(result, 201);
  });
}
