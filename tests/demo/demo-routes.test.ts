/**
 * The shopper demo's routes on both runtimes: absent (404) outside dev mode, and in dev mode a
 * page whose CSP admits same-origin scripts only and which carries no inline script, its script
 * and style, and a QR route whose SVG decodes (jsQR, an independent decoder) to the text sent.
 */
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const PATHS = ['/demo', '/demo/app.js', '/demo/app.css'];

/** Rasterises the SVG's module runs (M x,y h w …) at `scale` px per module, black on white. */
function rasterise(svg: string, scale = 4) {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  if (!size) throw new Error('no square viewBox');
  const px = size * scale;
  const data = new Uint8ClampedArray(px * px * 4).fill(255);
  for (const [, x, y, w] of svg.matchAll(/M(\d+),(\d+)h(\d+)v1h-\d+z/g)) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < Number(w) * scale; dx++) {
        const at = ((Number(y) * scale + dy) * px + Number(x) * scale + dx) * 4;
        data.fill(0, at, at + 3);
      }
    }
  }
  return { data, px };
}

describe('demo routes outside dev mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('are not found', async () => {
    for (const path of PATHS) {
      const res = await t.request(path);
      expect(res.status, path).toBe(404);
      expect((await problemOf(res)).code).toBe('not_found');
    }
    const qr = await t.request('/demo/qr.svg', { method: 'POST', body: 'ZT1.x' });
    expect(qr.status).toBe(404);
    const { paths } = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(paths).filter((p) => p.startsWith('/demo'))).toEqual([]);
  });
});

describe('demo routes in dev mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dev: true });
  });
  afterAll(() => t.close());

  it('serve the page with a same-origin CSP and no inline script', async () => {
    const res = await t.request('/demo');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const html = await res.text();
    expect(html).toContain('data-brand="demo"');
    // Every script is a same-origin file: none inline, none from another host.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/ src="\/[a-z]/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('Add to Apple Wallet');
    expect(html).toContain('Save to Google Wallet');
  });

  it('are in the OpenAPI document, under Development', async () => {
    const { paths } = (await (await t.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags: string[] }>>;
    };
    expect(paths['/demo']?.get?.tags).toEqual(['Development']);
    expect(paths['/demo/qr.svg']?.post?.tags).toEqual(['Development']);
  });

  it('serve the script and style', async () => {
    const js = await t.request('/demo/app.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const source = await js.text();
    for (const path of [
      '/dev/apple/token',
      '/v1/auth/apple',
      '/v1/me/card',
      '/v1/me/wallet/apple',
      '/v1/me/wallet/google',
    ])
      expect(source).toContain(path);
    expect((await t.request('/demo/app.css')).headers.get('content-type')).toContain('text/css');
  });

  it('take another brand by slug, and refuse what is not a slug', async () => {
    expect(await (await t.request('/demo?brand=maison-2')).text()).toContain('data-brand="maison-2"');
    const bad = await t.request('/demo?brand=%22%3E%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('<script>');
  });

  it('draw a QR code that decodes to the text', async () => {
    const code = 'ZT1.crd_0123456789abcdefghijklmnop.12345678';
    const res = await t.request('/demo/qr.svg', { method: 'POST', body: code });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    const { data, px } = rasterise(await res.text());
    expect(jsQR(data, px, px)?.data).toBe(code);
  });

  it('refuse an empty, long or non-ASCII QR text with a problem', async () => {
    for (const body of ['', 'x'.repeat(129), 'café\n']) {
      const res = await t.request('/demo/qr.svg', { method: 'POST', body });
      expect(res.status).toBe(400);
      expect((await problemOf(res)).code).toBe('invalid_request');
    }
  });
});
