/**
 * Exactly-once under concurrency, on both runtimes: requests are fired together, not in turn.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import {
  addReward,
  type Entitlements,
  earnOk,
  type LedgerResult,
  newKey,
  type Provisioned,
  posPost,
  posSpend,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe(`races (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('race');
  });
  afterAll(() => t.close());

  const entriesOf = async (cardId: string): Promise<{ id: string; kind: string }[]> =>
    t.database.db.all(
      sql`select id, kind from ledger_entries where brand_id = ${b.brand.id} and card_id = ${cardId}`,
    );

  it('100 concurrent earns with one Idempotency-Key make exactly one ledger entry', async () => {
    const shopper = await shopperWithCard(t, b);
    const key = newKey();
    const payload = { card: shopper.cardId, amount: 2500, currency: 'EUR', receiptRef: 'R-race' };
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => posPost(t, b.posKey, '/v1/pos/earn', payload, key)),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(','),
    ).toBe(true);
    const ok = await Promise.all(responses.filter((r) => r.status === 200).map((r) => r.json()));
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(ok.map((body) => (body as LedgerResult).entry.id));
    expect(ids.size).toBe(1);
    expect(await entriesOf(shopper.cardId)).toHaveLength(1);
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(25);
  });

  it('50 concurrent redemptions of one voucher succeed exactly once', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 1000);
    const reward = await addReward(t, b, 10);
    const issued = (await (
      await posSpend(t, b, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })
    ).json()) as LedgerResult;
    const voucher = issued.voucher?.id ?? '';
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => posSpend(t, b, '/v1/pos/redeem', { card: shopper.cardId, voucher })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const redeems = (await entriesOf(shopper.cardId)).filter((e) => e.kind === 'redeem');
    expect(redeems).toHaveLength(1);
  });

  it('concurrent conversions never take the balance below zero', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 5000); // 50 points
    const reward = await addReward(t, b, 20);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        posSpend(t, b, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id }),
      ),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(2);
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(10);
    expect(card.vouchers).toHaveLength(2);
  });
});
