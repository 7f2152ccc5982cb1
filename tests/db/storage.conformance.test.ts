/**
 * The storage port's contract, run unchanged on D1 (workers project) and libsql (node project).
 */

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedCrypto, openTestDatabase, runtime } from '#test-runtime';
import { randomBytes } from '../../src/crypto.ts';
import type { Database } from '../../src/db/database.ts';
import { brands, stores } from '../../src/db/schema/index.ts';
import { appleLink, findOrCreateByAppleLink } from '../../src/identity/customers.ts';
import { authenticateApiKey, createApiKey, revokeApiKey } from '../../src/tenancy/api-keys.ts';
import { createBrand } from '../../src/tenancy/brands.ts';
import { createStore, getStore, listStores } from '../../src/tenancy/stores.ts';

describe(`storage conformance (${runtime})`, () => {
  let db: Database & { close(): void };
  const slug = (s: string) => `${s}-${crypto.randomUUID().slice(0, 8)}`;
  const brand = async (s: string) => {
    const r = await createBrand(db, { slug: slug(s), label: s }, Date.now());
    if (!r.ok) throw r.error;
    return r.value;
  };

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it('reports its adapter', () => {
    expect(db.kind).toBe(runtime === 'node' ? 'libsql' : 'd1');
  });

  it('enforces unique brand slugs with a conflict, not an exception', async () => {
    const first = await brand('uniq');
    const again = await createBrand(db, { slug: first.slug, label: 'again' }, Date.now());
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('conflict');
  });

  it('scopes store reads by brand', async () => {
    const a = await brand('scope-a');
    const b = await brand('scope-b');
    const store = await createStore(db, a.id, 'A1', Date.now());
    expect(await getStore(db, b.id, store.id)).toBeUndefined();
    expect((await listStores(db, b.id)).map((s) => s.id)).not.toContain(store.id);
    expect((await getStore(db, a.id, store.id))?.label).toBe('A1');
  });

  it('creates exactly one customer under 25 concurrent first sign-ins', async () => {
    const b = await brand('race');
    const link = await appleLink(await keyedCrypto.hmacSha256(randomBytes(32)), b.id, 'same-sub');
    const results = await Promise.all(
      Array.from({ length: 25 }, () => findOrCreateByAppleLink(db, b.id, link, Date.now())),
    );
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('applies a batch atomically: one failing statement rolls back the others', async () => {
    const b = await brand('batch');
    const before = (await listStores(db, b.id)).length;
    await expect(
      db.batch([
        db.db.insert(stores).values({ id: 'sto_batch_ok', brandId: b.id, label: 'ok', createdAt: 1 }),
        db.db.insert(brands).values({ id: b.id, slug: b.slug, label: 'duplicate primary key', createdAt: 1 }),
      ]),
    ).rejects.toThrow();
    expect((await listStores(db, b.id)).length).toBe(before);
    expect(await db.db.select().from(stores).where(eq(stores.id, 'sto_batch_ok'))).toHaveLength(0);
  });

  it('finds API keys by hash only, never by prefix, and not once revoked', async () => {
    const b = await brand('keys');
    const created = await createApiKey(db, b.id, { scope: 'admin', label: 'k' }, Date.now());
    if (!created.ok) throw created.error;
    expect((await authenticateApiKey(db, created.value.key))?.brandId).toBe(b.id);
    const { key, apiKey } = created.value;
    const sibling = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    expect(await authenticateApiKey(db, sibling)).toBeUndefined();
    expect(await authenticateApiKey(db, key.slice(0, 20))).toBeUndefined();
    expect(await revokeApiKey(db, b.id, apiKey.id, Date.now())).toBe(true);
    expect(await authenticateApiKey(db, key)).toBeUndefined();
  });
});
