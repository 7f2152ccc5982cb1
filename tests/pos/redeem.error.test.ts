import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addReward,
  type Entitlements,
  earnOk,
  type LedgerResult,
  type Provisioned,
  posPost,
  posSpend,
  rotatingCodeFor,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/pos/convert and /v1/pos/redeem (errors and security)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('redeem-a');
    b = await t.brand('redeem-b');
  });
  afterAll(() => t.close());

  async function voucherFor(p: Provisioned) {
    const shopper = await shopperWithCard(t, p);
    await earnOk(t, p, shopper.cardId, 1000);
    const reward = await addReward(t, p, 10);
    const res = await posSpend(t, p, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id });
    const body = (await res.json()) as LedgerResult;
    return { shopper, voucherId: body.voucher?.id ?? '', reward };
  }

  it('refuses to convert without enough points, and the balance stays', async () => {
    const shopper = await shopperWithCard(t, a);
    await earnOk(t, a, shopper.cardId, 900);
    const reward = await addReward(t, a, 10);
    const res = await posSpend(t, a, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id });
    expect(res.status).toBe(409);
    expect((await problemOf(res)).code).toBe('insufficient_points');
    const card = (await (await scan(t, a, shopper.code)).json()) as Entitlements;
    expect(card).toMatchObject({ points: 9, vouchers: [] });
  });

  it('redeems a voucher once; a second redemption is refused', async () => {
    const { shopper, voucherId } = await voucherFor(a);
    expect(
      (await posSpend(t, a, '/v1/pos/redeem', { card: shopper.cardId, voucher: voucherId })).status,
    ).toBe(200);
    const again = await posSpend(t, a, '/v1/pos/redeem', { card: shopper.cardId, voucher: voucherId });
    expect(again.status).toBe(409);
    expect((await problemOf(again)).code).toBe('voucher_unavailable');
  });

  it('refuses an expired voucher', async () => {
    const { shopper, voucherId } = await voucherFor(a);
    t.clock.offsetMs = 91 * 86_400_000;
    try {
      const res = await posSpend(t, a, '/v1/pos/redeem', { card: shopper.cardId, voucher: voucherId });
      expect(res.status).toBe(409);
      expect((await problemOf(res)).code).toBe('voucher_unavailable');
    } finally {
      t.clock.offsetMs = 0;
    }
  });

  it('refuses a voucher presented with another card', async () => {
    const { voucherId } = await voucherFor(a);
    const other = await shopperWithCard(t, a);
    const res = await posSpend(t, a, '/v1/pos/redeem', { card: other.cardId, voucher: voucherId });
    expect(res.status).toBe(409);
  });

  it('brand A’s till can neither redeem, convert for, nor earn on brand B’s card', async () => {
    const { shopper, voucherId, reward } = await voucherFor(b);
    // A's till has no scan of the card to show, and B's card scanned at A's till is unknown there.
    const bare = await posPost(t, a.posKey, '/v1/pos/redeem', { card: shopper.cardId, voucher: voucherId });
    expect(bare.status).toBe(403);
    expect((await problemOf(bare)).code).toBe('scan_required');
    const code = await rotatingCodeFor(t, shopper.cardId, t.deps.now() + 30_000);
    const redeem = await posPost(t, a.posKey, '/v1/pos/redeem', { code, voucher: voucherId });
    expect(redeem.status).toBe(404);
    expect((await problemOf(redeem)).code).toBe('card_not_found');
    const convert = await posPost(t, a.posKey, '/v1/pos/convert', { code, reward: reward.id });
    expect(convert.status).toBe(404);
    const earn = await posPost(t, a.posKey, '/v1/pos/earn', {
      card: shopper.cardId,
      amount: 1000,
      currency: 'EUR',
      receiptRef: 'X',
    });
    expect(earn.status).toBe(404);
    expect((await problemOf(earn)).code).toBe('card_not_found');
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(0);
    expect(card.vouchers.map((v) => v.id)).toEqual([voucherId]);
  });

  it('refuses a retired reward', async () => {
    const shopper = await shopperWithCard(t, a);
    await earnOk(t, a, shopper.cardId, 5000);
    const reward = await addReward(t, a, 10);
    expect(
      (await t.request(`/v1/admin/loyalty/rewards/${reward.id}`, { method: 'DELETE', token: a.adminKey }))
        .status,
    ).toBe(204);
    const res = await posSpend(t, a, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id });
    expect(res.status).toBe(404);
  });
});
