/**
 * @module consent/double-opt-in
 * Double opt-in for email purposes. The grant waits as a pending confirmation; a signed,
 * expiring link goes through the relay to the brand's CRM, which mails it (zeropass never sees
 * the address). Following the link records a `doi` grant in the ledger, at most once.
 *
 * The token is `<confirmation id>.<expiry, unix s>.<HMAC(pepper, id ‖ expiry)>`: no lookup is
 * needed to reject a forged or expired one, and the id alone confirms nothing.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
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
 * Claims the pending confirmation with one conditional write, so two clicks (or a mail scanner
 * racing the shopper) confirm once. Returns the row, or why it cannot be confirmed.
 */
export async function claimConfirmation(
  { db }: Database,
  id: string,
  now: number,
): Promise<Result<{ confirmation: Confirmation; alreadyConfirmed: boolean }>> {
  const [claimed] = await db
    .update(consentConfirmations)
    .set({ confirmedAt: now })
    .where(
      and(
        eq(consentConfirmations.id, id),
        isNull(consentConfirmations.confirmedAt),
        isNull(consentConfirmations.cancelledAt),
        gt(consentConfirmations.expiresAt, now),
      ),
    )
    .returning();
  if (claimed) return ok({ confirmation: claimed, alreadyConfirmed: false });
  const [row] = await db.select().from(consentConfirmations).where(eq(consentConfirmations.id, id));
  if (!row) return err('not_found', 'This confirmation link is not valid');
  if (row.confirmedAt !== null) return ok({ confirmation: row, alreadyConfirmed: true });
  return err(
    'gone',
    row.cancelledAt !== null ? 'This consent was withdrawn' : 'This confirmation link has expired',
  );
}

/** Gives a claim back when recording the event failed, so the link still works. */
export async function releaseConfirmation({ db }: Database, confirmation: Confirmation) {
  await db
    .update(consentConfirmations)
    .set({ confirmedAt: null })
    .where(
      and(
        eq(consentConfirmations.brandId, confirmation.brandId),
        eq(consentConfirmations.id, confirmation.id),
      ),
    );
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
