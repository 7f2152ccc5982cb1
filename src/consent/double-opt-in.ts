/**
 * @module consent/double-opt-in
 * Double opt-in for email purposes. The grant waits as a pending confirmation; a signed,
 * expiring link goes through the relay to the brand's CRM, which mails it (zeropass never sees
 * the address). Following the link records a `doi` grant in the ledger, at most once, and only
 * if nothing was recorded for that purpose since the link was issued: a withdrawal always wins.
 *
 * The token is `<confirmation id>.<expiry, unix s>.<HMAC(pepper, id ‖ expiry)>`: no lookup is
 * needed to reject a forged or expired one, and the id alone confirms nothing.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { base64url, randomId, timingSafeEqual } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { consentConfirmations } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import type { Hmac } from '../keyed-crypto.ts';

export const DOI_TTL_MS = 7 * 24 * 3600 * 1000;

export type Confirmation = typeof consentConfirmations.$inferSelect;

async function mac(pepper: Hmac, id: string, exp: number) {
  return base64url(await pepper(`doi-confirm\u0000${id}\u0000${exp}`));
}

export async function confirmationToken(pepper: Hmac, id: string, expiresAtMs: number) {
  const exp = Math.floor(expiresAtMs / 1000);
  return `${id}.${exp}.${await mac(pepper, id, exp)}`;
}

export function newConfirmation(
  input: Omit<Confirmation, 'id' | 'requestedAt' | 'expiresAt' | 'confirmedAt' | 'cancelledAt' | 'basisSeq'>,
  now: number,
): Confirmation {
  return {
    ...input,
    id: randomId('dci'),
    requestedAt: now,
    expiresAt: now + DOI_TTL_MS,
    confirmedAt: null,
    cancelledAt: null,
    basisSeq: null,
  };
}

/** Checks the token's signature and expiry; only then is the database asked. */
export async function readConfirmationToken(
  pepper: Hmac,
  token: string,
  now: number,
): Promise<Result<{ id: string }>> {
  const [id, expText, presented] = token.split('.');
  const exp = Number(expText);
  if (!id || !/^dci_[0-9a-z]{26}$/.test(id) || !Number.isInteger(exp) || !presented) {
    return err('not_found', 'This confirmation link is not valid');
  }
  if (!timingSafeEqual(presented, await mac(pepper, id, exp))) {
    return err('not_found', 'This confirmation link is not valid');
  }
  if (exp * 1000 <= now) return err('gone', 'This confirmation link has expired; sign up again');
  return ok({ id });
}

/**
 * The pending row, inserted in the same batch as the submission's events: its `basis_seq` is the
 * brand's ledger head as that batch leaves it, the state the link is issued for.
 */
export function insertConfirmation({ db }: Database, row: Confirmation) {
  return db.run(sql`
    INSERT INTO consent_confirmations (id, brand_id, customer_id, purpose, notice_version, jurisdiction,
      layout_id, requested_at, expires_at, basis_seq)
    SELECT ${row.id}, ${row.brandId}, ${row.customerId}, ${row.purpose}, ${row.noticeVersion},
      ${row.jurisdiction}, ${row.layoutId}, ${row.requestedAt}, ${row.expiresAt},
      (SELECT COALESCE(MAX(seq), 0) FROM consent_events WHERE brand_id = ${row.brandId})`);
}

/**
 * SQL, over a `consent_confirmations` row in scope: something was recorded for its customer and
 * purpose after the link was issued (a withdrawal, typically), so the link no longer stands.
 * Rows from before `basis_seq` existed fall back to the head at their request time.
 */
const superseded = sql`EXISTS (SELECT 1 FROM consent_events e
  WHERE e.brand_id = consent_confirmations.brand_id AND e.customer_id = consent_confirmations.customer_id
    AND e.purpose = consent_confirmations.purpose
    AND e.seq > COALESCE(consent_confirmations.basis_seq, (SELECT MAX(e2.seq) FROM consent_events e2
      WHERE e2.brand_id = consent_confirmations.brand_id
        AND e2.recorded_at <= consent_confirmations.requested_at), 0))`;

/**
 * The three statements of a confirmation, run in one batch around its `doi` grant:
 * `claim` marks the row confirmed only while it is pending, unexpired and not superseded;
 * `claimed` is the grant's condition: this batch's claim holds and nothing came after the basis
 * (so a second click, even in the same millisecond, finds the first one's grant and writes
 * nothing); `retire` cancels a link that lost to a later event, so it stops showing as pending.
 */
export function confirmationStatements({ db }: Database, confirmation: Confirmation, now: number) {
  const { id, brandId } = confirmation;
  const claim = db
    .update(consentConfirmations)
    .set({ confirmedAt: now })
    .where(
      and(
        eq(consentConfirmations.brandId, brandId),
        eq(consentConfirmations.id, id),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.cancelledAt),
        gt(consentConfirmations.expiresAt, now),
        sql`NOT ${superseded}`,
      ),
    );
  const claimed = sql`EXISTS (SELECT 1 FROM consent_confirmations WHERE brand_id = ${brandId} AND id = ${id}
    AND confirmed_at = ${now} AND cancelled_at IS NULL AND NOT ${superseded})`;
  const retire = db
    .update(consentConfirmations)
    .set({ cancelledAt: now })
    .where(
      and(
        eq(consentConfirmations.brandId, brandId),
        eq(consentConfirmations.id, id),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.cancelledAt),
        superseded,
      ),
    );
  return { claim, claimed, retire };
}

export async function getConfirmation({ db }: Database, id: string): Promise<Confirmation | undefined> {
  const [row] = await db.select().from(consentConfirmations).where(eq(consentConfirmations.id, id));
  return row;
}

/** Why a confirmation that wrote no grant cannot be confirmed (or that it already was). */
export function confirmationOutcome(
  row: Confirmation | undefined,
  now: number,
): Result<{ confirmation: Confirmation; alreadyConfirmed: true }> {
  if (!row) return err('not_found', 'This confirmation link is not valid');
  if (row.confirmedAt !== null && row.cancelledAt === null) {
    return ok({ confirmation: row, alreadyConfirmed: true });
  }
  if (row.cancelledAt !== null) return err('gone', 'This consent was withdrawn');
  if (row.expiresAt <= now) return err('gone', 'This confirmation link has expired');
  return err('gone', 'This consent changed after the link was sent');
}

/** Withdrawing a purpose cancels its pending confirmations: a later click must not grant it. */
export function cancelPending(
  { db }: Database,
  brandId: string,
  customerId: string,
  purpose: string,
  now: number,
) {
  return db
    .update(consentConfirmations)
    .set({ cancelledAt: now })
    .where(
      and(
        eq(consentConfirmations.brandId, brandId),
        eq(consentConfirmations.customerId, customerId),
        eq(consentConfirmations.purpose, purpose),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.cancelledAt),
      ),
    );
}

export async function pendingConfirmations(
  { db }: Database,
  brandId: string,
  customerId: string,
  now: number,
) {
  return db
    .select()
    .from(consentConfirmations)
    .where(
      and(
        eq(consentConfirmations.brandId, brandId),
        eq(consentConfirmations.customerId, customerId),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.cancelledAt),
        gt(consentConfirmations.expiresAt, now),
      ),
    );
}
