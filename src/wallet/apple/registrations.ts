/**
 * @module wallet/apple/registrations
 * Devices that asked for a pass's updates, scoped by the pass's brand. A device is Wallet's
 * device library id and the push token it gave; it lives while it has a registration.
 * @see https://developer.apple.com/documentation/walletpasses/register-a-pass-for-update-notifications
 */
import { and, eq, gt, inArray, notExists, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { appleDevices, applePasses, applePassTemplates, appleRegistrations } from '../../db/schema/index.ts';

/** Registers a device for a pass; `created` only when the pair is new. */
export async function register(
  database: Database,
  brandId: string,
  deviceLibraryId: string,
  pushToken: string,
  serial: string,
): Promise<'created' | 'exists'> {
  const { db } = database;
  const [, inserted] = await database.batch([
    // A device that comes back with a new push token keeps its registrations and gets the token.
    db
      .insert(appleDevices)
      .values({ brandId, deviceLibraryId, pushToken })
      .onConflictDoUpdate({
        target: [appleDevices.brandId, appleDevices.deviceLibraryId],
        set: { pushToken },
      }),
    db
      .insert(appleRegistrations)
      .values({ brandId, deviceLibraryId, serial })
      .onConflictDoNothing()
      .returning({ serial: appleRegistrations.serial }),
  ]);
  return (inserted as unknown[]).length ? 'created' : 'exists';
}

const orphanDevices = (database: Database, brandId: string, deviceLibraryId: string) =>
  database.db.delete(appleDevices).where(
    and(
      eq(appleDevices.brandId, brandId),
      eq(appleDevices.deviceLibraryId, deviceLibraryId),
      notExists(
        database.db
          .select({ one: sql`1` })
          .from(appleRegistrations)
          .where(
            and(
              eq(appleRegistrations.brandId, appleDevices.brandId),
              eq(appleRegistrations.deviceLibraryId, appleDevices.deviceLibraryId),
            ),
          ),
      ),
    ),
  );

/** Removes one registration; the device goes with its last one. */
export async function unregister(
  database: Database,
  brandId: string,
  deviceLibraryId: string,
  serial: string,
) {
  await database.batch([
    database.db
      .delete(appleRegistrations)
      .where(
        and(
          eq(appleRegistrations.brandId, brandId),
          eq(appleRegistrations.deviceLibraryId, deviceLibraryId),
          eq(appleRegistrations.serial, serial),
        ),
      ),
    orphanDevices(database, brandId, deviceLibraryId),
  ]);
}

/** Forgets a device whose push token APNs no longer accepts, with all its registrations. */
export async function dropDevice(
  database: Database,
  brandId: string,
  deviceLibraryId: string,
  pushToken: string,
) {
  const { db } = database;
  // Only while it still has that token: a device that re-registered meanwhile keeps its new one.
  const [gone] = await database.batch([
    db
      .delete(appleDevices)
      .where(
        and(
          eq(appleDevices.brandId, brandId),
          eq(appleDevices.deviceLibraryId, deviceLibraryId),
          eq(appleDevices.pushToken, pushToken),
        ),
      )
      .returning({ id: appleDevices.deviceLibraryId }),
    db.delete(appleRegistrations).where(
      and(
        eq(appleRegistrations.brandId, brandId),
        eq(appleRegistrations.deviceLibraryId, deviceLibraryId),
        notExists(
          db
            .select({ one: sql`1` })
            .from(appleDevices)
            .where(and(eq(appleDevices.brandId, brandId), eq(appleDevices.deviceLibraryId, deviceLibraryId))),
        ),
      ),
    ),
  ]);
  return (gone as unknown[]).length > 0;
}

/**
 * Serials this device registered under this pass type id, changed after `since` (a tag from an
 * earlier answer) or all of them, and the newest tag among the device's passes.
 */
export async function serialsUpdatedSince(
  database: Database,
  passTypeId: string,
  deviceLibraryId: string,
  since: number | undefined,
) {
  const rows = await database.db
    .select({ serial: applePasses.serial, updatedS: applePasses.updatedS })
    .from(appleRegistrations)
    .innerJoin(applePasses, eq(applePasses.serial, appleRegistrations.serial))
    .innerJoin(applePassTemplates, eq(applePassTemplates.brandId, appleRegistrations.brandId))
    .where(
      and(
        eq(appleRegistrations.deviceLibraryId, deviceLibraryId),
        eq(applePassTemplates.passTypeId, passTypeId),
        since === undefined ? undefined : gt(applePasses.updatedS, since),
      ),
    )
    .limit(1000);
  return {
    serialNumbers: rows.map((r) => r.serial).sort(),
    lastUpdated: rows.reduce((max, r) => Math.max(max, r.updatedS), 0),
  };
}

/** The devices to push for these passes: one entry per device, whatever its number of passes. */
export async function devicesOf(database: Database, brandId: string, serials: readonly string[]) {
  if (!serials.length) return [];
  return database.db
    .selectDistinct({ deviceLibraryId: appleDevices.deviceLibraryId, pushToken: appleDevices.pushToken })
    .from(appleRegistrations)
    .innerJoin(
      appleDevices,
      and(
        eq(appleDevices.brandId, appleRegistrations.brandId),
        eq(appleDevices.deviceLibraryId, appleRegistrations.deviceLibraryId),
      ),
    )
    .where(and(eq(appleRegistrations.brandId, brandId), inArray(appleRegistrations.serial, [...serials])));
}
