/**
 * Idempotency-Keys are remembered for a retention period, then swept, a bounded number per run,
 * on both runtimes; the sweep never touches a younger key.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '#test-runtime';
import type { Database } from '../../src/db/database.ts';
import { brands, idempotencyKeys } from '../../src/db/schema/index.ts';
import { claimKey, purgeIdempotencyKeys } from '../../src/loyalty/idempotency.ts';

const DAY = 86_400_000;

describe('Idempotency-Key retention', () => {
  let database: Database & { close(): void };
  const brandId = `brd_ret${crypto.randomUUID().slice(0, 8)}`;
  const keysLeft = async () =>
    (
      await database.db
        .select({ key: idempotencyKeys.key })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.brandId, brandId), eq(idempotencyKeys.owner, 'till')))
    )
      .map((r) => r.key)
      .sort();

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.db
      .insert(brands)
      .values({ id: brandId, slug: brandId.replace('_', '-'), label: 'R', createdAt: 1 });
  });
  afterAll(() => database.close());

  it('forgets keys claimed before the cutoff, at most `limit` per run, and keeps the others', async () => {
    // Far in the past, so that keys of other test files sharing the database are all younger.
    const long = 1_000 * DAY;
    for (const [key, now] of [
      ['old-key-1', long],
      ['old-key-2', long + 1],
      ['old-key-3', long + 2],
      ['young-key', long + 10 * DAY],
    ] as const) {
      const claimed = await claimKey(database, { brandId, owner: 'till', key, requestHash: 'h', now });
      expect(claimed.kind).toBe('claimed');
    }
    const cutoff = long + 7 * DAY;
    expect(await purgeIdempotencyKeys(database, cutoff, 2)).toBe(2);
    expect(await keysLeft()).toHaveLength(2);
    expect(await purgeIdempotencyKeys(database, cutoff, 2)).toBe(1);
    expect(await keysLeft()).toEqual(['young-key']);
    expect(await purgeIdempotencyKeys(database, cutoff, 2)).toBe(0);
  });
});
