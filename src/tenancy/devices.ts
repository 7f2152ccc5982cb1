/**
 * @module tenancy/devices
 * Named POS devices in a store. A `pos` key is bound to exactly one device.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { apiKeys, devices } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { getStore } from './stores.ts';

export type Device = typeof devices.$inferSelect;

export async function createDevice(
  database: Database,
  brandId: string,
  input: { storeId: string; label: string },
  now: number,
): Promise<Result<Device>> {
  // The store must be this brand's: a foreign key alone would accept another brand's store.
  const store = await getStore(database, brandId, input.storeId);
  if (!store) return err('not_found', 'No such store');
  const [row] = await database.db
    .insert(devices)
    .values({ id: randomId('dev'), brandId, storeId: store.id, label: input.label, createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return ok(row);
}

export async function listDevices({ db }: Database, brandId: string, storeId?: string): Promise<Device[]> {
  const scope = storeId
    ? and(eq(devices.brandId, brandId), eq(devices.storeId, storeId), isNull(devices.retiredAt))
    : and(eq(devices.brandId, brandId), isNull(devices.retiredAt));
  return db.select().from(devices).where(scope).orderBy(asc(devices.createdAt), asc(devices.id));
}

export async function getDevice(
  { db }: Database,
  brandId: string,
  deviceId: string,
): Promise<Device | undefined> {
  const [row] = await db
    .select()
    .from(devices)
    .where(and(eq(devices.brandId, brandId), eq(devices.id, deviceId), isNull(devices.retiredAt)));
  return row;
}

/** Retires a device and, in the same batch, revokes every key bound to it. */
export async function retireDevice(database: Database, brandId: string, deviceId: string, now: number) {
  const device = await getDevice(database, brandId, deviceId);
  if (!device) return false;
  const { db } = database;
  await database.batch([
    db
      .update(devices)
      .set({ retiredAt: now })
      .where(and(eq(devices.brandId, brandId), eq(devices.id, deviceId))),
    db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.brandId, brandId), eq(apiKeys.deviceId, deviceId), isNull(apiKeys.revokedAt))),
  ]);
  return true;
}
