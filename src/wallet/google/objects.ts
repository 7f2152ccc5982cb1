/**
 * @module wallet/google/objects
 * The rows behind a card's Google loyalty object: whether Google holds it, the points last sent,
 * and when the shopper was last notified (Google allows 3 notifying updates per object per 24 h;
 * the rest must update silently).
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { googleWalletObjects } from '../../db/schema/google-wallet.ts';

export const NOTIFICATIONS_PER_DAY = 3;
const DAY_S = 86_400;

export type ObjectRow = typeof googleWalletObjects.$inferSelect;

export async function objectRow({ db }: Database, brandId: string, cardId: string) {
  const [row] = await db
    .select()
    .from(googleWalletObjects)
    .where(and(eq(googleWalletObjects.brandId, brandId), eq(googleWalletObjects.cardId, cardId)));
  return row;
}

/** Notifications still allowed at `nowS`, from the recorded times. */
export function notificationsLeft(row: Pick<ObjectRow, 'notifiedAt'> | undefined, nowS: number): number {
  const recent = (row?.notifiedAt ?? []).filter((t) => t > nowS - DAY_S);
  return Math.max(0, NOTIFICATIONS_PER_DAY - recent.length);
}

/** Records what Google now holds: the points sent and, if this update notified, when. */
export async function recordSent(
  { db }: Database,
  brandId: string,
  cardId: string,
  sent: { points: number; notified: boolean; nowMs: number; previous: ObjectRow | undefined },
) {
  const nowS = Math.floor(sent.nowMs / 1000);
  const kept = (sent.previous?.notifiedAt ?? []).filter((t) => t > nowS - DAY_S);
  const notifiedAt = (sent.notified ? [nowS, ...kept] : kept).slice(0, NOTIFICATIONS_PER_DAY);
  const values = { inserted: true, sentPoints: sent.points, notifiedAt, updatedAt: sent.nowMs };
  await db
    .insert(googleWalletObjects)
    .values({ brandId, cardId, ...values })
    .onConflictDoUpdate({ target: [googleWalletObjects.brandId, googleWalletObjects.cardId], set: values });
}
