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
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('/v1/admin/loyalty/cards (happy, error, security)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('cards-a');
    b = await t.brand('cards-b');
  });
  afterAll(() => t.close());

  it('a blocked card scans as blocked and refuses earn, convert and redeem until unblocked', async () => {
    const shopper = await shopperWithCard(t, a);
    await earnOk(t, a, shopper.cardId, 5000);
    const reward = await addReward(t, a, 10);
    const issued = (await (
      await posSpend(t, a, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })
    ).json()) as LedgerResult;
    const events: CardChangedEvent[] = [];
    const off = (t.deps.events as InProcessCardEvents).subscribe((e) => {
      events.push(e);
    });
    const block = await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}/block`, {
      method: 'POST',
      token: a.adminKey,
    });
    off();
    expect(await block.json()).toEqual({ card: shopper.cardId, status: 'blocked' });
    expect(events).toEqual([
      expect.objectContaining({ cardId: shopper.cardId, kind: 'status', balance: 40 }),
    ]);
    expect(((await (await scan(t, a, shopper.code)).json()) as Entitlements).status).toBe('blocked');

    const attempts = [
      posPost(t, a.posKey, '/v1/pos/earn', {
        card: shopper.cardId,
        amount: 100,
        currency: 'EUR',
        receiptRef: 'R',
      }),
      posSpend(t, a, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id }),
      posSpend(t, a, '/v1/pos/redeem', { card: shopper.cardId, voucher: issued.voucher?.id }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(409);
      expect((await problemOf(res)).code).toBe('card_blocked');
    }
    expect(((await (await scan(t, a, shopper.code)).json()) as Entitlements).points).toBe(40);

    await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}/unblock`, {
      method: 'POST',
      token: a.adminKey,
    });
    expect((await earnOk(t, a, shopper.cardId, 100)).entry.balance).toBe(41);
  });

  it('a refund on a blocked card is allowed; lacking the points it answers insufficient_points, and replays that', async () => {
    const shopper = await shopperWithCard(t, a);
    const spent = await earnOk(t, a, shopper.cardId, 3000); // 30 points
    const kept = await earnOk(t, a, shopper.cardId, 500); // 5 points
    const reward = await addReward(t, a, 20);
    expect(
      (await posSpend(t, a, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })).status,
    ).toBe(200); // 15 points left
    await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}/block`, { method: 'POST', token: a.adminKey });

    // A reversal does not need an active card: the 30 points are gone, and that is the reason.
    const key = newKey();
    const refused = await posPost(t, a.posKey, '/v1/pos/reverse', { entry: spent.entry.id }, key);
    expect(refused.status).toBe(409);
    expect(await problemOf(refused)).toMatchObject({ code: 'insufficient_points' });
    const replayed = await posPost(t, a.posKey, '/v1/pos/reverse', { entry: spent.entry.id }, key);
    expect((await problemOf(replayed)).code).toBe('insufficient_points');

    // …while the points it does have can be taken back from the blocked card.
    const refund = await posPost(t, a.posKey, '/v1/pos/reverse', { entry: kept.entry.id });
    expect(refund.status).toBe(200);
    expect(((await refund.json()) as LedgerResult).entry).toMatchObject({ points: -5, balance: 10 });
  });

  it('shows a card’s entitlements and ledger, never the customer', async () => {
    const shopper = await shopperWithCard(t, a);
    const earned = await earnOk(t, a, shopper.cardId, 2500);
    const res = await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}`, { token: a.adminKey });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(shopper.customerId);
    const body = JSON.parse(text) as { entitlements: Entitlements; entries: { id: string }[] };
    expect(body.entitlements.points).toBe(25);
    expect(body.entries.map((e) => e.id)).toEqual([earned.entry.id]);
  });

  it('brand B’s admin key cannot see, block or unblock brand A’s card; a pos key cannot at all', async () => {
    const shopper = await shopperWithCard(t, a);
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/block'],
      ['POST', '/unblock'],
    ] as const) {
      const res = await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}${suffix}`, {
        method,
        token: b.adminKey,
      });
      expect(res.status, suffix).toBe(404);
      expect((await problemOf(res)).code).toBe('card_not_found');
      const pos = await t.request(`/v1/admin/loyalty/cards/${shopper.cardId}${suffix}`, {
        method,
        token: a.posKey,
      });
      expect(pos.status).toBe(403);
    }
    expect(((await (await scan(t, a, shopper.code)).json()) as Entitlements).status).toBe('active');
    const bad = await t.request('/v1/admin/loyalty/cards/nope/block', { method: 'POST', token: a.adminKey });
    expect(bad.status).toBe(400);
  });
});
