/**
 * Taking over a stale idempotency claim. A request that claimed its key and then stalled past the
 * lease (LEASE_MS) loses the key to a retry with the same key and payload; when the stalled
 * request finally runs its batch, that batch must not commit: the claim token it holds is gone,
 * and every ledger statement is guarded by `claimHeld`. Otherwise the purchase is earned twice.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { type Claim, LEASE_MS } from '../../src/loyalty/idempotency.ts';
import { idempotentWrite } from '../../src/loyalty/idempotent-write.ts';
import { earn } from '../../src/loyalty/ledger.ts';
import { newKey, type Provisioned, type Shopper, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('idempotency lease takeover', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: Shopper;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('lease');
    shopper = await shopperWithCard(t, b);
  });
  afterAll(() => t.close());

  const purchase = { amountMinor: 1_200, currency: 'EUR', receiptRef: 'R-lease', points: 12 };
  const earnAs = (claim: Claim, now: number) =>
    earn(
      { database: t.database, brandId: b.brand.id, storeId: b.store.id, deviceId: b.device.id, claim, now },
      { cardId: shopper.cardId, ...purchase },
    );

  it('the stalled request’s batch does not commit after another request took its claim over', async () => {
    const request = {
      brandId: b.brand.id,
      owner: 'till-lease',
      key: newKey(),
      operation: 'test.earn',
      payload: purchase,
    };

    // Request 1 claims the key, then stalls before its batch.
    let claimed!: () => void;
    const hasClaimed = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    let resume!: () => void;
    const stalled = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const first = idempotentWrite(t.deps, request, async (claim, now) => {
      claimed();
      await stalled;
      return earnAs(claim, now);
    });
    await hasClaimed;

    // Past the lease, request 2 (the till's retry) takes the claim over and earns.
    t.clock.offsetMs += LEASE_MS + 1_000;
    try {
      const second = await idempotentWrite(t.deps, request, earnAs);
      expect(second.entry.points).toBe(12);

      // Request 1 wakes up: its batch must write nothing, and it must not report success.
      resume();
      const late = await first.then(
        () => undefined,
        (error: unknown) => error,
      );
      const entries: { id: string }[] = await t.database.db.all(
        sql`select id from ledger_entries where brand_id = ${b.brand.id} and card_id = ${shopper.cardId}`,
      );
      expect(entries.map((e) => e.id)).toEqual([second.entry.id]);
      const [card]: { points: number }[] = await t.database.db.all(
        sql`select points from cards where id = ${shopper.cardId}`,
      );
      expect(Number(card?.points)).toBe(12);
      expect(late).toBeInstanceOf(AppError);
      expect((late as AppError).code).toBe('idempotency_conflict');
      // The key still answers request 2's entry.
      const replay = await idempotentWrite(t.deps, request, earnAs);
      expect(replay.entry.id).toBe(second.entry.id);
    } finally {
      resume();
      t.clock.offsetMs = 0;
    }
  });
});
