/**
 * @module consent/routes
 * Every consent route, registered in one call from app.ts.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { registerAdminConsent } from './admin-consent.ts';
import { registerConfirmPage } from './confirm-page.ts';
import { registerShopperConsents } from './shopper-consents.ts';
import { registerWellKnown } from './well-known.ts';

export function registerConsent(app: OpenAPIHono<AppEnv>) {
  registerAdminConsent(app);
  registerShopperConsents(app);
  registerWellKnown(app);
  registerConfirmPage(app);
}
