/**
 * Rows as drizzle reads them, on both adapters: by column name for raw SQL, by position for
 * mapped selects (including two columns of the same name from a join), and no stray keys.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '#test-runtime';
import type { Database } from '../../src/db/database.ts';
import { brands, stores } from '../../src/db/schema/index.ts';

describe('rows read through the storage port', () => {
  let database: Database & { close(): void };

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.db.insert(brands).values({ id: 'brd_rows', slug: 'rows', label: 'Rows', createdAt: 1 });
    await database.db
      .insert(stores)
      .values({ id: 'sto_rows', brandId: 'brd_rows', label: 'Main', createdAt: 2 });
  });
  afterAll(() => database.close());

  it('answers raw SQL as plain objects keyed by column name', async () => {
    const rows = await database.db.all<{ a: number; b: string }>(sql`select 1 as a, 'two' as b`);
    expect(rows).toEqual([{ a: 1, b: 'two' }]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['a', 'b']);
    expect(JSON.stringify(rows)).toBe('[{"a":1,"b":"two"}]');
  });

  it('maps selected columns by position, even when two share a name', async () => {
    const [row] = await database.db
      .select({ store: stores.id, storeLabel: stores.label, brand: brands.id, brandLabel: brands.label })
      .from(stores)
      .innerJoin(brands, eq(brands.id, stores.brandId))
      .where(eq(stores.id, 'sto_rows'));
    expect(row).toEqual({ store: 'sto_rows', storeLabel: 'Main', brand: 'brd_rows', brandLabel: 'Rows' });
  });

  it('reads the same prepared statement again with other values', async () => {
    const byId = database.db
      .select({ label: brands.label })
      .from(brands)
      .where(eq(brands.id, sql.placeholder('id')))
      .prepare();
    expect(await byId.all({ id: 'brd_rows' })).toEqual([{ label: 'Rows' }]);
    expect(await byId.all({ id: 'brd_none' })).toEqual([]);
    expect(await byId.all({ id: 'brd_rows' })).toEqual([{ label: 'Rows' }]);
  });

  it('reads a one-row limit as one row, or none, and a larger limit in full', async () => {
    await database.db
      .insert(stores)
      .values({ id: 'sto_rows_2', brandId: 'brd_rows', label: 'Annex', createdAt: 3 });
    const firstStores = database.db
      .select({ label: stores.label })
      .from(stores)
      .where(eq(stores.brandId, sql.placeholder('brand')))
      .orderBy(stores.label)
      .limit(sql.placeholder('limit'))
      .prepare();
    expect(await firstStores.all({ brand: 'brd_rows', limit: 1 })).toEqual([{ label: 'Annex' }]);
    expect(await firstStores.get({ brand: 'brd_rows', limit: 1 })).toEqual({ label: 'Annex' });
    expect(await firstStores.all({ brand: 'brd_rows', limit: 5 })).toEqual([
      { label: 'Annex' },
      { label: 'Main' },
    ]);
    expect(await firstStores.all({ brand: 'brd_none', limit: 1 })).toEqual([]);
    expect(await firstStores.get({ brand: 'brd_none', limit: 1 })).toBeUndefined();
  });
});
