/**
 * @module relay/queue
 * The Workers transport: envelopes (ciphertext only) ride Cloudflare Queues. The consumer takes
 * a batch, delivers it with the shared policy and acks, retries with a backoff delay, or writes a
 * dead letter. Messages the queue itself gives up on (max_retries) land on the dead-letter queue,
 * whose consumer turns them into dead letters too.
 * @see https://developers.cloudflare.com/queues/configuration/batching-retries/
 */
import { z } from 'zod';
import { deadLetterInsert } from './dead-letters.ts';
import { deliverEnvelopes } from './delivery.ts';
import type { Envelope } from './envelope.ts';
import type { EnvelopeTransport, RelayDeps } from './relay-deps.ts';

/** Cloudflare's ceiling on a message delay. */
const MAX_DELAY_SECONDS = 12 * 60 * 60;
const SEND_BATCH = 100;

const EnvelopeSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  brandId: z.string(),
  kind: z.enum(['contact.upsert', 'consent.recorded', 'consent.confirmation_requested', 'erasure.requested']),
  connectorId: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  ciphertext: z.string(),
});

export class QueueTransport implements EnvelopeTransport {
  readonly kind = 'queue';
  private readonly queue: Queue<unknown>;

  constructor(queue: Queue<unknown>) {
    this.queue = queue;
  }

  async send(envelopes: readonly Envelope[]): Promise<void> {
    for (let i = 0; i < envelopes.length; i += SEND_BATCH) {
      await this.queue.sendBatch(
        envelopes.slice(i, i + SEND_BATCH).map((body) => ({ body, contentType: 'json' as const })),
      );
    }
  }
}

/** Consumes a batch of the relay queue. */
export async function consumeRelayBatch(rd: RelayDeps, batch: MessageBatch<unknown>): Promise<void> {
  const entries: { envelope: Envelope; attempts: number; message: Message<unknown> }[] = [];
  for (const message of batch.messages) {
    const parsed = EnvelopeSchema.safeParse(message.body);
    if (!parsed.success) {
      // Not ours, or damaged: retrying cannot help, and the body is not logged.
      rd.logger.warn('relay queue message is not an envelope; dropped', { messageId: message.id });
      message.ack();
      continue;
    }
    entries.push({ envelope: parsed.data, attempts: message.attempts, message });
  }
  if (entries.length === 0) return;
  const verdicts = await deliverEnvelopes(rd, entries);
  const byId = new Map(entries.map((e) => [e.envelope.id, e]));
  const dead = verdicts.filter((v) => v.status === 'dead');
  const [first, ...rest] = dead.map((v) =>
    deadLetterInsert(rd, v.envelope, byId.get(v.envelope.id)?.attempts ?? 0, v.error),
  );
  // Dead letters are written before the acks: if the write fails the messages come back.
  if (first) await rd.database.batch([first, ...rest]);
  for (const v of verdicts) {
    const entry = byId.get(v.envelope.id);
    if (!entry) continue;
    if (v.status === 'retry') {
      entry.message.retry({ delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(v.delayMs / 1000)) });
    } else {
      entry.message.ack();
    }
  }
}

/** Consumes the dead-letter queue: what Queues gave up on becomes a dead letter an admin can see. */
export async function consumeDeadLetterBatch(rd: RelayDeps, batch: MessageBatch<unknown>): Promise<void> {
  const statements = [];
  for (const message of batch.messages) {
    const parsed = EnvelopeSchema.safeParse(message.body);
    if (parsed.success) {
      statements.push(deadLetterInsert(rd, parsed.data, message.attempts, 'queue retries exhausted'));
    }
  }
  const [first, ...rest] = statements;
  if (first) await rd.database.batch([first, ...rest]);
  batch.ackAll();
}
