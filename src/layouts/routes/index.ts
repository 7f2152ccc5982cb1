/**
 * @module layouts/routes
 * Every layout route, registered in one call from app.ts.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../context.ts';
import { registerAdminLayouts } from './admin-layouts.ts';
import { registerEmbed } from './embed.ts';
import { registerPublicLayouts } from './public-layouts.ts';

export function registerLayouts(app: OpenAPIHono<AppEnv>) {
  registerAdminLayouts(app);
  registerPublicLayouts(app);
  registerEmbed(app);
}
