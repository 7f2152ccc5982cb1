/**
 * @module layouts/routes/embed
 * `GET /embed.js` (the `<zp-layout>` web component) and `GET /l/{brand}/{layout}`, a page made
 * to be put in an iframe. The page loads only same-origin resources (its CSP says so) and may be
 * framed by any site; brand colours come from validated query parameters, because CSS custom
 * properties do not cross an iframe.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import type { AppEnv } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { getBrandBySlug } from '../../tenancy/brands.ts';
import { getLayout } from '../definitions.ts';
import { EMBED_SCRIPT } from '../embed-script.ts';
import { pickLocale } from '../presentation.ts';

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  // The component's styles live in a <style> inside its shadow root.
  "style-src 'self' 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');

const COLOR = /^#[0-9a-fA-F]{3,8}$/;
const THEME_PARAMS = { accent: '--zp-accent', background: '--zp-background', color: '--zp-color' } as const;

export function registerEmbed(app: OpenAPIHono<AppEnv>) {
  app.get('/embed.js', (c) =>
    c.body(EMBED_SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    }),
  );
  app.get('/l/:brand/:layout', async (c) => {
    const { database } = c.get('deps');
    const brand = await getBrandBySlug(database, c.req.param('brand'));
    const layout = brand && (await getLayout(database, brand.id, c.req.param('layout')));
    if (!brand || !layout) throw new AppError('not_found', 'No such layout');
    const locale = pickLocale(layout, c.req.query('locale'), c.req.header('accept-language'));
    const theme: string[] = [];
    for (const [param, property] of Object.entries(THEME_PARAMS)) {
      const value = c.req.query(param);
      if (value && COLOR.test(value)) theme.push(`${property}:${value}`);
    }
    return c.html(
      html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${layout.title} · ${brand.label}</title>
<style>body{margin:0;padding:1rem}</style>
<script src="/embed.js" defer></script>
</head>
<body>
<main><zp-layout brand="${brand.slug}" layout="${layout.slug}" locale="${locale}" style="${theme.join(';')}"></zp-layout></main>
</body>
</html>`,
      200,
      { 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' },
    );
  });
}
