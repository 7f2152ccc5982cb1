/**
 * @module relay/delivery-job
 * The relay as a kind of job (`relay.deliver`): one job per envelope (ciphertext only), run in
 * batches through the shared delivery policy. A dead envelope becomes a relay dead letter, whose
 * ciphertext keeps its TTL (relay/dead-letters), rather than a generic job dead letter.
 */
import { z } from 'zod';
import type { JobHandler } from '../jobs/types.ts';
import { deadLetterInsert } from './dead-letters.ts';
import { deliverEnvelopes } from './delivery.ts';
import type { Envelope } from './envelope.ts';
import { RELAY_JOB } from './envelope-job.ts';
import type { RelayDeps } from './relay-deps.ts';

const EnvelopeSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  brandId: z.string(),
  kind: z.enum(['contact.upsert', 'consent.recorded', 'consent.confirmation_requested', 'erasure.requested']),
  connectorId: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  ciphertext: z.string(),
}) satisfies z.ZodType<Envelope>;

export function relayDeliveryHandler(rd: RelayDeps): JobHandler<Envelope> {
  return {
    kind: RELAY_JOB,
    payload: EnvelopeSchema,
    maxAttempts: rd.policy.maxAttempts,
    async run(jobs) {
      const verdicts = await deliverEnvelopes(
        rd,
        jobs.map((job) => ({ envelope: job.payload, attempts: job.attempts })),
      );
      return verdicts.map((v) =>
        v.status === 'delivered'
          ? { id: v.envelope.id, status: 'done' as const }
          : v.status === 'retry'
            ? { id: v.envelope.id, status: 'retry' as const, error: v.error, delayMs: v.delayMs }
            : { id: v.envelope.id, status: 'dead' as const, error: v.error },
      );
    },
    deadLetter: (job, error) => deadLetterInsert(rd, job.payload, job.attempts, error),
  };
}
