/**
 * @module jobs/dispatch
 * The one job policy both transports share: release coalescing keys, hand each kind's jobs to
 * its handler, and settle every job as done, retry (at the handler's delay or an exponential
 * backoff with jitter) or dead (failed for good, or out of attempts). Transports only carry out
 * the settlements: the outbox as row updates, Queues as ack/retry.
 */
import { backoffMs, faultText } from '../../connectors/types.ts';
import { randomId } from '../crypto.ts';
import type { BatchStatement, Database } from '../db/database.ts';
import { jobDeadLetters } from '../db/schema/index.ts';
import { errorFields, type Logger } from '../log/logger.ts';
import { releaseKeys } from './keys.ts';
import type { Job, JobHandler } from './types.ts';

export type Settlement =
  | { job: Job; status: 'done' }
  | { job: Job; status: 'retry'; error: string; delayMs: number }
  | { job: Job; status: 'dead'; error: string };

export type JobRunnerDeps = { database: Database; logger: Logger; now: () => number };

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly deps: JobRunnerDeps;

  constructor(deps: JobRunnerDeps) {
    this.deps = deps;
  }

  /** Adds a job kind; answers the runner, so kinds can be chained at assembly. */
  register<P>(handler: JobHandler<P>): this {
    if (this.handlers.has(handler.kind)) throw new Error(`job kind ${handler.kind} registered twice`);
    this.handlers.set(handler.kind, handler as unknown as JobHandler);
    return this;
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Runs a batch of jobs of any kinds and answers a settlement for each. */
  async run(batch: readonly Job[]): Promise<Settlement[]> {
    if (batch.length === 0) return [];
    await releaseKeys(this.deps.database, batch);
    const byKind = new Map<string, Job[]>();
    for (const job of batch) byKind.set(job.kind, [...(byKind.get(job.kind) ?? []), job]);
    const settlements: Settlement[] = [];
    for (const [kind, jobs] of byKind) settlements.push(...(await this.runKind(kind, jobs)));
    return settlements;
  }

  private async runKind(kind: string, jobs: Job[]): Promise<Settlement[]> {
    const handler = this.handlers.get(kind);
    if (!handler)
      return jobs.map((job) => ({ job, status: 'dead', error: `no handler for job kind ${kind}` }));
    const settlements: Settlement[] = [];
    const valid: Job[] = [];
    for (const job of jobs) {
      const parsed = handler.payload.safeParse(job.payload);
      if (parsed.success) valid.push({ ...job, payload: parsed.data });
      else settlements.push({ job, status: 'dead', error: 'payload does not match its kind' });
    }
    if (valid.length === 0) return settlements;
    const verdicts = new Map<string, Awaited<ReturnType<JobHandler['run']>>[number]>();
    try {
      for (const v of await handler.run(valid)) verdicts.set(v.id, v);
    } catch (error) {
      this.deps.logger.warn('job handler threw', { kind, ...errorFields(error) });
      const text = faultText(error);
      for (const job of valid) verdicts.set(job.id, { id: job.id, status: 'retry', error: text });
    }
    const counts = { done: 0, retry: 0, dead: 0 };
    for (const job of valid) {
      const v = verdicts.get(job.id) ?? { id: job.id, status: 'retry' as const, error: 'no verdict' };
      let settlement: Settlement;
      if (v.status === 'retry' && job.attempts >= handler.maxAttempts) {
        settlement = { job, status: 'dead', error: `gave up after ${job.attempts} attempts: ${v.error}` };
      } else if (v.status === 'retry') {
        settlement = { job, status: 'retry', error: v.error, delayMs: v.delayMs ?? backoffMs(job.attempts) };
      } else {
        settlement = v.status === 'done' ? { job, status: 'done' } : { job, status: 'dead', error: v.error };
      }
      counts[settlement.status]++;
      settlements.push(settlement);
    }
    this.deps.logger.info('jobs ran', { kind, size: jobs.length, ...counts });
    return settlements;
  }

  /** The statement that records a dead job: the handler's own, or a job_dead_letters row. */
  deadLetter(job: Job, error: string): BatchStatement {
    const handler = this.handlers.get(job.kind);
    // A malformed payload cannot go to the handler's own dead letters; it is kept generically.
    if (handler?.deadLetter && handler.payload.safeParse(job.payload).success) {
      return handler.deadLetter(job, error.slice(0, 300));
    }
    return this.deps.database.db.insert(jobDeadLetters).values({
      id: randomId('jdl'),
      brandId: job.brandId,
      kind: job.kind,
      jobId: job.id,
      payload: job.payload ?? null,
      attempts: job.attempts,
      lastError: error.slice(0, 300),
      createdAt: job.createdAt,
      deadAt: this.deps.now(),
    });
  }
}
