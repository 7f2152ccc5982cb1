/**
 * @module loyalty/idempotency
 * Exactly-once for ledger writes. A request first claims its key with an atomic insert-or-ignore;
 * only the claimant executes. The ledger write then marks the key done *in the same batch* as the
 * balance change (see ledger.ts), so there is no window in which money moved but the key does not
 * say so. A refusal (not enough points, used voucher…) is recorded and replayed as well.
 *
 * A claim whose request died before its batch committed is left `pending`; after LEASE_MS another
 * request with the same key and payload may take it over. That is safe because the dead batch can
 * no longer commit with the old token: every ledger statement is guarded by the claim's token.
 *
 * The header's value never reaches the database: a till or an app may put anything in it (a
 * receipt number, a shopper's email), so rows hold `idempotencyKeyHash`, a keyed hash under the
 * server pepper, and every lookup goes by that hash. `Claim.key` and `claimKey`'s `key` are it.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { hex, randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { idempotencyKeys } from '../db/schema/index.ts';
import { AppError, type ProblemCode, problemCodes } from '../errors.ts';
import type { Hmac } from '../keyed-crypto.ts';

export const LEASE_MS = 30_000;
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

/**
 * The stored form of an Idempotency-Key: HMAC(pepper, brand ‖ owner ‖ key), hex. Keyed rather than
 * a plain SHA-256 so that a stolen database cannot be searched for guessed values (an email).
 */
export async function idempotencyKeyHash(pepper: Hmac, brandId: string, owner: string, key: string) {
  return hex(await pepper(`zeropass:idempotency-key\u0000${brandId}\u0000${owner}\u0000${key}`));
}

/** `key` is the key's hash (see idempotencyKeyHash), never the header's value. */
export type Claim = { brandId: string; owner: string; key: string; token: string };

export type ClaimOutcome =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'replay'; entryId: string }
  | { kind: 'refused'; error: AppError };

export async function claimKey(
  { db }: Database,
  input: { brandId: string; owner: string; key: string; requestHash: string; now: number },
): Promise<ClaimOutcome> {
  const { brandId, owner, key, requestHash, now } = input;
  const token = randomId('idt');
  const [inserted] = await db
    .insert(idempotencyKeys)
    .values({ brandId, owner, key, requestHash, state: 'pending', token, lockedAt: now, createdAt: now })
    .onConflictDoNothing()
    .returning({ token: idempotencyKeys.token });
  if (inserted) return { kind: 'claimed', claim: { brandId, owner, key, token } };

  const match = and(
    eq(idempotencyKeys.brandId, brandId),
    eq(idempotencyKeys.owner, owner),
    eq(idempotencyKeys.key, key),
  );
  const [existing] = await db.select().from(idempotencyKeys).where(match);
  if (!existing) throw new AppError('idempotency_conflict', 'Retry the request');
  if (existing.requestHash !== requestHash) {
    throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used for a different request');
  }
  if (existing.state === 'done') {
    if (existing.entryId) return { kind: 'replay', entryId: existing.entryId };
    const code = (existing.problemCode ?? 'internal') as ProblemCode;
    return {
      kind: 'refused',
      error: new AppError(code in problemCodes ? code : 'internal', existing.problemDetail ?? undefined),
    };
  }
  if (existing.lockedAt < now - LEASE_MS) {
    const [taken] = await db
      .update(idempotencyKeys)
      .set({ token, lockedAt: now })
      .where(
        and(
          match,
          eq(idempotencyKeys.state, 'pending'),
          eq(idempotencyKeys.token, existing.token),
          lt(idempotencyKeys.lockedAt, now - LEASE_MS),
        ),
      )
      .returning({ token: idempotencyKeys.token });
    if (taken) return { kind: 'claimed', claim: { brandId, owner, key, token } };
  }
  throw new AppError(
    'idempotency_conflict',
    'A request with this Idempotency-Key is in progress; retry shortly',
  );
}

/**
 * Forgets keys claimed before `olderThan`, at most `limit` per call (the sweep runs every few
 * minutes, so a backlog drains over a few runs instead of one long statement). A request
 * retried with a forgotten key is a new request: the retention must outlast any till's retries.
 */
export async function purgeIdempotencyKeys({ db }: Database, olderThan: number, limit = 5_000) {
  const oldest = db
    .select({ rowid: sql`rowid` })
    .from(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, olderThan))
    .limit(limit);
  const deleted = await db
    .delete(idempotencyKeys)
    .where(sql`rowid IN ${oldest}`)
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}

/** Records a refusal so that the same key and payload get the same answer. */
export async function recordRefusal({ db }: Database, claim: Claim, error: AppError): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'done', problemCode: error.code, problemDetail: error.message })
    .where(and(claimMatch(claim), eq(idempotencyKeys.state, 'pending')));
}

/** Frees a claim after an unexpected failure, so the till can retry with the same key at once. */
export async function releaseClaim({ db }: Database, claim: Claim): Promise<void> {
  await db.delete(idempotencyKeys).where(and(claimMatch(claim), eq(idempotencyKeys.state, 'pending')));
}

function claimMatch(claim: Claim) {
  return and(
    eq(idempotencyKeys.brandId, claim.brandId),
    eq(idempotencyKeys.owner, claim.owner),
    eq(idempotencyKeys.key, claim.key),
    eq(idempotencyKeys.token, claim.token),
  );
}

/** SQL condition: this claim still holds its key, pending. Guards every ledger statement. */
export function claimHeld(claim: Claim) {
  return sql`EXISTS (SELECT 1 FROM idempotency_keys WHERE brand_id = ${claim.brandId} AND owner = ${claim.owner} AND key = ${claim.key} AND token = ${claim.token} AND state = 'pending')`;
}

/** SQL statement: mark the claim done with its entry, only if that entry was written. */
export function completeClaim(database: Database, claim: Claim, entryId: string) {
  return database.db.run(
    sql`UPDATE idempotency_keys SET state = 'done', entry_id = ${entryId} WHERE brand_id = ${claim.brandId} AND owner = ${claim.owner} AND key = ${claim.key} AND token = ${claim.token} AND state = 'pending' AND EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${entryId})`,
  );
}
