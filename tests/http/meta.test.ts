import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARDENING } from '../../src/http/security-headers.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('health, OpenAPI and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /healthz round-trips the database', async () => {
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: t.database.kind });
  });

  it('GET /openapi.json documents every public route with problem responses', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/auth/apple',
      '/v1/me',
      '/v1/admin/stores',
      '/v1/admin/devices',
      '/v1/admin/keys',
      '/v1/me/wallet/apple',
      '/v1/admin/wallet/apple/template',
      '/wallet/apple/v1/passes/{passTypeIdentifier}/{serialNumber}',
      '/wallet/apple/v1/log',
      '/healthz',
    ]) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
    expect(spec.paths['/v1/admin/stores/{storeId}']?.get?.responses).toHaveProperty(['404']);
    expect(spec.components.schemas).toHaveProperty(['Problem']);
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual([
      'adminKey',
      'applePass',
      'posKey',
      'shopperSession',
    ]);
  });

  it('GET /docs serves a self-contained page that makes no third-party request', async () => {
    const page = await t.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    const script = await (await t.request('/docs/docs.js')).text();
    expect(script).toContain('/openapi.json');
    for (const text of [html, script]) expect(text).not.toMatch(/https?:\/\/(?!zeropass)/);
  });

  it('sends the hardening headers and the request id on JSON, problem and HTML responses', async () => {
    for (const path of ['/healthz', '/v1/nothing-here', '/docs']) {
      const res = await t.request(path);
      for (const [name, value] of HARDENING) expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), path).toContain('max-age=');
      expect(res.headers.get('x-request-id'), path).toMatch(/^req_/);
    }
  });

  it('hands the same headers to a runtime that presets them, and leaves them off the response', async () => {
    const preset: [string, string][] = [];
    const res = await t.app.request(
      '/healthz',
      {},
      { presetHeader: (name, value) => preset.push([name, value]) },
    );
    expect(res.status).toBe(200);
    const names = preset.map(([name]) => name.toLowerCase());
    expect(names).toContain('x-request-id');
    expect(names).toContain('x-frame-options');
    for (const [name, value] of HARDENING) expect(preset).toContainEqual([name, value]);
    for (const name of names) expect(res.headers.get(name), name).toBeNull();
  });

  it('echoes a sane caller request id and replaces an unsafe one', async () => {
    const echoed = await t.request('/healthz', { headers: { 'x-request-id': 'trace-12345678' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-12345678');
    const replaced = await t.request('/healthz', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('logs one structured line per request with the request id and route', async () => {
    t.logs.length = 0;
    await t.request('/v1/admin/stores/sto_x', { headers: { authorization: 'Bearer zpk_admin_secret' } });
    const line = JSON.parse(t.logs.find((l) => l.includes('"msg":"request"')) ?? '{}');
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/v1/admin/stores/:storeId',
      status: 401,
    });
    expect(line.requestId).toMatch(/^req_/);
    expect(t.logs.join('\n')).not.toContain('zpk_admin_secret');
  });
});
