/**
 * @module loyalty/ledger
 * Every balance change: earn, convert points into a voucher, redeem a voucher, reverse an earn.
 *
 * Each write is one batch (one transaction on D1 and libsql) of conditional statements:
 *   1. INSERT the ledger entry … SELECT FROM the card WHERE the condition holds (active card,
 *      enough points, voucher unused, entry not yet reversed) AND the idempotency claim is held;
 *      the entry's balance_after is computed from the same row, in the same statement.
 *   2. UPDATE the balance by a delta (points = points ± n), only if that entry now exists.
 *   3. Mark the idempotency key done with the entry, only if that entry exists.
 * Nothing reads a balance into JavaScript and writes it back. If the condition fails, no entry
 * is written, the later statements match nothing, and the caller reads the card only to explain
 * the refusal. CHECK (points >= 0) backs this up by aborting any batch that would go negative.
 */
import { and, eq, sql } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { BatchStatement, Database } from '../db/database.ts';
import { ledgerEntries, vouchers } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { getCard, getReward } from './cards.ts';
import { type Claim, claimHeld, completeClaim } from './idempotency.ts';
import type { LoyaltyRules } from './rules.ts';

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type IssuedVoucher = { id: string; label: string; expiresAt: number };
export type LedgerOutcome = { entry: LedgerEntry; voucher: IssuedVoucher | null };

/** Who is writing: the brand, the till (or null for a shopper) and the idempotency claim. */
export type WriteContext = {
  database: Database;
  brandId: string;
  storeId: string | null;
  deviceId: string | null;
  claim: Claim;
  now: number;
};

type EntryDraft = Omit<LedgerEntry, 'balanceAfter' | 'brandId' | 'storeId' | 'deviceId' | 'createdAt'>;

/** Statement 1: insert the entry if `condition` holds on the card row. Returns balance_after. */
function insertEntry(ctx: WriteContext, draft: EntryDraft, condition: ReturnType<typeof sql>) {
  return ctx.database.db.all<{ balance_after: number }>(sql`
    INSERT INTO ledger_entries (id, brand_id, card_id, kind, points, balance_after, amount_minor, currency,
      receipt_ref, voucher_id, reverses_entry_id, store_id, device_id, created_at)
    SELECT ${draft.id}, brand_id, id, ${draft.kind}, ${draft.points}, points + ${draft.points},
      ${draft.amountMinor}, ${draft.currency}, ${draft.receiptRef}, ${draft.voucherId},
      ${draft.reversesEntryId}, ${ctx.storeId}, ${ctx.deviceId}, ${ctx.now}
    FROM cards
    WHERE id = ${draft.cardId} AND brand_id = ${ctx.brandId} AND ${condition} AND ${claimHeld(ctx.claim)}
    RETURNING balance_after`);
}

/** Statement 2: move the balance by the entry's delta, only if the entry was written. */
function applyDelta(ctx: WriteContext, draft: EntryDraft, lifetimeDelta: number) {
  return ctx.database.db.run(sql`
    UPDATE cards SET points = points + ${draft.points}, lifetime_points = lifetime_points + ${lifetimeDelta}
    WHERE id = ${draft.cardId} AND brand_id = ${ctx.brandId}
      AND EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${draft.id})`);
}

async function commit(
  ctx: WriteContext,
  draft: EntryDraft,
  condition: ReturnType<typeof sql>,
  extra: BatchStatement[],
): Promise<LedgerEntry | undefined> {
  const [inserted] = (await ctx.database.batch([
    insertEntry(ctx, draft, condition),
    ...extra,
    completeClaim(ctx.database, ctx.claim, draft.id),
  ])) as [{ balance_after: number }[] | undefined, ...unknown[]];
  const row = inserted?.[0];
  return row ? writtenEntry(ctx, draft, row.balance_after) : undefined;
}

/** The entry as the batch wrote it: the draft in this context, with the balance it left. */
function writtenEntry(ctx: WriteContext, draft: EntryDraft, balanceAfter: number): LedgerEntry {
  return {
    ...draft,
    brandId: ctx.brandId,
    storeId: ctx.storeId,
    deviceId: ctx.deviceId,
    createdAt: ctx.now,
    balanceAfter: Number(balanceAfter),
  };
}

const blank = { amountMinor: null, currency: null, receiptRef: null, voucherId: null, reversesEntryId: null };

/**
 * Reads the card only to say why the batch wrote nothing; the answer is recorded on the key and
 * replayed, so it must name the condition that failed. `mustBeActive` is false for a reversal: a
 * refund does not need an active card, so a blocked card is never its reason.
 */
async function explainCardRefusal(ctx: WriteContext, cardId: string, needed: number, mustBeActive = true) {
  const card = await getCard(ctx.database, ctx.brandId, cardId);
  if (!card) return err('card_not_found');
  if (mustBeActive && card.status !== 'active') return err('card_blocked');
  if (card.points < needed) return err('insufficient_points', `The card has ${card.points} points`);
  return err('idempotency_conflict', 'The card changed during the request; retry with a new key');
}

export async function earn(
  ctx: WriteContext,
  input: { cardId: string; points: number; amountMinor: number; currency: string; receiptRef: string },
): Promise<Result<LedgerOutcome>> {
  const draft: EntryDraft = { ...blank, id: randomId('led'), kind: 'earn', ...input };
  const entry = await commit(ctx, draft, sql`status = 'active'`, [applyDelta(ctx, draft, input.points)]);
  return entry ? ok({ entry, voucher: null }) : explainCardRefusal(ctx, input.cardId, 0);
}

export async function convertToVoucher(
  ctx: WriteContext,
  rules: LoyaltyRules,
  input: { cardId: string; rewardId: string },
): Promise<Result<LedgerOutcome>> {
  const reward = await getReward(ctx.database, ctx.brandId, input.rewardId);
  if (!reward || reward.retiredAt !== null) return err('not_found', 'No such reward in the catalogue');
  const voucherId = randomId('vch');
  const draft: EntryDraft = {
    ...blank,
    id: randomId('led'),
    kind: 'convert',
    cardId: input.cardId,
    points: -reward.costPoints,
    voucherId,
  };
  const expiresAt = ctx.now + rules.voucherTtlDays * 86_400_000;
  const issue = ctx.database.db.run(sql`
    INSERT INTO vouchers (id, brand_id, card_id, reward_id, label, status, issued_at, expires_at)
    SELECT ${voucherId}, ${ctx.brandId}, ${input.cardId}, ${reward.id}, ${reward.label}, 'active', ${ctx.now}, ${expiresAt}
    WHERE EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${draft.id})`);
  const rewardStillOffered = sql`EXISTS (SELECT 1 FROM rewards WHERE id = ${reward.id} AND brand_id = ${ctx.brandId} AND retired_at IS NULL AND cost_points = ${reward.costPoints})`;
  const entry = await commit(
    ctx,
    draft,
    sql`status = 'active' AND points >= ${reward.costPoints} AND ${rewardStillOffered}`,
    [applyDelta(ctx, draft, 0), issue],
  );
  if (entry) return ok({ entry, voucher: { id: voucherId, label: reward.label, expiresAt } });
  return explainCardRefusal(ctx, input.cardId, reward.costPoints);
}

export async function redeemVoucher(
  ctx: WriteContext,
  input: { cardId: string; voucherId: string; receiptRef: string | null },
): Promise<Result<LedgerOutcome>> {
  const draft: EntryDraft = {
    ...blank,
    id: randomId('led'),
    kind: 'redeem',
    cardId: input.cardId,
    points: 0,
    voucherId: input.voucherId,
    receiptRef: input.receiptRef,
  };
  // The voucher flips to redeemed first, tagged with this attempt's entry id; the entry is then
  // written only if the flip carried that tag. Of any number of racing attempts, one flips it.
  const flip = ctx.database.db.run(sql`
    UPDATE vouchers SET status = 'redeemed', redeemed_at = ${ctx.now}, redeemed_entry_id = ${draft.id}
    WHERE id = ${input.voucherId} AND brand_id = ${ctx.brandId} AND card_id = ${input.cardId}
      AND status = 'active' AND expires_at > ${ctx.now} AND ${claimHeld(ctx.claim)}
      AND EXISTS (SELECT 1 FROM cards WHERE id = ${input.cardId} AND brand_id = ${ctx.brandId} AND status = 'active')`);
  const [, inserted] = (await ctx.database.batch([
    flip,
    insertEntry(
      ctx,
      draft,
      sql`EXISTS (SELECT 1 FROM vouchers WHERE id = ${input.voucherId} AND redeemed_entry_id = ${draft.id})`,
    ),
    completeClaim(ctx.database, ctx.claim, draft.id),
  ])) as [unknown, { balance_after: number }[] | undefined, unknown];
  const row = inserted?.[0];
  if (row) {
    const [voucher] = await ctx.database.db
      .select({ id: vouchers.id, label: vouchers.label, expiresAt: vouchers.expiresAt })
      .from(vouchers)
      .where(and(eq(vouchers.brandId, ctx.brandId), eq(vouchers.id, input.voucherId)));
    return ok({ entry: writtenEntry(ctx, draft, row.balance_after), voucher: voucher ?? null });
  }
  const card = await getCard(ctx.database, ctx.brandId, input.cardId);
  if (!card) return err('card_not_found');
  if (card.status !== 'active') return err('card_blocked');
  return err('voucher_unavailable');
}

/**
 * A refund: reverses an earn (takes its points back, if they are still there) or a voucher
 * redemption (the voucher becomes usable again). Each entry is reversed at most once.
 */
export async function reverseEntry(
  ctx: WriteContext,
  input: { entryId: string },
): Promise<Result<LedgerOutcome>> {
  const [original] = await ctx.database.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.brandId, ctx.brandId), eq(ledgerEntries.id, input.entryId)));
  if (!original) return err('not_found', 'No such ledger entry');
  if (original.kind !== 'earn' && original.kind !== 'redeem') {
    return err('unprocessable', 'Only earn and redeem entries can be reversed');
  }
  const points = original.points;
  const draft: EntryDraft = {
    ...blank,
    id: randomId('led'),
    kind: 'reverse',
    cardId: original.cardId,
    points: points === 0 ? 0 : -points,
    voucherId: original.voucherId,
    reversesEntryId: original.id,
    receiptRef: original.receiptRef,
  };
  const notYetReversed = sql`NOT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses_entry_id = ${original.id})`;
  let entry: LedgerEntry | undefined;
  if (original.kind === 'earn') {
    entry = await commit(
      ctx,
      draft,
      sql`points >= ${points} AND lifetime_points >= ${points} AND ${notYetReversed}`,
      [applyDelta(ctx, draft, -points)],
    );
  } else {
    // The voucher must still be the one this redemption consumed; then it is handed back.
    const voucherId = original.voucherId ?? '';
    const consumedByOriginal = sql`EXISTS (SELECT 1 FROM vouchers WHERE id = ${voucherId} AND brand_id = ${ctx.brandId} AND status = 'redeemed' AND redeemed_entry_id = ${original.id})`;
    const handBack = ctx.database.db.run(sql`
      UPDATE vouchers SET status = 'active', redeemed_at = NULL, redeemed_entry_id = NULL
      WHERE id = ${voucherId} AND brand_id = ${ctx.brandId} AND redeemed_entry_id = ${original.id}
        AND EXISTS (SELECT 1 FROM ledger_entries WHERE id = ${draft.id})`);
    entry = await commit(ctx, draft, sql`${notYetReversed} AND ${consumedByOriginal}`, [handBack]);
  }
  if (entry)
    return ok({
      entry,
      voucher: (await loadOutcome(ctx.database, ctx.brandId, entry.id, entry))?.voucher ?? null,
    });
  const [reversal] = await ctx.database.db
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.brandId, ctx.brandId), eq(ledgerEntries.reversesEntryId, original.id)));
  if (reversal) return err('already_reversed');
  return explainCardRefusal(ctx, original.cardId, points, false);
}

/** Loads what a replayed request answers: its entry, and the voucher it issued or redeemed. */
export async function loadOutcome(
  database: Database,
  brandId: string,
  entryId: string,
  known?: LedgerEntry,
): Promise<LedgerOutcome | undefined> {
  const [entry] = known
    ? [known]
    : await database.db
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.brandId, brandId), eq(ledgerEntries.id, entryId)));
  if (!entry) return undefined;
  if (!entry.voucherId) return { entry, voucher: null };
  const [voucher] = await database.db
    .select({ id: vouchers.id, label: vouchers.label, expiresAt: vouchers.expiresAt })
    .from(vouchers)
    .where(and(eq(vouchers.brandId, brandId), eq(vouchers.id, entry.voucherId)));
  return { entry, voucher: voucher ?? null };
}
