/**
 * @module wallet/google/update-jobs
 * How a card change reaches Google: the `card.changed` subscriber enqueues
 * `wallet.google.object-changed` {cardId}, delayed a little and coalesced per card, so a burst of
 * earns is one PATCH (two when one lands while the first is being sent). The handler sends the
 * card's facts as they are when it runs; 429 and 5xx come back later, a refusal is a dead letter.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { googleWalletObjects } from '../../db/schema/google-wallet.ts';
import type { JobHandler, JobQueue, JobVerdict } from '../../jobs/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { CardChangedEvent } from '../../loyalty/events.ts';
import type { PreparedIssuers } from './issuers.ts';
import { type GoogleSyncDeps, patchObject } from './sync.ts';

export const GOOGLE_OBJECT_CHANGED_JOB = 'wallet.google.object-changed';

export type GoogleJobDeps = GoogleSyncDeps & {
  issuers: PreparedIssuers;
  jobs: JobQueue;
  logger: Logger;
  delayMs: number;
};

/** The `card.changed` subscriber: only cards whose object Google holds have anything to update. */
export function onCardChangedForGoogle(deps: GoogleJobDeps) {
  return async (event: CardChangedEvent) => {
    const [row] = await deps.database.db
      .select({ inserted: googleWalletObjects.inserted })
      .from(googleWalletObjects)
      .where(
        and(eq(googleWalletObjects.brandId, event.brandId), eq(googleWalletObjects.cardId, event.cardId)),
      );
    if (!row?.inserted) return;
    await deps.jobs.enqueue([
      {
        kind: GOOGLE_OBJECT_CHANGED_JOB,
        brandId: event.brandId,
        payload: { cardId: event.cardId },
        coalesceKey: `${event.brandId}:${event.cardId}`,
        delayMs: deps.delayMs,
      },
    ]);
  };
}

const ObjectChanged = z.object({ cardId: z.string().max(64) });

export function objectChangedHandler(deps: GoogleJobDeps): JobHandler<z.infer<typeof ObjectChanged>> {
  return {
    kind: GOOGLE_OBJECT_CHANGED_JOB,
    payload: ObjectChanged,
    maxAttempts: 12,
    async run(jobs) {
      const verdicts: JobVerdict[] = [];
      // One at a time: the brand's rate gate spaces the calls anyway, and order keeps it fair.
      for (const job of jobs) {
        const lookup = await deps.issuers.get(job.brandId);
        if (!lookup.ok) {
          // The brand removed its issuer: there is nothing left to update.
          verdicts.push({ id: job.id, status: 'done' });
          continue;
        }
        const outcome = await patchObject(deps, lookup.issuer, job.payload.cardId);
        if (outcome.ok) verdicts.push({ id: job.id, status: 'done' });
        else if (outcome.failure.status === 'retry') {
          verdicts.push({
            id: job.id,
            status: 'retry',
            error: outcome.failure.reason,
            delayMs: outcome.failure.retryAfterMs,
          });
        } else verdicts.push({ id: job.id, status: 'dead', error: outcome.failure.reason });
      }
      return verdicts;
    },
  };
}
