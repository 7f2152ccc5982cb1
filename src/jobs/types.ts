/**
 * @module jobs/types
 * The one background-jobs port. A feature declares a typed job kind (a `JobHandler`: payload
 * schema, attempts, what a dead job leaves) and enqueues jobs through `JobQueue`; the runtime
 * carries them: an outbox table and an in-process worker on Node (jobs/outbox), Cloudflare Queues
 * on Workers (jobs/cloudflare-queue). Both hand batches to the same dispatcher (jobs/dispatch),
 * so leases, backoff, attempts, coalescing and dead letters behave the same everywhere.
 *
 * Payloads never hold PII in clear: ids, counts, or a sealed envelope (relay).
 */
import type { z } from 'zod';
import type { BatchStatement } from '../db/database.ts';

export type NewJob = {
  kind: string;
  brandId: string;
  payload: unknown;
  /** Run no earlier than this many ms from now (a short delay lets a burst coalesce). */
  delayMs?: number | undefined;
  /**
   * While a job of this kind and key waits, another one is not enqueued: the waiting job will
   * see the newer state when it runs. Released when the job starts.
   */
  coalesceKey?: string | undefined;
  /** Keeps an id the caller already uses (e.g. an envelope's); a fresh `job_…` otherwise. */
  id?: string | undefined;
  /** Creation time to keep (a dead letter put back); now otherwise. */
  createdAt?: number | undefined;
};

export type Job<P = unknown> = {
  id: string;
  kind: string;
  brandId: string;
  payload: P;
  /** Counts this attempt too: 1 on the first run. */
  attempts: number;
  createdAt: number;
  coalesceKey: string | undefined;
};

export type JobVerdict =
  | { id: string; status: 'done' }
  | { id: string; status: 'retry'; error: string; delayMs?: number | undefined }
  | { id: string; status: 'dead'; error: string };

export interface JobHandler<P = unknown> {
  readonly kind: string;
  readonly payload: z.ZodType<P>;
  /** After this many attempts a retry verdict becomes a dead letter. */
  readonly maxAttempts: number;
  /**
   * Runs a batch of this kind's jobs (all of one brand on Node; any mix on Workers) and answers a
   * verdict per job; a job it leaves out is retried. Throwing retries the whole batch.
   */
  run(jobs: readonly Job<P>[]): Promise<JobVerdict[]>;
  /** What a dead job leaves behind; a row in job_dead_letters when absent. */
  deadLetter?(job: Job<P>, error: string): BatchStatement;
}

/** Where jobs go; the entry picks the implementation for its runtime. */
export interface JobQueue {
  readonly kind: 'outbox' | 'queue';
  /** Durable once it resolves; coalesced jobs are dropped silently. */
  enqueue(jobs: readonly NewJob[]): Promise<void>;
}
