/**
 * @module tenancy/stores
 * Physical or online stores of a brand. POS devices belong to a store.
 */
import { and, asc, eq } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { stores } from '../db/schema/index.ts';

export type Store = typeof stores.$inferSelect;

export async function createStore(
  { db }: Database,
  brandId: string,
  label: string,
  now: number,
): Promise<Store> {
  const [row] = await db
    .insert(stores)
    .values({ id: randomId('sto'), brandId, label, createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listStores({ db }: Database, brandId: string): Promise<Store[]> {
  return db
    .select()
    .from(stores)
    .where(eq(stores.brandId, brandId))
    .orderBy(asc(stores.createdAt), asc(stores.id));
}

export async function getStore(
  { db }: Database,
  brandId: string,
  storeId: string,
): Promise<Store | undefined> {
  const [row] = await db
    .select()
    .from(stores)
    .where(and(eq(stores.brandId, brandId), eq(stores.id, storeId)));
  return row;
}

export async function renameStore(
  { db }: Database,
  brandId: string,
  storeId: string,
  label: string,
): Promise<Store | undefined> {
  const [row] = await db
    .update(stores)
    .set({ label })
    .where(and(eq(stores.brandId, brandId), eq(stores.id, storeId)))
    .returning();
  return row;
}
