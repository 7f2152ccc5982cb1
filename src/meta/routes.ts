/**
 * @module meta/routes
 * `/openapi.json` and `/docs`. The document is generated from the route definitions themselves.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { docsCss, docsHtml, docsJs } from './docs-page.ts';

const docsCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'";

export function registerMeta(app: OpenAPIHono<AppEnv>, version: string) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A brand API key with scope `admin` (zpk_admin_…)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'posKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A brand API key with scope `pos`, bound to a device (zpk_pos_…)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'applePass', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'Apple Wallet: `ApplePass <authenticationToken>` of that pass (the pass web service)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'shopperSession', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A shopper access token from POST /v1/auth/apple',
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'zeropass',
      version,
      description:
        'Headless loyalty and wallet backend with zero-party consent. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get('/docs', (c) => c.html(docsHtml, 200, { 'content-security-policy': docsCsp }));
  app.get('/docs/docs.js', (c) => c.body(docsJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/docs.css', (c) => c.body(docsCss, 200, { 'content-type': 'text/css; charset=utf-8' }));
}
