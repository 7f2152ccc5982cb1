/**
 * @module tenancy/provision
 * Creates a brand with a first store, a POS device, an admin key and a POS key. Used by the demo
 * bootstrap, the `brand:create` script and test fixtures.
 */
import type { Database } from '../db/database.ts';
import { AppError, type Result } from '../errors.ts';
import { createApiKey } from './api-keys.ts';
import { type Brand, createBrand } from './brands.ts';
import { createDevice, type Device } from './devices.ts';
import { createStore, type Store } from './stores.ts';

export type ProvisionedBrand = {
  brand: Brand;
  store: Store;
  device: Device;
  adminKey: string;
  posKey: string;
};

const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

export async function provisionBrand(
  database: Database,
  input: { slug: string; label: string; appleClientIds: string[]; storeLabel?: string; deviceLabel?: string },
  now: number,
): Promise<ProvisionedBrand> {
  const brand = must(await createBrand(database, input, now));
  const store = await createStore(database, brand.id, input.storeLabel ?? 'Flagship store', now);
  const device = must(
    await createDevice(database, brand.id, { storeId: store.id, label: input.deviceLabel ?? 'Till 1' }, now),
  );
  const admin = must(
    await createApiKey(database, brand.id, { scope: 'admin', label: 'Bootstrap admin key' }, now),
  );
  const pos = must(
    await createApiKey(database, brand.id, { scope: 'pos', label: device.label, deviceId: device.id }, now),
  );
  if (!admin.key || !pos.key) throw new AppError('internal');
  return { brand, store, device, adminKey: admin.key, posKey: pos.key };
}
