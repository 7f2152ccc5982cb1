/**
 * Hardening fault 9, Idempotency-Key: the header may hold anything the caller chose (here an
 * email address), so only a keyed hash of it is stored and looked up. Replays and refusals work
 * as before; the key, and a request id shaped like a `mailto:` URI, are in no row and no log line.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { idempotencyKeys } from '../../src/db/schema/index.ts';
import { idempotencyKeyHash } from '../../src/loyalty/idempotency.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { type LedgerResult, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe(`Idempotency-Key is stored as a keyed hash (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  let card: string;
  const canary = `cn${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const key = `${canary}@shopper.example`;
  const requestId = `mailto:${canary}.x.example.org`;
  const earn = (amount: number) =>
    t.request('/v1/pos/earn', {
      method: 'POST',
      token: b.posKey,
      json: { card, amount, currency: 'EUR', receiptRef: 'R-9' },
      headers: { 'idempotency-key': key, 'x-request-id': requestId },
    });

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('idemhash');
    card = (await shopperWithCard(t, b)).cardId;
  });
  afterAll(() => t.close());

  it('replays the first answer and refuses another payload under the same key', async () => {
    const first = await earn(1_000);
    expect(first.status).toBe(200);
    const entry = ((await first.json()) as LedgerResult).entry;
    const again = await earn(1_000);
    expect(again.status).toBe(200);
    expect(((await again.json()) as LedgerResult).entry).toEqual(entry);
    const other = await earn(2_000);
    expect(other.status).toBe(422);
    expect((await problemOf(other)).code).toBe('idempotency_key_reused');
    expect(other.headers.get('x-request-id')).not.toBe(requestId);
  });

  it('the row holds HMAC(pepper, brand ‖ owner ‖ key), not the key', async () => {
    const rows = await t.database.db
      .select({ owner: idempotencyKeys.owner, key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.brandId, b.brand.id)));
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.key).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.key).toBe(await idempotencyKeyHash(t.deps.pepper, b.brand.id, row?.owner ?? '', key));
  });

  it('neither the key nor the request id is in any database row or log line', async () => {
    const haystack = await databaseHaystack(t.database);
    expect(haystack).toContain(b.brand.id);
    expect(haystack).not.toContain(canary);
    expect(t.logs.join('\n')).toContain('"route":"/v1/pos/earn"');
    expect(t.logs.join('\n')).not.toContain(canary);
  });
});
