/**
 * @module pos/resolve-card
 * From a presented code to a card id. Order matters: the device's rate limit first, then the
 * cryptographic check (no storage). A static code needs nothing more here: whoever uses the id
 * next (the entitlements lookup, a ledger write) is scoped to the caller's brand and answers
 * `card_not_found` for another brand's card exactly as for an unknown one. A rotating code is
 * consumed with one scoped conditional write, which tells the same two cases apart the same way.
 * The kind of code is answered too: whether it may authorise spending is the brand's choice.
 */
import type { AppDeps } from '../context.ts';
import { err, ok, type Result } from '../errors.ts';
import { consumeTotpStep } from '../loyalty/cards.ts';
import type { ScannedKind } from './scan-token.ts';

export type PosCaller = { brandId: string; keyId: string; deviceId: string | null };

export function checkScanRate(deps: AppDeps, caller: PosCaller, now: number): Result<void> {
  const waitMs = deps.scanLimiter.hit(caller.deviceId ?? caller.keyId, now);
  if (waitMs > 0)
    return err('rate_limited', `Too many scans from this device; retry in ${Math.ceil(waitMs / 1000)} s`);
  return ok(undefined);
}

export async function resolveCardCode(
  deps: AppDeps,
  caller: PosCaller,
  code: string,
  now: number,
): Promise<Result<{ cardId: string; kind: ScannedKind }>> {
  const limited = checkScanRate(deps, caller, now);
  if (!limited.ok) return limited;
  const verified = await deps.cardCodes.verify(code, now);
  if (!verified.ok) return verified;
  const { cardId } = verified.value;
  if (verified.value.kind === 'static') return ok({ cardId, kind: 'static' });
  const consumed = await consumeTotpStep(deps.database, caller.brandId, cardId, verified.value.step);
  if (consumed === 'unknown_card') return err('card_not_found');
  if (consumed === 'replayed')
    return err('card_code_used', 'This rotating code was already used; show a fresh one');
  return ok({ cardId, kind: 'rotating' });
}
