import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardChangedEvent, InProcessCardEvents } from '../../src/loyalty/events.ts';
import {
  type Entitlements,
  type LedgerResult,
  newKey,
  type Provisioned,
  posPost,
  rotatingCodeFor,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/pos/earn and /v1/pos/reverse (happy)', () => {
  let t: TestApp;
  let b: Provisioned;
  const events: CardChangedEvent[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('earn');
    (t.deps.events as InProcessCardEvents).subscribe((e) => {
      events.push(e);
    });
  });
  afterAll(() => t.close());

  it('earns by the brand’s rules: points per unit and rounding', async () => {
    const cases = [
      { pointsPerUnit: 1, rounding: 'floor', amount: 1999, points: 19 },
      { pointsPerUnit: 1, rounding: 'round', amount: 1950, points: 20 },
      { pointsPerUnit: 1, rounding: 'round', amount: 1949, points: 19 },
      { pointsPerUnit: 1, rounding: 'ceil', amount: 1901, points: 20 },
      { pointsPerUnit: 2.5, rounding: 'floor', amount: 1000, points: 25 },
      { pointsPerUnit: 0.125, rounding: 'floor', amount: 10_000, points: 12 },
    ];
    for (const c of cases) {
      const rules = {
        currency: 'EUR',
        pointsPerUnit: c.pointsPerUnit,
        rounding: c.rounding,
        voucherTtlDays: 30,
        tiers: [],
      };
      expect(
        (await t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: b.adminKey, json: rules }))
          .status,
      ).toBe(200);
      const shopper = await shopperWithCard(t, b);
      const res = await posPost(t, b.posKey, '/v1/pos/earn', {
        card: shopper.cardId,
        amount: c.amount,
        currency: 'EUR',
        receiptRef: 'R-42',
      });
      expect(res.status, JSON.stringify(c)).toBe(200);
      const body = (await res.json()) as LedgerResult;
      expect(body.entry, JSON.stringify(c)).toMatchObject({
        kind: 'earn',
        points: c.points,
        balance: c.points,
        card: shopper.cardId,
      });
    }
  });

  it('earns with a scanned code, and emits card.changed once per write', async () => {
    const shopper = await shopperWithCard(t, b);
    events.length = 0;
    const code = await rotatingCodeFor(t, shopper.cardId, t.deps.now());
    const res = await posPost(t, b.posKey, '/v1/pos/earn', {
      code,
      amount: 5000,
      currency: 'EUR',
      receiptRef: 'R-7',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as LedgerResult;
    expect(events).toEqual([
      expect.objectContaining({
        type: 'card.changed',
        cardId: shopper.cardId,
        entryId: body.entry.id,
        kind: 'earn',
        balance: body.entry.balance,
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(shopper.customerId);
  });

  it('replays the first response for the same key and payload, writing nothing more', async () => {
    const shopper = await shopperWithCard(t, b);
    const key = newKey();
    const payload = { card: shopper.cardId, amount: 1000, currency: 'EUR', receiptRef: 'R-9' };
    const first = await posPost(t, b.posKey, '/v1/pos/earn', payload, key);
    events.length = 0;
    const second = await posPost(t, b.posKey, '/v1/pos/earn', payload, key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const firstBody = (await first.json()) as LedgerResult;
    expect(await second.json()).toEqual(firstBody);
    expect(events).toEqual([]);
    expect(firstBody.entry.points).toBeGreaterThan(0);
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(firstBody.entry.points);
  });

  it('reverses an earn once, taking its points back', async () => {
    const shopper = await shopperWithCard(t, b);
    const earned = (await (
      await posPost(t, b.posKey, '/v1/pos/earn', {
        card: shopper.cardId,
        amount: 4000,
        currency: 'EUR',
        receiptRef: 'R-1',
      })
    ).json()) as LedgerResult;
    const res = await posPost(t, b.posKey, '/v1/pos/reverse', { entry: earned.entry.id });
    expect(res.status).toBe(200);
    const reversal = (await res.json()) as LedgerResult;
    expect(reversal.entry).toMatchObject({
      kind: 'reverse',
      points: -earned.entry.points,
      balance: 0,
      reverses: earned.entry.id,
    });
    const card = (await (await scan(t, b, shopper.code)).json()) as Entitlements;
    expect(card.points).toBe(0);
  });
});
