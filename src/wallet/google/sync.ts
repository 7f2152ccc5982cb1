/**
 * @module wallet/google/sync
 * Keeps Google's copy of a programme and its cards current. The class is inserted (or patched
 * when it exists) whenever the issuer's version is ahead of what Google holds; a card's object is
 * inserted, or patched when it exists, before its save link is handed out; after that a change
 * patches only the facts that move. Every call waits its turn at the brand's rate gate.
 */
import type { AppDeps } from '../../context.ts';
import { type Entitlements, loadEntitlements } from '../../loyalty/cards.ts';
import type { PreparedIssuer } from './issuers.ts';
import { markClassSynced } from './issuers.ts';
import { loyaltyClass, loyaltyObject, loyaltyObjectFacts, objectIdOf } from './loyalty-resources.ts';
import { NOTIFICATIONS_PER_DAY, notificationsLeft, objectRow, recordSent } from './objects.ts';
import type { RateGate } from './rate-gate.ts';
import type { ApiOutcome, GoogleWalletApi } from './wallet-api.ts';

export type GoogleSyncDeps = Pick<AppDeps, 'database' | 'cardCodes'> & {
  api: GoogleWalletApi;
  gate: RateGate;
  relayKey: CryptoKey;
  now: () => number;
};

type Failure = Extract<ApiOutcome, { status: 'retry' | 'rejected' }>;
export type SyncOutcome = { ok: true } | { ok: false; failure: Failure };

const failed = (outcome: ApiOutcome): SyncOutcome =>
  outcome.status === 'retry' || outcome.status === 'rejected'
    ? { ok: false, failure: outcome }
    : { ok: false, failure: { status: 'rejected', reason: `unexpected ${outcome.status}` } };

/** Insert, or patch when it exists: the REST API has no upsert. */
async function upsert(
  deps: GoogleSyncDeps,
  issuer: PreparedIssuer,
  resource: 'loyaltyClass' | 'loyaltyObject',
  body: Record<string, unknown>,
): Promise<SyncOutcome> {
  await deps.gate.wait(issuer.brandId);
  let outcome = await deps.api.insert(issuer.account, resource, body);
  if (outcome.status === 'exists') {
    await deps.gate.wait(issuer.brandId);
    outcome = await deps.api.patch(issuer.account, resource, String(body.id), body);
  }
  return outcome.status === 'ok' ? { ok: true } : failed(outcome);
}

export async function ensureClass(deps: GoogleSyncDeps, issuer: PreparedIssuer): Promise<SyncOutcome> {
  if (issuer.classVersion >= issuer.version) return { ok: true };
  const outcome = await upsert(deps, issuer, 'loyaltyClass', loyaltyClass(issuer));
  if (outcome.ok) await markClassSynced({ ...deps, key: deps.relayKey }, issuer.brandId, issuer.version);
  return outcome;
}

async function fullObject(deps: GoogleSyncDeps, issuer: PreparedIssuer, facts: Entitlements) {
  const [staticCode, totpSecret] = await Promise.all([
    deps.cardCodes.staticCode(facts.card),
    deps.cardCodes.totpSecret(facts.card),
  ]);
  return loyaltyObject(issuer, facts, { staticCode, totpSecret });
}

/** Makes sure Google holds the class and the card's object as they are now. */
export async function ensureObject(
  deps: GoogleSyncDeps,
  issuer: PreparedIssuer,
  cardId: string,
): Promise<SyncOutcome> {
  const classOutcome = await ensureClass(deps, issuer);
  if (!classOutcome.ok) return classOutcome;
  const now = deps.now();
  const facts = await loadEntitlements(deps.database, issuer.brandId, cardId, now);
  if (!facts) return { ok: false, failure: { status: 'rejected', reason: 'no such card' } };
  const previous = await objectRow(deps.database, issuer.brandId, cardId);
  const outcome = await upsert(deps, issuer, 'loyaltyObject', await fullObject(deps, issuer, facts));
  if (outcome.ok) {
    await recordSent(deps.database, issuer.brandId, cardId, {
      points: facts.points,
      notified: false,
      nowMs: now,
      previous,
    });
  }
  return outcome;
}

/**
 * Sends a changed card's facts. A points change notifies the shopper while the object's daily
 * budget lasts and the brand wants it; a gone object (404) is recreated.
 */
export async function patchObject(
  deps: GoogleSyncDeps,
  issuer: PreparedIssuer,
  cardId: string,
): Promise<SyncOutcome> {
  const now = deps.now();
  const previous = await objectRow(deps.database, issuer.brandId, cardId);
  if (!previous?.inserted) return { ok: true };
  const facts = await loadEntitlements(deps.database, issuer.brandId, cardId, now);
  if (!facts) return { ok: true };
  const notify =
    issuer.design.notifyOnChange &&
    previous.sentPoints !== facts.points &&
    notificationsLeft(previous, Math.floor(now / 1000)) > 0;
  const body = {
    ...loyaltyObjectFacts(issuer, facts),
    ...(notify ? { notifyPreference: 'NOTIFY_ON_UPDATE' } : {}),
  };
  const id = objectIdOf(issuer, cardId);
  await deps.gate.wait(issuer.brandId);
  let outcome = await deps.api.patch(issuer.account, 'loyaltyObject', id, body);
  let notified = notify;
  if (outcome.status === 'quota') {
    // Google counted more notifications than we did (a restored database, another sender): the
    // update still goes, silently, and the day's budget is marked spent.
    const { notifyPreference: _, ...silent } = body;
    await deps.gate.wait(issuer.brandId);
    outcome = await deps.api.patch(issuer.account, 'loyaltyObject', id, silent);
    notified = false;
    previous.notifiedAt = Array.from({ length: NOTIFICATIONS_PER_DAY }, () => Math.floor(now / 1000));
  }
  if (outcome.status === 'not-found') return ensureObject(deps, { ...issuer, classVersion: 0 }, cardId);
  if (outcome.status !== 'ok') return failed(outcome);
  await recordSent(deps.database, issuer.brandId, cardId, {
    points: facts.points,
    notified,
    nowMs: now,
    previous,
  });
  return { ok: true };
}
