/**
 * @module rights/settings
 * A brand's settings for data subject rights. The only one so far: whether an erasure's
 * tombstone keeps a keyed hash of the email (off by default; a brand turns it on only where its
 * documentation duty needs to prove a past consent when shown the full address).
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { rightsSettings } from '../db/schema/index.ts';

export type RightsSettings = { keepEmailHash: boolean };
export const DEFAULT_RIGHTS_SETTINGS: RightsSettings = { keepEmailHash: false };

export async function rightsSettingsOf({ db }: Database, brandId: string): Promise<RightsSettings> {
  const [row] = await db.select().from(rightsSettings).where(eq(rightsSettings.brandId, brandId));
  return row ? { keepEmailHash: row.keepContactProof } : DEFAULT_RIGHTS_SETTINGS;
}

export async function putRightsSettings(
  { db }: Database,
  brandId: string,
  settings: RightsSettings,
  now: number,
): Promise<RightsSettings> {
  await db
    .insert(rightsSettings)
    .values({ brandId, keepContactProof: settings.keepEmailHash, updatedAt: now })
    .onConflictDoUpdate({
      target: rightsSettings.brandId,
      set: { keepContactProof: settings.keepEmailHash, updatedAt: now },
    });
  return settings;
}
