/**
 * @module push/routes
 * Every web push route, registered in one call from app.ts.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { registerAdminCampaigns } from './admin-campaigns.ts';
import { registerMyPush } from './me-push.ts';
import { registerPushPublicKey } from './public-key.ts';

export function registerPush(app: OpenAPIHono<AppEnv>) {
  registerPushPublicKey(app);
  registerMyPush(app);
  registerAdminCampaigns(app);
}
