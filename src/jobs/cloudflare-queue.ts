/**
 * @module jobs/cloudflare-queue
 * The Workers transport of the jobs port: jobs ride one Cloudflare Queue. The consumer takes a
 * batch, runs it through the shared dispatcher and acks, retries with the settled delay, or
 * writes a dead letter. Messages the queue itself gives up on (max_retries) land on the
 * dead-letter queue, whose consumer records them too. Coalescing keys live in D1 (job_keys),
 * since a queue cannot be searched; a key whose message was lost frees itself (jobs/keys).
 * @see https://developers.cloudflare.com/queues/configuration/batching-retries/
 */
import { z } from 'zod';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import type { JobRunner } from './dispatch.ts';
import { takeKey } from './keys.ts';
import type { Job, JobQueue, NewJob } from './types.ts';

/** Cloudflare's ceiling on a message delay. */
const MAX_DELAY_SECONDS = 12 * 60 * 60;
const SEND_BATCH = 100;

const MessageSchema = z.object({
  zpJob: z.literal(1),
  id: z.string(),
  kind: z.string(),
  brandId: z.string(),
  payload: z.unknown(),
  createdAt: z.number(),
  coalesceKey: z.string().optional(),
});
type JobMessage = z.infer<typeof MessageSchema>;

const delaySeconds = (ms: number) => Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));

export class CloudflareJobQueue implements JobQueue {
  readonly kind = 'queue';
  private readonly queue: Queue<unknown>;
  private readonly deps: { database: Database; now: () => number };

  constructor(queue: Queue<unknown>, deps: { database: Database; now?: () => number }) {
    this.queue = queue;
    this.deps = { database: deps.database, now: deps.now ?? Date.now };
  }

  async enqueue(newJobs: readonly NewJob[]): Promise<void> {
    const now = this.deps.now();
    const all = newJobs.map((job) => ({
      job,
      message: {
        zpJob: 1,
        id: job.id ?? randomId('job'),
        kind: job.kind,
        brandId: job.brandId,
        payload: job.payload ?? null,
        createdAt: job.createdAt ?? now,
        ...(job.coalesceKey === undefined ? {} : { coalesceKey: job.coalesceKey }),
      } satisfies JobMessage,
    }));
    const keyed = all.filter((e) => e.message.coalesceKey !== undefined);
    const taken = new Set<string>();
    const [first, ...rest] = keyed.map(({ job, message }) =>
      takeKey(
        this.deps.database,
        { ...message, coalesceKey: message.coalesceKey ?? '', dueAt: now + (job.delayMs ?? 0) },
        now,
      ),
    );
    if (first) {
      const results = (await this.deps.database.batch([first, ...rest])) as { jobId: string }[][];
      for (const rows of results) for (const row of rows) taken.add(row.jobId);
    }
    const send = all.filter((e) => e.message.coalesceKey === undefined || taken.has(e.message.id));
    for (let i = 0; i < send.length; i += SEND_BATCH) {
      await this.queue.sendBatch(
        send.slice(i, i + SEND_BATCH).map(({ job, message }) => ({
          body: message,
          contentType: 'json' as const,
          delaySeconds: delaySeconds(job.delayMs ?? 0),
        })),
      );
    }
  }
}

type ConsumerDeps = { database: Database; logger: Logger; runner: JobRunner };

const toJob = (message: JobMessage, attempts: number): Job => ({
  id: message.id,
  kind: message.kind,
  brandId: message.brandId,
  payload: message.payload,
  attempts,
  createdAt: message.createdAt,
  coalesceKey: message.coalesceKey,
});

/** Consumes a batch of the jobs queue. */
export async function consumeJobBatch(deps: ConsumerDeps, batch: MessageBatch<unknown>): Promise<void> {
  const entries = new Map<string, Message<unknown>>();
  const batchJobs: Job[] = [];
  for (const message of batch.messages) {
    const parsed = MessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // Not ours, or damaged: retrying cannot help, and the body is not logged.
      deps.logger.warn('queue message is not a job; dropped', { messageId: message.id });
      message.ack();
      continue;
    }
    entries.set(parsed.data.id, message);
    batchJobs.push(toJob(parsed.data, message.attempts));
  }
  const settlements = await deps.runner.run(batchJobs);
  const [first, ...rest] = settlements
    .filter((s) => s.status === 'dead')
    .map((s) => deps.runner.deadLetter(s.job, s.error));
  // Dead letters are written before the acks: if the write fails the messages come back.
  if (first) await deps.database.batch([first, ...rest]);
  for (const s of settlements) {
    const message = entries.get(s.job.id);
    if (s.status === 'retry') message?.retry({ delaySeconds: delaySeconds(s.delayMs) });
    else message?.ack();
  }
}

/** Consumes the dead-letter queue: what Queues gave up on becomes a dead letter an admin can see. */
export async function consumeDeadJobBatch(deps: ConsumerDeps, batch: MessageBatch<unknown>): Promise<void> {
  const statements = [];
  for (const message of batch.messages) {
    const parsed = MessageSchema.safeParse(message.body);
    if (parsed.success) {
      statements.push(
        deps.runner.deadLetter(toJob(parsed.data, message.attempts), 'queue retries exhausted'),
      );
    }
  }
  const [first, ...rest] = statements;
  if (first) await deps.database.batch([first, ...rest]);
  batch.ackAll();
}
