import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hotp, stepAt } from '../../src/pos/card-codes.ts';
import {
  addReward,
  type Entitlements,
  earnOk,
  type Provisioned,
  posSpend,
  rotatingCodeFor,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** RFC 4648 base32 without padding, decoded independently of the app's encoder. */
function fromBase32(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}

describe('POST /v1/pos/scan (happy)', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('scan');
    const rules = {
      currency: 'EUR',
      pointsPerUnit: 1,
      rounding: 'floor',
      voucherTtlDays: 30,
      tiers: [
        { code: 'silver', label: 'Silver', threshold: 100 },
        { code: 'gold', label: 'Gold', threshold: 500 },
      ],
    };
    const put = await t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: b.adminKey, json: rules });
    expect(put.status).toBe(200);
  });
  afterAll(() => t.close());

  it('shows status, tier, points and vouchers for the wallet pass code, and nothing else', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 15_000); // 150 € → 150 points → silver
    const reward = await addReward(t, b, 50);
    const converted = await posSpend(t, b, '/v1/pos/convert', {
      card: shopper.cardId,
      reward: reward.id,
    });
    expect(converted.status).toBe(200);

    const res = await scan(t, b, shopper.code);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Entitlements;
    expect(body).toEqual({
      card: shopper.cardId,
      status: 'active',
      tier: { code: 'silver', label: 'Silver' },
      points: 100,
      vouchers: [{ id: expect.stringMatching(/^vch_/), label: 'Free coffee', expiresAt: expect.any(String) }],
      // The pass code does not authorise spending by default (only the rotating code does).
      spend: null,
    });
    expect(Object.keys(body).sort()).toEqual(['card', 'points', 'spend', 'status', 'tier', 'vouchers']);
    expect(JSON.stringify(body)).not.toContain(shopper.customerId);
  });

  it('accepts the rotating code the app shows', async () => {
    const shopper = await shopperWithCard(t, b);
    const code = await rotatingCodeFor(t, shopper.cardId, t.deps.now());
    const res = await scan(t, b, code);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Entitlements;
    expect(body).toMatchObject({ card: shopper.cardId, points: 0, tier: null, vouchers: [] });
  });

  it('gives the shopper the TOTP details that produce accepted codes', async () => {
    const shopper = await shopperWithCard(t, b);
    const res = await t.request('/v1/me/card', { token: shopper.accessToken });
    expect(res.status).toBe(200);
    const card = (await res.json()) as {
      code: string;
      rotating: { secret: string; digits: number; periodSeconds: number; pattern: string };
      entitlements: Entitlements;
    };
    expect(card.code).toBe(shopper.code);
    expect(card.entitlements.card).toBe(shopper.cardId);
    expect(card.rotating).toMatchObject({
      digits: 8,
      periodSeconds: 30,
      pattern: `ZT1.${shopper.cardId}.{totp}`,
    });
    expect(card.rotating.secret).toMatch(/^[A-Z2-7]{32}$/);
    // Do what the shopper's app does with these details: decode the secret it was given, compute
    // the current RFC 6238 code, fill in the pattern, and have a till scan it.
    const secret = fromBase32(card.rotating.secret);
    expect(secret).toHaveLength(20);
    const totp = await hotp(secret, stepAt(t.deps.now()), card.rotating.digits);
    const scanned = await scan(t, b, card.rotating.pattern.replace('{totp}', totp));
    expect(scanned.status).toBe(200);
    expect(((await scanned.json()) as Entitlements).card).toBe(shopper.cardId);
  });

  it('creates one card per customer, whatever the number of calls', async () => {
    const shopper = await shopperWithCard(t, b);
    const again = await Promise.all(
      Array.from({ length: 5 }, async () =>
        (await t.request('/v1/me', { token: shopper.accessToken })).json(),
      ),
    );
    for (const me of again as { card: { number: string } }[]) expect(me.card.number).toBe(shopper.cardId);
  });
});
