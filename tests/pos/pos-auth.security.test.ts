/**
 * The scan route's auth cache and the "no storage before the code is proven" rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { API_KEY_CACHE_TTL_MS } from '../../src/http/auth.ts';
import { newKey, type Provisioned, posPost, type Shopper, scan, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POS auth and code checks (security)', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: Shopper;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('pos-auth');
    shopper = await shopperWithCard(t, b);
  });
  afterAll(() => t.close());

  it('a forged, truncated or malformed code is refused without touching storage', async () => {
    expect((await scan(t, b, shopper.code)).status).toBe(200); // warms the key cache
    const deps = t.deps as { database: Database };
    const real = deps.database;
    let touched = 0;
    const db = new Proxy(real.db, {
      get(target, property, receiver) {
        touched++;
        return Reflect.get(target, property, receiver);
      },
    });
    deps.database = {
      kind: real.kind,
      db,
      batch: (statements) => {
        touched++;
        return real.batch(statements);
      },
      firstRow: (sql, params) => {
        touched++;
        return real.firstRow(sql, params);
      },
    };
    try {
      const forged = `${shopper.code.slice(0, -2)}AA`;
      for (const bad of [
        forged,
        shopper.code.slice(0, -3),
        'ZT1.crd_00000000000000000000000000.12345678',
        'hello',
      ]) {
        const res = await scan(t, b, bad);
        expect(res.status, bad).toBe(422);
      }
      expect(touched).toBe(0);
      expect((await scan(t, b, shopper.code)).status).toBe(200);
      expect(touched).toBeGreaterThan(0); // the probe does see real lookups
    } finally {
      deps.database = real;
    }
  });

  it('a revoked POS key stops moving money at once, and stops scanning within the cache TTL', async () => {
    const device = await t.request('/v1/admin/devices', {
      method: 'POST',
      token: b.adminKey,
      json: { storeId: b.store.id, label: 'Till 2' },
    });
    const { id: deviceId } = (await device.json()) as { id: string };
    const created = await t.request('/v1/admin/keys', {
      method: 'POST',
      token: b.adminKey,
      json: { scope: 'pos', label: 'Till 2', deviceId },
    });
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string } };
    const till = { ...b, posKey: key };
    expect((await scan(t, till, shopper.code)).status).toBe(200);
    expect(
      (await t.request(`/v1/admin/keys/${apiKey.id}`, { method: 'DELETE', token: b.adminKey })).status,
    ).toBe(204);

    const earn = await posPost(t, key, '/v1/pos/earn', {
      card: shopper.cardId,
      amount: 100,
      currency: 'EUR',
      receiptRef: 'R',
    });
    expect(earn.status).toBe(401);
    t.clock.offsetMs = API_KEY_CACHE_TTL_MS + 1;
    try {
      const late = await scan(t, till, shopper.code);
      expect(late.status).toBe(401);
      expect((await problemOf(late)).code).toBe('unauthorized');
    } finally {
      t.clock.offsetMs = 0;
    }
  });

  it('an idempotency key belongs to its device: another device with the same key writes its own entry', async () => {
    const other = await t.brand('pos-auth-other');
    const key = newKey();
    const otherShopper = await shopperWithCard(t, other);
    const json = (card: string) => ({ card, amount: 500, currency: 'EUR', receiptRef: 'R' });
    expect((await posPost(t, b.posKey, '/v1/pos/earn', json(shopper.cardId), key)).status).toBe(200);
    // Same key, other brand's device and card: not a replay of brand B's response.
    const res = await posPost(t, other.posKey, '/v1/pos/earn', json(otherShopper.cardId), key);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { entry: { card: string } }).entry.card).toBe(otherShopper.cardId);
  });
});
