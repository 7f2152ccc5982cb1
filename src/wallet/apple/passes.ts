/**
 * @module wallet/apple/passes
 * One pass per card: a random serial, an authentication token and a modification tag. The token
 * is HMAC(pepper, brand ‖ serial), 43 base64url characters, so every copy of the pass carries the
 * same one and no update changes it; only its SHA-256 is stored, and a presented token is checked
 * against *that serial's* hash in constant time.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '../../context.ts';
import { base64url, randomId, sha256Hex, timingSafeEqual } from '../../crypto.ts';
import type { Database } from '../../db/database.ts';
import { applePasses, applePassTemplates } from '../../db/schema/index.ts';

export type PassRow = typeof applePasses.$inferSelect;

export async function passToken(pepper: AppDeps['pepper'], brandId: string, serial: string): Promise<string> {
  return base64url(await pepper(`zeropass:apple-pass-token\u0000${brandId}\u0000${serial}`));
}

/** The card's pass, made on first need. */
export async function ensurePass(
  deps: Pick<AppDeps, 'database' | 'pepper'>,
  brandId: string,
  cardId: string,
  now: number,
): Promise<PassRow> {
  const { db } = deps.database;
  const serial = randomId('aps');
  const tokenHash = await sha256Hex(await passToken(deps.pepper, brandId, serial));
  await db
    .insert(applePasses)
    .values({ serial, brandId, cardId, tokenHash, updatedS: Math.floor(now / 1000) })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(applePasses)
    .where(and(eq(applePasses.brandId, brandId), eq(applePasses.cardId, cardId)));
  if (!row) throw new Error('pass row vanished after insert');
  return row;
}

/** `Authorization: ApplePass <token>` → the token, or undefined. */
export function applePassToken(header: string | undefined): string | undefined {
  const match = header ? /^ApplePass\s+(\S{16,200})\s*$/.exec(header) : null;
  return match?.[1];
}

/**
 * The pass with this pass type id and serial, if `token` is its token. Unknown serials, another
 * brand's pass type id and a wrong token all answer undefined: the caller sends the same 401.
 */
export async function authorizedPass(
  database: Database,
  passTypeId: string,
  serial: string,
  token: string | undefined,
): Promise<PassRow | undefined> {
  if (!token || serial.length > 64) return undefined;
  const [row] = await database.db
    .select({ pass: applePasses })
    .from(applePasses)
    .innerJoin(applePassTemplates, eq(applePassTemplates.brandId, applePasses.brandId))
    .where(and(eq(applePasses.serial, serial), eq(applePassTemplates.passTypeId, passTypeId)));
  const presented = await sha256Hex(token);
  // Hash even when there is no row, so an unknown serial costs the same as a wrong token.
  return row && timingSafeEqual(presented, row.pass.tokenHash) ? row.pass : undefined;
}

/** Marks the card's pass changed; answers its serial, or undefined when the card has no pass. */
export async function touchPass(database: Database, brandId: string, cardId: string, nowS: number) {
  const [row] = await database.db
    .update(applePasses)
    .set({ updatedS: sql`MAX(${applePasses.updatedS} + 1, ${nowS})` })
    .where(and(eq(applePasses.brandId, brandId), eq(applePasses.cardId, cardId)))
    .returning({ serial: applePasses.serial });
  return row?.serial;
}
