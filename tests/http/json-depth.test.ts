import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/http/json-depth.ts';
import { fixedResolver, newWebhookSecret, PUBLIC_IP } from '../helpers/fake-webhook-receiver.ts';
import { newKey } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('JSON nesting bound (hardening fault 3)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ resolveHost: fixedResolver({ 'hooks.example': [PUBLIC_IP] }) });
  });
  afterAll(() => t.close());

  it('measures depth without recursing', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth(JSON.parse(nested(MAX_JSON_DEPTH)))).toBe(MAX_JSON_DEPTH);
    expect(jsonDepth(JSON.parse(nested(100_000)))).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a connector config nested 10,000 deep with a 400 that changes nothing', async () => {
    const b = await t.brand('deep');
    const secret = newWebhookSecret();
    const created = await t.request('/v1/admin/connectors', {
      method: 'POST',
      token: b.adminKey,
      json: { type: 'webhook', label: 'Hook', config: { url: 'https://hooks.example/in', secret } },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const before = await (await t.request(`/v1/admin/connectors/${id}`, { token: b.adminKey })).text();
    const res = await t.request(`/v1/admin/connectors/${id}`, {
      method: 'PATCH',
      token: b.adminKey,
      headers: { 'content-type': 'application/json' },
      body: `{"label":"deep","config":${nested(10_000)}}`,
    });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(await (await t.request(`/v1/admin/connectors/${id}`, { token: b.adminKey })).text()).toBe(before);
  });

  it('guards every JSON route, public ones and POS writes included', async () => {
    const b = await t.brand('deep2');
    for (const [path, token, headers] of [
      ['/v1/auth/apple', undefined, {}],
      [`/v1/layouts/${b.brand.slug}/join/submissions`, undefined, {}],
      ['/v1/pos/earn', b.posKey, { 'idempotency-key': newKey() }],
    ] as const) {
      const res = await t.request(path, {
        method: 'POST',
        ...(token ? { token } : {}),
        headers: { ...headers, 'content-type': 'application/json' },
        body: `{"x":${nested(5_000)}}`,
      });
      expect(res.status, path).toBe(400);
    }
  });
});
