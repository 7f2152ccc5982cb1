import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Entitlements,
  earnOk,
  newKey,
  type Provisioned,
  posPost,
  posSpend,
  rotatingCodeFor,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/pos/earn and /v1/pos/reverse (errors)', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('earn-err');
  });
  afterAll(() => t.close());

  const pointsOf = async (code: string) => ((await (await scan(t, b, code)).json()) as Entitlements).points;

  it('a used rotating code does not pin the Idempotency-Key: the same key works with a fresh code', async () => {
    const shopper = await shopperWithCard(t, b);
    const used = await rotatingCodeFor(t, shopper.cardId, t.deps.now());
    expect((await scan(t, b, used)).status).toBe(200);
    const key = newKey();
    const purchase = { amount: 1_000, currency: 'EUR', receiptRef: 'totp-retry' };
    const refused = await posPost(t, b.posKey, '/v1/pos/earn', { ...purchase, code: used }, key);
    expect((await problemOf(refused)).code).toBe('card_code_used');
    t.clock.offsetMs += 30_000;
    const fresh = await rotatingCodeFor(t, shopper.cardId, t.deps.now());
    const retried = await posPost(t, b.posKey, '/v1/pos/earn', { ...purchase, code: fresh }, key);
    expect(retried.status).toBe(200);
  });

  it('needs an Idempotency-Key (400) and changes nothing without one', async () => {
    const shopper = await shopperWithCard(t, b);
    const res = await posPost(
      t,
      b.posKey,
      '/v1/pos/earn',
      { card: shopper.cardId, amount: 1000, currency: 'EUR', receiptRef: 'R' },
      null,
    );
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe('idempotency_key_required');
    const others: [string, unknown][] = [
      ['/v1/pos/redeem', { card: shopper.cardId, voucher: 'vch_00000000000000000000000000' }],
      ['/v1/pos/convert', { card: shopper.cardId, reward: 'rwd_00000000000000000000000000' }],
      ['/v1/pos/reverse', { entry: 'led_00000000000000000000000000' }],
    ];
    for (const [path, json] of others) {
      const r = await posPost(t, b.posKey, path, json, null);
      expect(r.status, path).toBe(400);
      expect((await problemOf(r)).code, path).toBe('idempotency_key_required');
    }
    expect(await pointsOf(shopper.code)).toBe(0);
  });

  it('answers 422 when a key is reused with another payload', async () => {
    const shopper = await shopperWithCard(t, b);
    const key = newKey();
    const first = await posPost(
      t,
      b.posKey,
      '/v1/pos/earn',
      { card: shopper.cardId, amount: 1000, currency: 'EUR', receiptRef: 'R1' },
      key,
    );
    expect(first.status).toBe(200);
    const other = await posPost(
      t,
      b.posKey,
      '/v1/pos/earn',
      { card: shopper.cardId, amount: 9000, currency: 'EUR', receiptRef: 'R1' },
      key,
    );
    expect(other.status).toBe(422);
    expect((await problemOf(other)).code).toBe('idempotency_key_reused');
    const elsewhere = await posPost(
      t,
      b.posKey,
      '/v1/pos/reverse',
      { entry: 'led_00000000000000000000000000' },
      key,
    );
    expect(elsewhere.status).toBe(422);
    expect(await pointsOf(shopper.code)).toBe(10);
  });

  it('rejects bad input with 400 and another currency with 422', async () => {
    const shopper = await shopperWithCard(t, b);
    const bad = [
      { card: shopper.cardId, amount: -1, currency: 'EUR', receiptRef: 'R' },
      { card: shopper.cardId, amount: 10.5, currency: 'EUR', receiptRef: 'R' },
      { card: shopper.cardId, amount: 100, currency: 'eur', receiptRef: 'R' },
      { card: shopper.cardId, code: shopper.code, amount: 100, currency: 'EUR', receiptRef: 'R' },
      { amount: 100, currency: 'EUR', receiptRef: 'R' },
      { card: 'cus_x', amount: 100, currency: 'EUR', receiptRef: 'R' },
      { card: shopper.cardId, amount: 100, currency: 'EUR', receiptRef: '' },
      { card: shopper.cardId, amount: 100, currency: 'EUR', receiptRef: 'R', extra: 1 },
    ];
    for (const json of bad) {
      const res = await posPost(t, b.posKey, '/v1/pos/earn', json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await problemOf(res)).code).toBe('invalid_request');
    }
    const usd = await posPost(t, b.posKey, '/v1/pos/earn', {
      card: shopper.cardId,
      amount: 100,
      currency: 'USD',
      receiptRef: 'R',
    });
    expect(usd.status).toBe(422);
    expect(await pointsOf(shopper.code)).toBe(0);
  });

  it('answers 404 for an unknown card and replays that refusal', async () => {
    const key = newKey();
    const json = { card: 'crd_00000000000000000000000000', amount: 100, currency: 'EUR', receiptRef: 'R' };
    const first = await posPost(t, b.posKey, '/v1/pos/earn', json, key);
    expect(first.status).toBe(404);
    expect((await problemOf(first)).code).toBe('card_not_found');
    const again = await posPost(t, b.posKey, '/v1/pos/earn', json, key);
    expect(again.status).toBe(404);
  });

  it('reverses an entry at most once, and never below zero', async () => {
    const shopper = await shopperWithCard(t, b);
    const earned = await earnOk(t, b, shopper.cardId, 3000);
    expect((await posPost(t, b.posKey, '/v1/pos/reverse', { entry: earned.entry.id })).status).toBe(200);
    const twice = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: earned.entry.id });
    expect(twice.status).toBe(409);
    expect((await problemOf(twice)).code).toBe('already_reversed');

    // Points already spent cannot be taken back: the balance would go negative.
    const second = await earnOk(t, b, shopper.cardId, 3000);
    const reward = await t.request('/v1/admin/loyalty/rewards', {
      method: 'POST',
      token: b.adminKey,
      json: { label: 'Mug', costPoints: 20 },
    });
    const { id: rewardId } = (await reward.json()) as { id: string };
    expect((await posSpend(t, b, '/v1/pos/convert', { card: shopper.cardId, reward: rewardId })).status).toBe(
      200,
    );
    const spent = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: second.entry.id });
    expect(spent.status).toBe(409);
    expect((await problemOf(spent)).code).toBe('insufficient_points');
    expect(await pointsOf(shopper.code)).toBe(10);

    const notEarn = await posPost(t, b.posKey, '/v1/pos/reverse', {
      entry: 'led_00000000000000000000000000',
    });
    expect(notEarn.status).toBe(404);
  });
});
