/**
 * `POST /v1/me/card/vouchers` refusals: a request the API rejects changes nothing, not even by
 * creating the shopper's card on the way (invariant 5).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addReward, type Provisioned } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/me/card/vouchers (errors)', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('me-card-err');
  });
  afterAll(() => t.close());

  const cardsOfBrand = async () => {
    const [row]: { n: number }[] = await t.database.db.all(
      sql`select count(*) as n from cards where brand_id = ${b.brand.id}`,
    );
    return Number(row?.n);
  };

  it('without an Idempotency-Key, or with a malformed one, answers 400 and creates no card', async () => {
    // Signed in but never asked for the card, so the shopper has none yet.
    const session = await t.signIn(b.brand.slug, b.brand.appleClientIds[0] ?? '');
    const reward = await addReward(t, b, 10);
    expect(await cardsOfBrand()).toBe(0);
    const convert = (headers: Record<string, string>) =>
      t.request('/v1/me/card/vouchers', {
        method: 'POST',
        token: session.accessToken,
        json: { reward: reward.id },
        headers,
      });
    const missing = await convert({});
    expect(missing.status).toBe(400);
    expect((await problemOf(missing)).code).toBe('idempotency_key_required');
    const malformed = await convert({ 'idempotency-key': 'short' });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe('invalid_request');
    expect(await cardsOfBrand()).toBe(0);
  });
});
