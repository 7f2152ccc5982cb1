/**
 * @module pos/spend
 * Who may spend from a card at a till (turn points into a voucher, redeem a voucher): only a till
 * that read one of the card's codes just now. The write carries either that code, or the card
 * number with the scan token `POST /v1/pos/scan` answered (pos/scan-token). A bare card number is
 * not enough: it is printed on the pass and readable inside every code, so it proves nothing.
 *
 * Which codes count is the brand's choice (`spendCodes` in its loyalty rules): by default only the
 * rotating code, because a static pass code can be replayed from a photo of the pass, or by any
 * till that ever scanned it. The policy is checked at the spend, not only at the scan, so a brand
 * that tightens it does not wait for earlier tokens to expire.
 *
 * Earning stays open to a bare card number: it only adds points, so it cannot drain a card, and
 * the till chooses the amount with or without a code in hand.
 */
import type { AppDeps } from '../context.ts';
import type { SpendCodePolicy } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { type PosCaller, resolveCardCode } from './resolve-card.ts';
import type { ScannedKind } from './scan-token.ts';

/** What a spending write presents: `code`, or `card` with `scanToken`. */
export type SpendProof = {
  code?: string | undefined;
  card?: string | undefined;
  scanToken?: string | undefined;
};

/** The card a spend may draw on, or why it may not. */
export async function authoriseSpend(
  deps: AppDeps,
  till: PosCaller,
  proof: SpendProof,
  policy: SpendCodePolicy,
  now: number,
): Promise<Result<string>> {
  let scanned: Result<{ cardId: string; kind: ScannedKind }>;
  if (proof.code !== undefined) {
    scanned = await resolveCardCode(deps, till, proof.code, now);
  } else if (proof.card !== undefined && proof.scanToken !== undefined) {
    const cardId = proof.card;
    const binding = { brandId: till.brandId, keyId: till.keyId, deviceId: till.deviceId, cardId };
    const kind = await deps.cardCodes.scanTokens.check(proof.scanToken, binding, now);
    scanned = kind.ok ? ok({ cardId, kind: kind.value }) : kind;
  } else {
    return err(
      'scan_required',
      'Spending needs the code the shopper shows now: send the scanToken POST /v1/pos/scan answered, with the card, or the code itself',
    );
  }
  if (!scanned.ok) return scanned;
  if (scanned.value.kind === 'static' && policy === 'rotating') {
    return err(
      'rotating_code_required',
      'This brand spends points and vouchers only with the rotating code from the shopper’s app or Google Wallet, not the pass code',
    );
  }
  return ok(scanned.value.cardId);
}
