/**
 * @module pos/routes/cashier-page
 * `GET /pos`: the cashier web app for a store device, with its script, style and the fallback QR
 * decoder. Public static assets: the page holds no data until the device key is pasted into it,
 * and then it talks to the POS API like any till.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { cashierJs } from '../cashier/app-js.ts';
import { cashierCss, cashierHtml } from '../cashier/page.ts';
import { qrDecoderJs } from '../cashier/qr-decoder.generated.ts';

const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const js = 'text/javascript; charset=utf-8';

export function registerCashierPage(app: OpenAPIHono<AppEnv>) {
  app.get('/pos', (c) =>
    c.html(cashierHtml, 200, {
      'content-security-policy': csp,
      'permissions-policy': 'camera=(self)',
      'cache-control': 'no-cache',
    }),
  );
  app.get('/pos/app.js', (c) => c.body(cashierJs, 200, { 'content-type': js, 'cache-control': 'no-cache' }));
  app.get('/pos/app.css', (c) => c.body(cashierCss, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/pos/qr-decoder.js', (c) =>
    c.body(qrDecoderJs, 200, { 'content-type': js, 'cache-control': 'public, max-age=86400' }),
  );
}
