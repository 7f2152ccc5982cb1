/**
 * @module rights/erasure-steps
 * The steps of an erasure, each idempotent so a resumed job may run one again:
 * - `crm:<connector>`: `erasure.requested` handed to that connector (the relay's own message and
 *   connector code, called from the job so the step's outcome is known and shown);
 * - `apple-pass`: the pass marked voided, its tag moved and every registered device woken
 *   (`wallet.apple.push` jobs), so Wallet fetches the voided pass;
 * - `google-object`: the loyalty object PATCHed to `state: EXPIRED`;
 * - `push-subscriptions`: web push subscriptions forgotten (hook into src/push, see push-port);
 * - `local-data`: registrations, devices left without one, passes, Google rows, vouchers, the
 *   ledger, the card, pending double opt-ins, idempotency keys, the Apple sub link and sessions.
 *   It waits out the wallet grace, so phones can still fetch the voided pass before it goes.
 */
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { AppDeps } from '../context.ts';
import type { BatchStatement } from '../db/database.ts';
import {
  appleDevices,
  applePasses,
  appleRegistrations,
  cards,
  consentConfirmations,
  customers,
  googleWalletObjects,
  idempotencyKeys,
  ledgerEntries,
  vouchers,
} from '../db/schema/index.ts';
import { loadConnector } from '../relay/connectors-store.ts';
import { APPLE_PUSH_JOB } from '../wallet/apple/update-jobs.ts';
import { objectIdOf } from '../wallet/google/loyalty-resources.ts';
import { forgetPushSubscriptions } from './push-port.ts';

export type ErasureDeps = Pick<AppDeps, 'database' | 'relayDeps' | 'jobs' | 'google' | 'logger' | 'now'> & {
  /** How long a voided pass stays fetchable before the local rows go. */
  walletGraceMs: number;
};

export type StepOutcome =
  | { status: 'done' }
  | { status: 'skipped'; error: string }
  | { status: 'retry'; error: string; delayMs?: number | undefined }
  | { status: 'failed'; error: string };

export type ErasureTarget = { id: string; brandId: string; customerId: string };

async function cardOf({ database }: ErasureDeps, brandId: string, customerId: string) {
  const [row] = await database.db
    .select({ id: cards.id })
    .from(cards)
    .where(and(eq(cards.brandId, brandId), eq(cards.customerId, customerId)));
  return row?.id;
}

export async function crmStep(
  deps: ErasureDeps,
  target: ErasureTarget,
  connectorId: string,
): Promise<StepOutcome> {
  const loaded = await loadConnector(deps.relayDeps, target.brandId, connectorId);
  if (!loaded.ok) return { status: 'failed', error: loaded.error.message };
  const [result] = await loaded.value.client
    .deliver([
      {
        envelopeId: target.id,
        eventId: `${target.id}.${connectorId}`,
        message: { kind: 'erasure.requested', brandId: target.brandId, customerId: target.customerId },
      },
    ])
    .catch(() => [undefined]);
  if (!result) return { status: 'retry', error: 'connector gave no result' };
  switch (result.status) {
    case 'delivered':
      return { status: 'done' };
    case 'retry':
      return { status: 'retry', error: result.error, delayMs: result.retryAfterMs };
    default:
      return { status: 'failed', error: result.error };
  }
}

export async function applePassStep(deps: ErasureDeps, target: ErasureTarget): Promise<StepOutcome> {
  const cardId = await cardOf(deps, target.brandId, target.customerId);
  if (!cardId) return { status: 'skipped', error: 'no card' };
  const nowS = Math.floor(deps.now() / 1000);
  const [pass] = await deps.database.db
    .update(applePasses)
    .set({ voided: true, updatedS: sql`MAX(${applePasses.updatedS} + 1, ${nowS})` })
    .where(and(eq(applePasses.brandId, target.brandId), eq(applePasses.cardId, cardId)))
    .returning({ serial: applePasses.serial });
  if (!pass) return { status: 'skipped', error: 'no Apple pass' };
  const devices = await deps.database.db
    .select({ deviceLibraryId: appleDevices.deviceLibraryId, pushToken: appleDevices.pushToken })
    .from(appleRegistrations)
    .innerJoin(
      appleDevices,
      and(
        eq(appleDevices.brandId, appleRegistrations.brandId),
        eq(appleDevices.deviceLibraryId, appleRegistrations.deviceLibraryId),
      ),
    )
    .where(and(eq(appleRegistrations.brandId, target.brandId), eq(appleRegistrations.serial, pass.serial)));
  if (devices.length > 0) {
    await deps.jobs.enqueue(
      devices.map((d) => ({
        kind: APPLE_PUSH_JOB,
        brandId: target.brandId,
        payload: { deviceLibraryId: d.deviceLibraryId, pushToken: d.pushToken },
        coalesceKey: `${target.brandId}:${d.deviceLibraryId}`,
      })),
    );
  }
  return { status: 'done' };
}

export async function googleObjectStep(deps: ErasureDeps, target: ErasureTarget): Promise<StepOutcome> {
  const cardId = await cardOf(deps, target.brandId, target.customerId);
  if (!cardId) return { status: 'skipped', error: 'no card' };
  const [row] = await deps.database.db
    .select({ inserted: googleWalletObjects.inserted })
    .from(googleWalletObjects)
    .where(and(eq(googleWalletObjects.brandId, target.brandId), eq(googleWalletObjects.cardId, cardId)));
  if (!row?.inserted) return { status: 'skipped', error: 'Google holds no object' };
  const lookup = await deps.google.issuers.get(target.brandId);
  if (!lookup.ok) return { status: 'skipped', error: 'the brand removed its Google issuer' };
  const { sync } = deps.google;
  await sync.gate.wait(target.brandId);
  const outcome = await sync.api.patch(
    lookup.issuer.account,
    'loyaltyObject',
    objectIdOf(lookup.issuer, cardId),
    {
      state: 'EXPIRED',
    },
  );
  switch (outcome.status) {
    case 'ok':
    case 'not-found':
      return { status: 'done' };
    case 'retry':
      return { status: 'retry', error: outcome.reason, delayMs: outcome.retryAfterMs };
    case 'rejected':
      return { status: 'failed', error: outcome.reason };
    default:
      return { status: 'retry', error: `Google answered ${outcome.status}` };
  }
}

export async function pushStep(deps: ErasureDeps, target: ErasureTarget): Promise<StepOutcome> {
  const forgotten = await forgetPushSubscriptions(deps, target.brandId, target.customerId);
  if (!forgotten.hooked) return { status: 'skipped', error: 'web push not available in this build (hook)' };
  return { status: 'done' };
}

/** Deletes every local row that links to the customer, in one batch (children before parents). */
export async function localDataStep(deps: ErasureDeps, target: ErasureTarget): Promise<StepOutcome> {
  const { db } = deps.database;
  const { brandId, customerId } = target;
  const cardId = await cardOf(deps, brandId, customerId);
  const statements: BatchStatement[] = [];
  if (cardId) {
    const passes = await db
      .select({ serial: applePasses.serial })
      .from(applePasses)
      .where(and(eq(applePasses.brandId, brandId), eq(applePasses.cardId, cardId)));
    const serials = passes.map((p) => p.serial);
    if (serials.length > 0) {
      const regs = await db
        .select({ deviceLibraryId: appleRegistrations.deviceLibraryId })
        .from(appleRegistrations)
        .where(and(eq(appleRegistrations.brandId, brandId), inArray(appleRegistrations.serial, serials)));
      const deviceIds = [...new Set(regs.map((r) => r.deviceLibraryId))].slice(0, 90);
      statements.push(
        db
          .delete(appleRegistrations)
          .where(and(eq(appleRegistrations.brandId, brandId), inArray(appleRegistrations.serial, serials))),
      );
      if (deviceIds.length > 0) {
        // A device lives while it has a registration (wallet/apple/registrations).
        statements.push(
          db.delete(appleDevices).where(
            and(
              eq(appleDevices.brandId, brandId),
              inArray(appleDevices.deviceLibraryId, deviceIds),
              notExists(
                db
                  .select({ one: sql`1` })
                  .from(appleRegistrations)
                  .where(
                    and(
                      eq(appleRegistrations.brandId, appleDevices.brandId),
                      eq(appleRegistrations.deviceLibraryId, appleDevices.deviceLibraryId),
                    ),
                  ),
              ),
            ),
          ),
        );
      }
    }
    statements.push(
      db.delete(applePasses).where(and(eq(applePasses.brandId, brandId), eq(applePasses.cardId, cardId))),
      db
        .delete(googleWalletObjects)
        .where(and(eq(googleWalletObjects.brandId, brandId), eq(googleWalletObjects.cardId, cardId))),
      db.delete(vouchers).where(and(eq(vouchers.brandId, brandId), eq(vouchers.cardId, cardId))),
      db
        .delete(ledgerEntries)
        .where(and(eq(ledgerEntries.brandId, brandId), eq(ledgerEntries.cardId, cardId))),
      db.delete(cards).where(and(eq(cards.brandId, brandId), eq(cards.id, cardId))),
    );
  }
  statements.push(
    db
      .delete(consentConfirmations)
      .where(and(eq(consentConfirmations.brandId, brandId), eq(consentConfirmations.customerId, customerId))),
    db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.brandId, brandId), eq(idempotencyKeys.owner, customerId))),
    // The row stays for the consent ledger's sake, linked to nothing: no Apple sub, no session.
    db
      .update(customers)
      .set({ appleLink: null, sessionsValidAfter: Number.MAX_SAFE_INTEGER })
      .where(and(eq(customers.brandId, brandId), eq(customers.id, customerId))),
  );
  await deps.database.batch(statements as [BatchStatement, ...BatchStatement[]]);
  return { status: 'done' };
}
