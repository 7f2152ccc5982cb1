import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('embed script and iframe page', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('embed');
    await createLayout(t, b, { locales: ['en', 'de'] });
  });
  afterAll(() => t.close());

  it('serves /embed.js as JavaScript that defines <zp-layout> and loads nothing from elsewhere', async () => {
    const res = await t.request('/embed.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await res.text();
    expect(source).toContain("customElements.define('zp-layout'");
    // Only the script's own origin is contacted: no absolute URLs to anywhere else.
    expect(source.match(/https?:\/\/[^\s'"]+/g) ?? []).toEqual([]);
    expect(source).not.toContain('innerHTML');
  });

  it('serves a framable page with a same-origin-only CSP', async () => {
    const res = await t.request(
      `/l/${b.brand.slug}/join?locale=de&accent=%23aa0000&color=red;}</style><script>`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBeNull();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain('frame-ancestors *');
    const page = await res.text();
    expect(page).toContain(
      `<zp-layout brand="${b.brand.slug}" layout="join" locale="de" style="--zp-accent:#aa0000">`,
    );
    expect(page).toContain('<html lang="de">');
    expect(page).not.toContain('<script>');
  });

  it('other routes still refuse to be framed', async () => {
    expect((await t.request('/healthz')).headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await t.request(`/v1/layouts/${b.brand.slug}/join`)).headers.get('x-frame-options')).toBe(
      'SAMEORIGIN',
    );
  });

  it('answers 404 for an unknown layout page', async () => {
    expect((await t.request(`/l/${b.brand.slug}/nope`)).status).toBe(404);
    expect((await t.request('/l/nobody/join')).status).toBe(404);
  });
});
