/**
 * @module app
 * Builds the one Hono app from injected dependencies and registers every route explicitly, so
 * this file is the table of contents of the API.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { registerConsent } from './consent/routes/index.ts';
import type { AppDeps, AppEnv } from './context.ts';
import { registerDemo } from './demo/routes.ts';
import { bodyLimit } from './http/body-limit.ts';
import { jsonDepthLimit } from './http/json-depth.ts';
import { notFound, onError } from './http/problems.ts';
import { requestContext } from './http/request-context.ts';
import { createRouter } from './http/router.ts';
import { securityHeaders } from './http/security-headers.ts';
import { registerAppleSignIn } from './identity/routes/auth-apple.ts';
import { registerDevApple } from './identity/routes/dev-apple.ts';
import { registerMe } from './identity/routes/me.ts';
import { registerAdminJobDeadLetters } from './jobs/routes/admin-job-dead-letters.ts';
import { registerLayouts } from './layouts/routes/index.ts';
import { registerAdminCards } from './loyalty/routes/admin-cards.ts';
import { registerAdminLoyalty } from './loyalty/routes/admin-loyalty.ts';
import { registerMyCard } from './loyalty/routes/me-card.ts';
import { registerHealth } from './meta/health.ts';
import { registerMeta } from './meta/routes.ts';
import { registerCashierPage } from './pos/routes/cashier-page.ts';
import { registerPosEarn } from './pos/routes/earn.ts';
import { registerPosRedeem } from './pos/routes/redeem.ts';
import { registerPosScan } from './pos/routes/scan.ts';
import { registerPosWhoami } from './pos/routes-whoami.ts';
import { registerPush } from './push/routes/index.ts';
import { registerAdminConnectors } from './relay/routes/admin-connectors.ts';
import { registerAdminDeadLetters } from './relay/routes/admin-dead-letters.ts';
import { registerAdminRights } from './rights/routes/admin-rights.ts';
import { registerAppleNotifications } from './rights/routes/apple-notifications.ts';
import { registerMeRights } from './rights/routes/me-rights.ts';
import { registerAdminBrand } from './tenancy/routes/admin-brand.ts';
import { registerAdminDevices } from './tenancy/routes/admin-devices.ts';
import { registerAdminKeys } from './tenancy/routes/admin-keys.ts';
import { registerAdminStores } from './tenancy/routes/admin-stores.ts';
import { MAX_IMAGE_BYTES } from './wallet/apple/png.ts';
import {
  APPLE_IMAGE_PATH_PREFIX,
  registerAdminAppleTemplate,
} from './wallet/apple/routes/admin-apple-template.ts';
import { registerAppleDeviceLogs } from './wallet/apple/routes/device-logs.ts';
import { registerMyApplePass } from './wallet/apple/routes/me-wallet-apple.ts';
import { registerPassWebService } from './wallet/apple/routes/pass-web-service.ts';
import { registerAdminGoogleIssuer } from './wallet/google/routes/admin-google-issuer.ts';
import { registerMyGooglePass } from './wallet/google/routes/me-wallet-google.ts';

export const API_VERSION = '0.1.0';

export type AppOptions = {
  /** Brand whose client ID the dev token endpoint uses when none is given. */
  devDefaultBrand?: string;
};

export function buildApp(deps: AppDeps, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.onError(onError);
  app.notFound(notFound);

  app.use('*', requestContext(deps));
  // Layout pages (/l/…) are made to be framed by brands' sites; everything else may not be.
  app.use(
    '*',
    securityHeaders((path) => path.startsWith('/l/')),
  );
  // Pass images are the one upload larger than a JSON body.
  app.use(
    '*',
    bodyLimit(64 * 1024, (path) => (path.startsWith(APPLE_IMAGE_PATH_PREFIX) ? MAX_IMAGE_BYTES : undefined)),
  );
  app.use('*', jsonDepthLimit());

  registerHealth(app);
  registerMeta(app, API_VERSION);

  registerAppleSignIn(app);
  registerMe(app);
  if (deps.config.dev && deps.devApple) {
    registerDevApple(app, deps.devApple, options.devDefaultBrand ?? 'demo');
    // The shopper demo signs in through the dev provider, so it exists only alongside it.
    registerDemo(app, options.devDefaultBrand ?? 'demo');
  }

  registerAdminBrand(app);
  registerAdminStores(app);
  registerAdminDevices(app);
  registerAdminKeys(app);
  registerAdminConnectors(app);
  registerAdminDeadLetters(app);
  registerAdminJobDeadLetters(app);

  registerConsent(app);
  registerLayouts(app);

  registerPosWhoami(app);

  registerAdminLoyalty(app);
  registerAdminCards(app);
  registerMyCard(app);
  registerPosScan(app);
  registerPosEarn(app);
  registerPosRedeem(app);
  registerCashierPage(app);

  registerAdminAppleTemplate(app);
  registerMyApplePass(app);
  registerAdminGoogleIssuer(app);
  registerMyGooglePass(app);
  registerPassWebService(app);
  registerAppleDeviceLogs(app);

  registerMeRights(app);
  registerAdminRights(app);
  registerAppleNotifications(app);

  registerPush(app);
  return app;
}
