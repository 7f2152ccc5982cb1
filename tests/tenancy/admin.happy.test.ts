import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('brand admin API — happy paths', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await t.brand('admin')).adminKey;
  });
  afterAll(() => t.close());

  it('creates, lists, reads and renames stores', async () => {
    const created = await t.request('/v1/admin/stores', {
      method: 'POST',
      token: admin,
      json: { label: 'Rue de Rivoli' },
    });
    expect(created.status).toBe(201);
    const store = (await created.json()) as { id: string; label: string };
    expect(store.id).toMatch(/^sto_/);
    const list = (await (await t.request('/v1/admin/stores', { token: admin })).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((s) => s.id)).toContain(store.id);
    const renamed = await t.request(`/v1/admin/stores/${store.id}`, {
      method: 'PATCH',
      token: admin,
      json: { label: 'Rivoli' },
    });
    expect(await renamed.json()).toMatchObject({ id: store.id, label: 'Rivoli' });
    expect((await t.request(`/v1/admin/stores/${store.id}`, { token: admin })).status).toBe(200);
  });

  it('registers a device and a pos key bound to it; the key is shown once and works', async () => {
    const store = (await (
      await t.request('/v1/admin/stores', { method: 'POST', token: admin, json: { label: 'S' } })
    ).json()) as {
      id: string;
    };
    const device = (await (
      await t.request('/v1/admin/devices', {
        method: 'POST',
        token: admin,
        json: { storeId: store.id, label: 'Till 7' },
      })
    ).json()) as { id: string; storeId: string };
    expect(device.storeId).toBe(store.id);
    const created = await t.request('/v1/admin/keys', {
      method: 'POST',
      token: admin,
      json: { scope: 'pos', label: 'till 7', deviceId: device.id },
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string; start: string } };
    expect(key).toMatch(/^zpk_pos_[0-9a-z]{52}$/);
    expect(key.startsWith(apiKey.start)).toBe(true);
    const whoami = await t.request('/v1/pos/whoami', { token: key });
    expect(await whoami.json()).toEqual({ storeId: store.id, deviceId: device.id });

    const listed = await (await t.request('/v1/admin/keys', { token: admin })).text();
    expect(listed).not.toContain(key);
    expect(listed).not.toContain(key.slice(12));
  });

  it('revokes a key, and retiring a device revokes the keys bound to it', async () => {
    const store = (await (
      await t.request('/v1/admin/stores', { method: 'POST', token: admin, json: { label: 'R' } })
    ).json()) as {
      id: string;
    };
    const device = (await (
      await t.request('/v1/admin/devices', {
        method: 'POST',
        token: admin,
        json: { storeId: store.id, label: 'T' },
      })
    ).json()) as { id: string };
    const mint = async () =>
      (await (
        await t.request('/v1/admin/keys', {
          method: 'POST',
          token: admin,
          json: { scope: 'pos', label: 'k', deviceId: device.id },
        })
      ).json()) as { key: string; apiKey: { id: string } };
    const k1 = await mint();
    const k2 = await mint();
    expect(
      (await t.request(`/v1/admin/keys/${k1.apiKey.id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(204);
    expect((await t.request('/v1/pos/whoami', { token: k1.key })).status).toBe(401);
    expect((await t.request('/v1/pos/whoami', { token: k2.key })).status).toBe(200);
    expect(
      (await t.request(`/v1/admin/devices/${device.id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(204);
    expect((await t.request('/v1/pos/whoami', { token: k2.key })).status).toBe(401);
    expect((await t.request(`/v1/admin/devices/${device.id}`, { token: admin })).status).toBe(404);
  });

  it('reads and updates the brand’s accepted Apple client IDs', async () => {
    const res = await t.request('/v1/admin/brand', {
      method: 'PATCH',
      token: admin,
      json: { appleClientIds: ['com.admin.web', 'com.admin.ios'] },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ appleClientIds: ['com.admin.web', 'com.admin.ios'] });
  });
});
