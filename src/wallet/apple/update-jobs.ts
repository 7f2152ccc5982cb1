/**
 * @module wallet/apple/update-jobs
 * How a card change reaches the phones that hold its pass, as two kinds of job:
 * - `wallet.apple.pass-updated` {serial}: enqueued by the `card.changed` subscriber after the
 *   pass's modification tag moved, delayed a little and coalesced per serial, so a burst of
 *   earns on one card is one job. It enqueues one push per registered device.
 * - `wallet.apple.push` {deviceLibraryId, pushToken}: coalesced per device, so a device that holds
 *   several changed passes is woken once. APNs' answer decides: a gone token drops the device
 *   and its registrations; 429 and 5xx come back later; anything else is a dead letter.
 * Wallet then asks the web service which serials changed and fetches each pass.
 */
import { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { JobHandler, JobQueue, JobVerdict } from '../../jobs/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { CardChangedEvent } from '../../loyalty/events.ts';
import type { ApnsTransport } from './apns.ts';
import { touchPass } from './passes.ts';
import type { PreparedTemplates } from './prepared-templates.ts';
import { devicesOf, dropDevice } from './registrations.ts';

export const APPLE_PASS_UPDATED_JOB = 'wallet.apple.pass-updated';
export const APPLE_PUSH_JOB = 'wallet.apple.push';

export type WalletJobDeps = {
  database: Database;
  jobs: JobQueue;
  templates: PreparedTemplates;
  apns: ApnsTransport;
  logger: Logger;
  now: () => number;
  pushDelayMs: number;
};

/** The `card.changed` subscriber: moves the pass's tag and asks for the push. */
export function onCardChanged(deps: WalletJobDeps) {
  return async (event: CardChangedEvent) => {
    const serial = await touchPass(deps.database, event.brandId, event.cardId, Math.floor(deps.now() / 1000));
    if (!serial) return;
    await deps.jobs.enqueue([
      {
        kind: APPLE_PASS_UPDATED_JOB,
        brandId: event.brandId,
        payload: { serial },
        coalesceKey: serial,
        delayMs: deps.pushDelayMs,
      },
    ]);
  };
}

const PassUpdated = z.object({ serial: z.string().max(64) });
const Push = z.object({ deviceLibraryId: z.string().max(128), pushToken: z.string().max(200) });

export function passUpdatedHandler(deps: WalletJobDeps): JobHandler<z.infer<typeof PassUpdated>> {
  return {
    kind: APPLE_PASS_UPDATED_JOB,
    payload: PassUpdated,
    maxAttempts: 10,
    async run(jobs) {
      const byBrand = new Map<string, (typeof jobs)[number][]>();
      for (const job of jobs) byBrand.set(job.brandId, [...(byBrand.get(job.brandId) ?? []), job]);
      for (const [brandId, group] of byBrand) {
        const devices = await devicesOf(
          deps.database,
          brandId,
          group.map((j) => j.payload.serial),
        );
        if (devices.length) {
          await deps.jobs.enqueue(
            devices.map((d) => ({
              kind: APPLE_PUSH_JOB,
              brandId,
              payload: { deviceLibraryId: d.deviceLibraryId, pushToken: d.pushToken },
              coalesceKey: `${brandId}:${d.deviceLibraryId}`,
            })),
          );
        }
      }
      return jobs.map((job) => ({ id: job.id, status: 'done' as const }));
    },
  };
}

export function pushHandler(deps: WalletJobDeps): JobHandler<z.infer<typeof Push>> {
  return {
    kind: APPLE_PUSH_JOB,
    payload: Push,
    maxAttempts: 12,
    async run(jobs) {
      return Promise.all(
        jobs.map(async (job): Promise<JobVerdict> => {
          const lookup = await deps.templates.get(job.brandId);
          if (!lookup.ok)
            return { id: job.id, status: 'dead', error: `no usable template: ${lookup.detail}` };
          const { template } = lookup;
          const outcome = await deps.apns.send({
            deviceToken: job.payload.pushToken,
            topic: template.passTypeId,
            credentials: template.apns,
            credentialsId: template.credentialsId,
          });
          switch (outcome.status) {
            case 'sent':
              return { id: job.id, status: 'done' };
            case 'unregistered':
              await dropDevice(
                deps.database,
                job.brandId,
                job.payload.deviceLibraryId,
                job.payload.pushToken,
              );
              deps.logger.info('apple device dropped', { brandId: job.brandId, reason: outcome.reason });
              return { id: job.id, status: 'done' };
            case 'retry':
              return {
                id: job.id,
                status: 'retry',
                error: `APNs: ${outcome.reason}`,
                delayMs: outcome.retryAfterMs,
              };
            case 'rejected':
              return { id: job.id, status: 'dead', error: `APNs refused: ${outcome.reason}` };
          }
        }),
      );
    },
  };
}
