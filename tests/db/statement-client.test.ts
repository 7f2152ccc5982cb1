/**
 * Rows as drizzle reads them, on both adapters: by column name for raw SQL, by position for
 * mapped selects (including two columns of the same name from a join), and no stray keys; and
 * the hot-path reads (`firstRow`, `preparedRow`) as positional values.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '#test-runtime';
import type { Database } from '../../src/db/database.ts';
import { preparedRow } from '../../src/db/prepared.ts';
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

  it('answers the first row of a read as its values, or undefined', async () => {
    const query = 'select id, label, created_at from brands where id = ? limit 1';
    expect(await database.firstRow(query, ['brd_rows'])).toEqual(['brd_rows', 'Rows', 1]);
    expect(await database.firstRow(query, ['brd_none'])).toBeUndefined();
    expect(await database.firstRow(query, ['brd_rows'])).toEqual(['brd_rows', 'Rows', 1]);
  });

  it('reads a preparedRow with each call’s values, interleaved with drizzle reading the same SQL', async () => {
    const build = (db: Database['db']) =>
      db
        .select({ label: stores.label, brand: stores.brandId })
        .from(stores)
        .where(eq(stores.id, sql.placeholder('id')))
        .limit(1);
    const storeRow = preparedRow<{ id: string }>(build);
    expect(await storeRow(database, { id: 'sto_rows' })).toEqual(['Main', 'brd_rows']);
    // The same SQL text shares the libsql client's statement cache with drizzle's own reads.
    const drizzleRead = build(database.db).prepare();
    expect(await drizzleRead.all({ id: 'sto_rows' })).toEqual([{ label: 'Main', brand: 'brd_rows' }]);
    expect(await storeRow(database, { id: 'sto_none' })).toBeUndefined();
    expect(await drizzleRead.all({ id: 'sto_none' })).toEqual([]);
    expect(await storeRow(database, { id: 'sto_rows' })).toEqual(['Main', 'brd_rows']);
    await expect(storeRow(database, {} as { id: string })).rejects.toThrow(/placeholder "id"/);
  });
});
