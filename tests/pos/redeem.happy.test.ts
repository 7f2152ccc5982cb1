import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardChangedEvent, InProcessCardEvents } from '../../src/loyalty/events.ts';
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

describe('POST /v1/pos/convert, /v1/pos/redeem and POST /v1/me/card/vouchers (happy)', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('redeem');
  });
  afterAll(() => t.close());

  it('turns points into a voucher at the till, then redeems it, emitting card.changed for each', async () => {
    const shopper = await shopperWithCard(t, b);
    const events: CardChangedEvent[] = [];
    const unsubscribe = (t.deps.events as InProcessCardEvents).subscribe((e) => {
      if (e.cardId === shopper.cardId) events.push(e);
    });
    await earnOk(t, b, shopper.cardId, 12_000);
    const reward = await addReward(t, b, 100, 'Tote bag');
    const converted = await posSpend(t, b, '/v1/pos/convert', {
      card: shopper.cardId,
      reward: reward.id,
    });
    expect(converted.status).toBe(200);
    const issued = (await converted.json()) as LedgerResult;
    expect(issued.entry).toMatchObject({ kind: 'convert', points: -100, balance: 20 });
    expect(issued.voucher).toMatchObject({ id: expect.stringMatching(/^vch_/), label: 'Tote bag' });
    const ttl = Date.parse(issued.voucher?.expiresAt ?? '') - Date.now();
    expect(ttl).toBeGreaterThan(89 * 86_400_000); // default rules: 90 days
    expect(ttl).toBeLessThanOrEqual(90 * 86_400_000);

    const voucherId = issued.voucher?.id ?? '';
    const redeemed = await posSpend(t, b, '/v1/pos/redeem', {
      card: shopper.cardId,
      voucher: voucherId,
      receiptRef: 'R-5',
    });
    expect(redeemed.status).toBe(200);
    const body = (await redeemed.json()) as LedgerResult;
    expect(body.entry).toMatchObject({ kind: 'redeem', points: 0, balance: 20 });
    expect(body.voucher?.id).toBe(voucherId);
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card).toMatchObject({ points: 20, vouchers: [] });
    unsubscribe();
    expect(events.map((e) => [e.kind, e.points, e.balance])).toEqual([
      ['earn', 120, 120],
      ['convert', -100, 20],
      ['redeem', 0, 20],
    ]);
  });

  it('lets the shopper turn points into a voucher from the app', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 5000);
    const reward = await addReward(t, b, 30, 'Coffee');
    const key = newKey();
    const convert = () =>
      t.request('/v1/me/card/vouchers', {
        method: 'POST',
        token: shopper.accessToken,
        json: { reward: reward.id },
        headers: { 'idempotency-key': key },
      });
    const first = await convert();
    expect(first.status).toBe(200);
    const again = await convert();
    expect(await again.json()).toEqual(await first.json());
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(20);
    expect(card.vouchers.map((v) => v.label)).toEqual(['Coffee']);
  });

  it('a refund of a redemption hands the voucher back, once', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 1000);
    const reward = await addReward(t, b, 10, 'Scarf');
    const issued = (await (
      await posSpend(t, b, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })
    ).json()) as LedgerResult;
    const voucher = issued.voucher?.id ?? '';
    const redeemed = (await (
      await posSpend(t, b, '/v1/pos/redeem', { card: shopper.cardId, voucher })
    ).json()) as LedgerResult;
    const refund = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: redeemed.entry.id });
    expect(refund.status).toBe(200);
    const body = (await refund.json()) as LedgerResult;
    expect(body.entry).toMatchObject({ kind: 'reverse', points: 0, balance: 0, reverses: redeemed.entry.id });
    expect(body.voucher?.id).toBe(voucher);
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.vouchers.map((v) => v.id)).toEqual([voucher]);

    const twice = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: redeemed.entry.id });
    expect(twice.status).toBe(409);
    // Usable again, exactly once more.
    expect((await posSpend(t, b, '/v1/pos/redeem', { card: shopper.cardId, voucher })).status).toBe(200);
    expect((await posSpend(t, b, '/v1/pos/redeem', { card: shopper.cardId, voucher })).status).toBe(409);
    // A conversion is not reversible here.
    const convert = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: issued.entry.id });
    expect(convert.status).toBe(422);
  });
});
