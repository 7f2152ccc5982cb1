/**
 * @module consent/doi-confirm
 * Following a double opt-in link: check the token, then claim the pending confirmation and
 * record the `doi` grant in one batch, the grant conditional on the claim and on nothing having
 * been recorded for the purpose since the link was issued. So two clicks confirm once, and a
 * click racing a withdrawal never ends "granted", in whichever order the writes land (before,
 * the claim and the grant were two writes, and a withdrawal between them lost). A repeated
 * click answers "already confirmed".
 */
import type { AppDeps } from '../context.ts';
import { ok, type Result } from '../errors.ts';
import {
  confirmationOutcome,
  confirmationStatements,
  getConfirmation,
  readConfirmationToken,
} from './double-opt-in.ts';
import { recordConsentEvents } from './record.ts';

export async function confirmDoubleOptIn(
  deps: AppDeps,
  token: string,
  facts: { ipPrefix: string | null; uaFamily: string | null; gpcHeader: boolean },
): Promise<Result<{ purpose: string; alreadyConfirmed: boolean; confirmedAt: string }>> {
  const now = deps.now();
  const read = await readConfirmationToken(deps.pepper, token, now);
  if (!read.ok) return read;
  const confirmation = await getConfirmation(deps.database, read.value.id);
  if (confirmation && confirmation.confirmedAt === null && confirmation.cancelledAt === null) {
    const { claim, claimed, retire } = confirmationStatements(deps.database, confirmation, now);
    const [granted] = await recordConsentEvents(
      deps,
      confirmation.brandId,
      [
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
      ],
      { before: [claim], when: claimed, after: [retire] },
    );
    if (granted) {
      const confirmedAt = new Date(granted.recordedAt).toISOString();
      return ok({ purpose: confirmation.purpose, alreadyConfirmed: false, confirmedAt });
    }
  }
  // Nothing written here: say why from the row as it is now (another click may have won).
  const outcome = confirmationOutcome(await getConfirmation(deps.database, read.value.id), now);
  if (!outcome.ok) return outcome;
  const { purpose, confirmedAt } = outcome.value.confirmation;
  return ok({ purpose, alreadyConfirmed: true, confirmedAt: new Date(confirmedAt ?? now).toISOString() });
}
