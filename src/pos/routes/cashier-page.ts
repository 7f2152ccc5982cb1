/**
 * @module pos/routes/cashier-page
 * `GET /pos`: the cashier web app (placeholder until the page lands).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';

export function registerCashierPage(app: OpenAPIHono<AppEnv>) {
  app.get('/pos', (c) => c.html('<!doctype html><title>zeropass POS</title>'));
}
