/**
 * @module demo/routes
 * `GET /demo`, the shopper demo page, with its script and style, and `POST /demo/qr.svg`, which
 * draws the page's QR code. Registered only in dev mode (ZP_DEV=1), next to the dev Apple
 * provider the page signs in with; elsewhere these paths are 404.
 *
 * Everything is same origin: the CSP allows scripts, styles and requests from this origin only
 * (`'unsafe-inline'` styles for the `<zp-layout>` component's shadow-root `<style>`, as on the
 * layout page), images from here and blob: URLs (the QR), and no framing.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { AppError, problemResponses } from '../errors.ts';
import { SLUG_PATTERN } from '../tenancy/brands.ts';
import { demoJs } from './app-js.ts';
import { demoCss, demoHtml } from './page.ts';
import { qrSvg } from './qr-svg.ts';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Longer than any card code; the QR route draws nothing else. */
const MAX_QR_TEXT = 128;
const PRINTABLE = /^[\x20-\x7e]+$/;

const page = createRoute({
  method: 'get',
  path: '/demo',
  tags: ['Development'],
  summary: 'The shopper demo page (ZP_DEV=1 only)',
  description:
    'Sign in with the dev Apple provider, join through the brand’s `join` layout, see the card with its rotating QR, add it to Apple or Google Wallet. See docs/demo.md.',
  request: {
    query: z.object({
      brand: z.string().optional().openapi({ description: 'A brand slug; the demo brand by default' }),
    }),
  },
  responses: {
    200: { description: 'The page', content: { 'text/html': { schema: z.string() } } },
    ...problemResponses(400),
  },
});

const qr = createRoute({
  method: 'post',
  path: '/demo/qr.svg',
  tags: ['Development'],
  summary: 'A QR code of the body, as SVG (ZP_DEV=1 only)',
  description: `The demo page's QR of the rotating code: a POST, so the code stays out of URLs. Body: 1 to ${MAX_QR_TEXT} printable ASCII characters.`,
  request: {
    body: {
      required: true,
      content: { 'text/plain': { schema: z.string().openapi({ example: 'ZT1.crd_….12345678' }) } },
    },
  },
  responses: {
    200: { description: 'The QR code', content: { 'image/svg+xml': { schema: z.string() } } },
    ...problemResponses(400),
  },
});

export function registerDemo(app: OpenAPIHono<AppEnv>, defaultBrand: string) {
  app.openapi(page, (c) => {
    const brand = c.req.valid('query').brand ?? defaultBrand;
    if (!SLUG_PATTERN.test(brand)) throw new AppError('invalid_request', 'brand must be a brand slug');
    return c.html(demoHtml(brand), 200, {
      'content-security-policy': CSP,
      'cache-control': 'no-store',
    }) as never;
  });
  app.get('/demo/app.js', (c) =>
    c.body(demoJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/demo/app.css', (c) =>
    c.body(demoCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  // POST, so the rotating code stays out of URLs (and so out of access logs and history).
  app.openapi(qr, async (c) => {
    const text = await c.req.text();
    if (!text || text.length > MAX_QR_TEXT || !PRINTABLE.test(text)) {
      throw new AppError(
        'invalid_request',
        `Send 1 to ${MAX_QR_TEXT} printable ASCII characters as the body`,
      );
    }
    return c.body(qrSvg(text), 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'no-store',
    }) as never;
  });
}
