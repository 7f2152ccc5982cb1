/**
 * The scan route's auth cache and the "no storage before the code is proven" rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { API_KEY_CACHE_TTL_MS } from '../../src/http/auth.ts';
import {
  addDevice,
  type LedgerResult,
  newKey,
  type Provisioned,
  posPost,
  type Shopper,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
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
      // One MAC character changed (never to itself: a fixed replacement matched the real code
      // once in a few hundred runs).
      const at = shopper.code.length - 3;
      const forged = `${shopper.code.slice(0, at)}${shopper.code[at] === 'B' ? 'C' : 'B'}${shopper.code.slice(at + 1)}`;
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
    const { posKey: key, keyId } = await addDevice(t, b, 'Till 2');
    const till = { ...b, posKey: key };
    expect((await scan(t, till, shopper.code)).status).toBe(200);
    expect((await t.request(`/v1/admin/keys/${keyId}`, { method: 'DELETE', token: b.adminKey })).status).toBe(
      204,
    );

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

  it('an idempotency key belongs to its device: another till of the same brand writes its own entry', async () => {
    // Same brand, same card, same payload, same key: only the device differs. Were keys scoped to
    // the brand (or the store), the second till would get the first till's entry replayed.
    const second = await addDevice(t, b, 'Till 3');
    const key = newKey();
    const json = { card: shopper.cardId, amount: 500, currency: 'EUR', receiptRef: 'R-shared' };
    const first = await posPost(t, b.posKey, '/v1/pos/earn', json, key);
    expect(first.status).toBe(200);
    const mine = (await first.json()) as LedgerResult;
    const res = await posPost(t, second.posKey, '/v1/pos/earn', json, key);
    expect(res.status).toBe(200);
    const theirs = (await res.json()) as LedgerResult;
    expect(theirs.entry.id).not.toBe(mine.entry.id);
    expect(theirs.entry.balance).toBe(mine.entry.balance + 5);
    // …and each till still replays its own entry for that key.
    const replay = await posPost(t, second.posKey, '/v1/pos/earn', json, key);
    expect(((await replay.json()) as LedgerResult).entry.id).toBe(theirs.entry.id);
  });
});
