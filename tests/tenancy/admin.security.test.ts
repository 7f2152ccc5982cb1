import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

type Provisioned = Awaited<ReturnType<TestApp['brand']>>;

describe('tenant isolation and key scopes', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;
  let bKeyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('brand-a');
    b = await t.brand('brand-b');
    const keys = (await (await t.request('/v1/admin/keys', { token: b.adminKey })).json()) as {
      data: { id: string }[];
    };
    bKeyId = keys.data[0]?.id ?? '';
  });
  afterAll(() => t.close());

  it('brand A’s admin key cannot read brand B’s store, device or keys', async () => {
    for (const path of [`/v1/admin/stores/${b.store.id}`, `/v1/admin/devices/${b.device.id}`]) {
      const res = await t.request(path, { token: a.adminKey });
      expect(res.status).toBe(404);
      expect((await problemOf(res)).code).toBe('not_found');
    }
    const stores = await (await t.request('/v1/admin/stores', { token: a.adminKey })).text();
    const devices = await (
      await t.request(`/v1/admin/devices?storeId=${b.store.id}`, { token: a.adminKey })
    ).text();
    const keys = await (await t.request('/v1/admin/keys', { token: a.adminKey })).text();
    expect(stores).not.toContain(b.store.id);
    expect(devices).not.toContain(b.device.id);
    expect(keys).not.toContain(bKeyId);
  });

  it('brand A’s admin key cannot change brand B’s store, device or keys', async () => {
    const rename = await t.request(`/v1/admin/stores/${b.store.id}`, {
      method: 'PATCH',
      token: a.adminKey,
      json: { label: 'pwned' },
    });
    expect(rename.status).toBe(404);
    const device = await t.request('/v1/admin/devices', {
      method: 'POST',
      token: a.adminKey,
      json: { storeId: b.store.id, label: 'intruder' },
    });
    expect(device.status).toBe(404);
    const posKey = await t.request('/v1/admin/keys', {
      method: 'POST',
      token: a.adminKey,
      json: { scope: 'pos', label: 'x', deviceId: b.device.id },
    });
    expect(posKey.status).toBe(404);
    expect(
      (await t.request(`/v1/admin/devices/${b.device.id}`, { method: 'DELETE', token: a.adminKey })).status,
    ).toBe(404);
    expect(
      (await t.request(`/v1/admin/keys/${bKeyId}`, { method: 'DELETE', token: a.adminKey })).status,
    ).toBe(404);

    // Brand B is untouched.
    const store = (await (
      await t.request(`/v1/admin/stores/${b.store.id}`, { token: b.adminKey })
    ).json()) as { label: string };
    expect(store.label).toBe(b.store.label);
    expect((await t.request('/v1/admin/brand', { token: b.adminKey })).status).toBe(200);
    expect((await t.request('/v1/pos/whoami', { token: b.posKey })).status).toBe(200);
  });

  it('brand A cannot claim brand B’s Apple client ID (its shoppers would sign in at A)', async () => {
    const theirs = b.brand.appleClientIds[0] ?? '';
    const res = await t.request('/v1/admin/brand', {
      method: 'PATCH',
      token: a.adminKey,
      json: { appleClientIds: ['com.brand-a.extra', theirs] },
    });
    expect(res.status).toBe(409);
    expect((await problemOf(res)).code).toBe('conflict');
    const mine = (await (await t.request('/v1/admin/brand', { token: a.adminKey })).json()) as {
      appleClientIds: string[];
    };
    expect(mine.appleClientIds).toEqual(a.brand.appleClientIds);
    const token = await t.apple.token({ aud: theirs });
    const signIn = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: a.brand.slug, identityToken: token },
    });
    expect(signIn.status).toBe(401);
  });

  it('a pos key cannot call admin routes', async () => {
    for (const [method, path] of [
      ['GET', '/v1/admin/stores'],
      ['POST', '/v1/admin/stores'],
      ['GET', '/v1/admin/keys'],
      ['POST', '/v1/admin/keys'],
      ['GET', '/v1/admin/brand'],
    ] as const) {
      const res = await t.request(path, {
        method,
        token: a.posKey,
        json: method === 'POST' ? { label: 'x', scope: 'admin' } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await problemOf(res)).code).toBe('forbidden');
    }
  });

  it('an admin key cannot call pos routes, and a consent:read key can call neither', async () => {
    expect((await t.request('/v1/pos/whoami', { token: a.adminKey })).status).toBe(403);
    const consent = (await (
      await t.request('/v1/admin/keys', {
        method: 'POST',
        token: a.adminKey,
        json: { scope: 'consent:read', label: 'dpo' },
      })
    ).json()) as { key: string };
    expect(consent.key).toMatch(/^zpk_consent_/);
    expect((await t.request('/v1/admin/stores', { token: consent.key })).status).toBe(403);
    expect((await t.request('/v1/pos/whoami', { token: consent.key })).status).toBe(403);
  });

  it('refuses missing, malformed, unknown and shopper credentials on admin routes', async () => {
    const shopper = await t.signIn(a.brand.slug, a.brand.appleClientIds[0] ?? '');
    for (const token of [undefined, 'nope', `zpk_admin_${'0'.repeat(52)}`, shopper.accessToken]) {
      const res = await t.request('/v1/admin/stores', token ? { token } : {});
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('unauthorized');
    }
  });

  it('a shopper token of customer X never sees customer Y', async () => {
    const x = await t.signIn(a.brand.slug, a.brand.appleClientIds[0] ?? '', 'customer-x');
    const y = await t.signIn(a.brand.slug, a.brand.appleClientIds[0] ?? '', 'customer-y');
    const meX = await (await t.request('/v1/me', { token: x.accessToken })).text();
    expect(meX).toContain(x.customerId);
    expect(meX).not.toContain(y.customerId);
    // Swapping the subject of X's token breaks its signature.
    const [h, , s] = x.accessToken.split('.');
    const forged = JSON.parse(
      atob((x.accessToken.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/')),
    );
    const payload = btoa(JSON.stringify({ ...forged, sub: y.customerId }))
      .replaceAll('=', '')
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    expect((await t.request('/v1/me', { token: `${h}.${payload}.${s}` })).status).toBe(401);
    // An admin key is not a shopper session.
    expect((await t.request('/v1/me', { token: a.adminKey })).status).toBe(401);
  });
});
