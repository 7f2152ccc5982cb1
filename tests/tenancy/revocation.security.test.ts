/**
 * Revoking a key or retiring a device takes effect at once in the process that did it, also on
 * the scan route, which trusts keys it has seen for up to 30 s (a scan consumes rotating codes,
 * so a revoked till must not keep doing that). Other processes or isolates: see http/auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, type Provisioned, type Shopper, scan, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('revocation and the scan route’s key cache', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: Shopper;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('revocation');
    shopper = await shopperWithCard(t, b);
  });
  afterAll(() => t.close());

  const newTill = async () => {
    const { deviceId, posKey, keyId } = await addDevice(t, b, 'Till');
    const till = { ...b, posKey };
    expect((await scan(t, till, shopper.code)).status).toBe(200);
    return { till, deviceId, keyId };
  };

  it('a revoked key stops scanning at once', async () => {
    const { till, keyId } = await newTill();
    const revoked = await t.request(`/v1/admin/keys/${keyId}`, { method: 'DELETE', token: b.adminKey });
    expect(revoked.status).toBe(204);
    expect((await scan(t, till, shopper.code)).status).toBe(401);
  });

  it('a retired device’s key stops scanning at once', async () => {
    const { till, deviceId } = await newTill();
    const retired = await t.request(`/v1/admin/devices/${deviceId}`, { method: 'DELETE', token: b.adminKey });
    expect(retired.status).toBe(204);
    expect((await scan(t, till, shopper.code)).status).toBe(401);
  });

  it('keeps scanning with the keys nobody revoked', async () => {
    const { till } = await newTill();
    const other = await newTill();
    await t.request(`/v1/admin/keys/${other.keyId}`, { method: 'DELETE', token: b.adminKey });
    expect((await scan(t, till, shopper.code)).status).toBe(200);
    expect((await scan(t, b, shopper.code)).status).toBe(200);
  });
});
