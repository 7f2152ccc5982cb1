/**
 * @module jobs/outbox
 * The Node transport of the jobs port: jobs wait in the `jobs` table and an in-process worker
 * drains it. Rows are claimed with one conditional UPDATE … RETURNING (due, lease expired), so two
 * workers or a restarted process never run the same row at once; a process that dies mid-run
 * leaves a lease that simply runs out. A coalesced job and its key are written in one batch.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { BatchStatement, Database } from '../db/database.ts';
import { jobKeys, jobs } from '../db/schema/index.ts';
import { errorFields, type Logger } from '../log/logger.ts';
import type { JobRunner, Settlement } from './dispatch.ts';
import { takeKey } from './keys.ts';
import type { Job, JobQueue, NewJob } from './types.ts';

type Row = typeof jobs.$inferSelect;

export class OutboxJobQueue implements JobQueue {
  readonly kind = 'outbox';
  private readonly deps: { database: Database; now: () => number };

  constructor(deps: { database: Database; now?: () => number }) {
    this.deps = { database: deps.database, now: deps.now ?? Date.now };
  }

  async enqueue(newJobs: readonly NewJob[]): Promise<void> {
    const { database } = this.deps;
    const now = this.deps.now();
    const statements: BatchStatement[] = [];
    for (const job of newJobs) {
      const id = job.id ?? randomId('job');
      const dueAt = now + (job.delayMs ?? 0);
      const row = {
        id,
        brandId: job.brandId,
        kind: job.kind,
        payload: job.payload ?? null,
        coalesceKey: job.coalesceKey ?? null,
        dueAt,
        createdAt: job.createdAt ?? now,
      };
      if (job.coalesceKey === undefined) {
        statements.push(database.db.insert(jobs).values(row));
        continue;
      }
      // The job is inserted only if its key was taken by this very job, in the same transaction.
      statements.push(takeKey(database, { ...job, id, dueAt, coalesceKey: job.coalesceKey }, now));
      statements.push(
        database.db.run(sql`insert into ${jobs} (id, brand_id, kind, payload, coalesce_key, due_at, created_at)
          select ${id}, ${job.brandId}, ${job.kind}, ${JSON.stringify(row.payload)}, ${job.coalesceKey}, ${dueAt}, ${row.createdAt}
          where exists (select 1 from ${jobKeys} where ${jobKeys.brandId} = ${job.brandId}
            and ${jobKeys.kind} = ${job.kind} and ${jobKeys.key} = ${job.coalesceKey} and ${jobKeys.jobId} = ${id})`),
      );
    }
    const [first, ...rest] = statements;
    if (first) await database.batch([first, ...rest]);
  }
}

const toJob = (row: Row): Job => ({
  id: row.id,
  kind: row.kind,
  brandId: row.brandId,
  payload: row.payload,
  attempts: row.attempts,
  createdAt: row.createdAt,
  coalesceKey: row.coalesceKey ?? undefined,
});

export type JobWorkerPolicy = { batchSize: number; leaseSeconds: number };

export class JobWorker {
  private readonly deps: { database: Database; logger: Logger; now: () => number; runner: JobRunner };
  private readonly policy: JobWorkerPolicy;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(
    deps: { database: Database; logger: Logger; now: () => number; runner: JobRunner },
    policy: JobWorkerPolicy,
  ) {
    this.deps = deps;
    this.policy = policy;
  }

  /** Claims one batch of one brand's due jobs, or none. */
  private async claim(brandId: string): Promise<Row[]> {
    const { db } = this.deps.database;
    const now = this.deps.now();
    const due = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.brandId, brandId), lte(jobs.dueAt, now), lte(jobs.leaseUntil, now)))
      .orderBy(asc(jobs.dueAt))
      .limit(this.policy.batchSize);
    return db
      .update(jobs)
      .set({ leaseUntil: now + this.policy.leaseSeconds * 1000, attempts: sql`${jobs.attempts} + 1` })
      .where(and(eq(jobs.brandId, brandId), inArray(jobs.id, due), lte(jobs.leaseUntil, now)))
      .returning();
  }

  /** Runs every job due now, including those the run itself enqueues; answers how many ran. */
  drain(): Promise<number> {
    this.running ??= this.drainOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drainOnce(): Promise<number> {
    const { db } = this.deps.database;
    let handled = 0;
    for (;;) {
      const now = this.deps.now();
      const brands = await db
        .selectDistinct({ brandId: jobs.brandId })
        .from(jobs)
        .where(and(lte(jobs.dueAt, now), lte(jobs.leaseUntil, now)))
        .limit(50);
      let claimedAny = false;
      for (const { brandId } of brands) {
        const rows = await this.claim(brandId);
        if (rows.length === 0) continue;
        claimedAny = true;
        handled += rows.length;
        await this.settle(await this.deps.runner.run(rows.map(toJob)));
      }
      if (!claimedAny) return handled;
    }
  }

  private async settle(settlements: readonly Settlement[]) {
    const { database, runner } = this.deps;
    const now = this.deps.now();
    const statements: BatchStatement[] = [];
    const finished = settlements.filter((s) => s.status !== 'retry').map((s) => s.job);
    for (const s of settlements) {
      if (s.status === 'retry') {
        statements.push(
          database.db
            .update(jobs)
            .set({ dueAt: now + s.delayMs, leaseUntil: 0, lastError: s.error.slice(0, 300) })
            .where(and(eq(jobs.brandId, s.job.brandId), eq(jobs.id, s.job.id))),
        );
      } else if (s.status === 'dead') {
        statements.push(runner.deadLetter(s.job, s.error));
      }
    }
    // Dead letters and deletions in one batch: a job is never both gone and unrecorded.
    for (let i = 0; i < finished.length; i += 50) {
      const chunk = finished.slice(i, i + 50);
      const brandId = chunk[0]?.brandId ?? '';
      statements.push(
        database.db.delete(jobs).where(
          and(
            eq(jobs.brandId, brandId),
            inArray(
              jobs.id,
              chunk.map((j) => j.id),
            ),
          ),
        ),
      );
    }
    const [first, ...rest] = statements;
    if (first) await database.batch([first, ...rest]);
  }

  /** Drains every `intervalMs` until stopped. */
  start(intervalMs = 1_000) {
    this.stopped = false;
    const loop = async () => {
      try {
        await this.drain();
      } catch (error) {
        this.deps.logger.error('job drain failed', errorFields(error));
      }
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for the run in flight, so a clean shutdown loses nothing. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
