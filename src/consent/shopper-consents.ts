/**
 * @module consent/shopper-consents
 * The shopper's side: the current state of each purpose, and withdrawal, which is as easy as
 * giving (one call) and is recorded and relayed like a grant. Withdrawing also cancels a pending
 * double opt-in, so a later click on the link cannot grant what was withdrawn.
 */
import type { AppDeps, ShopperPrincipal } from '../context.ts';
import { err, ok, type Result } from '../errors.ts';
import { cancelPending, pendingConfirmations } from './double-opt-in.ts';
import { type ConsentEvent, customerEvents, latestEventIs } from './ledger.ts';
import { getPurposes } from './purposes.ts';
import { recordConsentEvents } from './record.ts';

export type PurposeState = {
  purpose: string;
  status: 'granted' | 'withdrawn' | 'pending' | 'not_given';
  method: ConsentEvent['method'] | null;
  noticeVersion: string | null;
  updatedAt: string | null;
};

export async function consentStates(deps: AppDeps, shopper: ShopperPrincipal): Promise<PurposeState[]> {
  const [purposes, events, pending] = await Promise.all([
    getPurposes(deps.database, shopper.brandId),
    customerEvents(deps.database, shopper.brandId, shopper.customerId),
    pendingConfirmations(deps.database, shopper.brandId, shopper.customerId, deps.now()),
  ]);
  const latest = new Map(events.map((e) => [e.purpose, e]));
  return [...purposes.keys()].map((purpose) => {
    const event = latest.get(purpose);
    const waiting = pending.find((p) => p.purpose === purpose);
    if (waiting && (!event || event.recordedAt <= waiting.requestedAt)) {
      const updatedAt = new Date(waiting.requestedAt).toISOString();
      return { purpose, status: 'pending', method: 'doi', noticeVersion: waiting.noticeVersion, updatedAt };
    }
    if (!event) return { purpose, status: 'not_given', method: null, noticeVersion: null, updatedAt: null };
    return {
      purpose,
      status: event.action === 'grant' ? 'granted' : 'withdrawn',
      method: event.method,
      noticeVersion: event.noticeVersion,
      updatedAt: new Date(event.recordedAt).toISOString(),
    };
  });
}

/** A customer's events for one purpose cannot keep changing for long: a few reads settle it. */
const WITHDRAW_ATTEMPTS = 8;

/**
 * Records a withdrawal (method `api`). It points at the notice the shopper last agreed to, so the
 * proof reads "withdrew the consent given to these words".
 *
 * Idempotent: a purpose already withdrawn answers with the withdrawal on record (same answer, no
 * new event, nothing relayed); one never given answers 404, also writing nothing. The event is
 * written only if the purpose's newest event is still the one read here, so two withdrawals
 * racing each other record one event, and a double opt-in grant landing in between is read
 * again and withdrawn rather than overtaken.
 */
export async function withdrawConsent(
  deps: AppDeps,
  shopper: ShopperPrincipal,
  purpose: string,
  facts: { ipPrefix: string | null; uaFamily: string | null; gpcHeader: boolean },
): Promise<Result<{ event: ConsentEvent; alreadyWithdrawn: boolean }>> {
  const { brandId, customerId } = shopper;
  const purposes = await getPurposes(deps.database, brandId);
  if (!purposes.has(purpose)) return err('not_found', 'No such purpose');
  for (let attempt = 0; attempt < WITHDRAW_ATTEMPTS; attempt++) {
    const [events, pending] = await Promise.all([
      customerEvents(deps.database, brandId, customerId),
      pendingConfirmations(deps.database, brandId, customerId, deps.now()),
    ]);
    const last = events.filter((e) => e.purpose === purpose).at(-1);
    const waiting = pending.find((p) => p.purpose === purpose && (!last || last.recordedAt <= p.requestedAt));
    if (!last && !waiting) return err('not_found', 'There is no consent to withdraw for this purpose');
    if (last?.action === 'withdraw' && !waiting) return ok({ event: last, alreadyWithdrawn: true });
    const basis = last ?? waiting;
    if (!basis) break;
    const [event] = await recordConsentEvents(
      deps,
      brandId,
      [
        {
          customerId,
          purpose,
          action: 'withdraw',
          method: 'api',
          noticeVersion: basis.noticeVersion,
          jurisdiction: basis.jurisdiction,
          layoutId: basis.layoutId,
          gpc: facts.gpcHeader,
          ipPrefix: facts.ipPrefix,
          uaFamily: facts.uaFamily,
        },
      ],
      {
        when: latestEventIs(brandId, customerId, purpose, last?.id ?? null),
        after: [cancelPending(deps.database, brandId, customerId, purpose, deps.now())],
      },
    );
    if (event) return ok({ event, alreadyWithdrawn: false });
  }
  return err('conflict', 'This consent is changing right now; try again');
}
