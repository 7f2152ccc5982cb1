/**
 * @module consent/doi-confirm
 * Following a double opt-in link: check the token, claim the pending confirmation once, and
 * record a `doi` grant with the time of the click. A repeated click answers "already confirmed".
 */
import type { AppDeps } from '../context.ts';
import { ok, type Result } from '../errors.ts';
import { claimConfirmation, readConfirmationToken, releaseConfirmation } from './double-opt-in.ts';
import { recordConsentEvents } from './record.ts';

export async function confirmDoubleOptIn(
  deps: AppDeps,
  token: string,
  facts: { ipPrefix: string | null; uaFamily: string | null; gpcHeader: boolean },
): Promise<Result<{ purpose: string; alreadyConfirmed: boolean; confirmedAt: string }>> {
  const read = await readConfirmationToken(deps.pepper, token, deps.now());
  if (!read.ok) return read;
  const claim = await claimConfirmation(deps.database, read.value.id, deps.now());
  if (!claim.ok) return claim;
  const { confirmation, alreadyConfirmed } = claim.value;
  const confirmedAt = new Date(confirmation.confirmedAt ?? deps.now()).toISOString();
  if (alreadyConfirmed) return ok({ purpose: confirmation.purpose, alreadyConfirmed, confirmedAt });
  try {
    await recordConsentEvents(deps, confirmation.brandId, [
      {
        customerId: confirmation.customerId,
        purpose: confirmation.purpose,
        action: 'grant',
        method: 'doi',
        noticeVersion: confirmation.noticeVersion,
        jurisdiction: confirmation.jurisdiction,
        layoutId: confirmation.layoutId,
        gpc: facts.gpcHeader,
        ipPrefix: facts.ipPrefix,
        uaFamily: facts.uaFamily,
      },
    ]);
  } catch (error) {
    await releaseConfirmation(deps.database, confirmation);
    throw error;
  }
  return ok({ purpose: confirmation.purpose, alreadyConfirmed, confirmedAt });
}
