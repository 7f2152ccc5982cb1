/**
 * The jobs port's conformance suite, run on both transports (the outbox and worker of Node, the
 * Cloudflare Queues consumer through the fake queue) in both test projects, over the project's
 * database. Each case registers a job kind of its own on the app's real runner.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Job, JobHandler, JobVerdict } from '../../src/jobs/types.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let n = 0;

/** A job kind whose verdicts a test scripts; it records every run. */
function scriptedKind(t: TestApp, decide: (job: Job<{ v: number }>) => JobVerdict, maxAttempts = 3) {
  const runs: Job<{ v: number }>[] = [];
  const handler: JobHandler<{ v: number }> = {
    kind: `test.kind${n++}`,
    payload: z.object({ v: z.number() }),
    maxAttempts,
    async run(jobs) {
      runs.push(...jobs);
      return jobs.map(decide);
    },
  };
  t.deps.jobRunner.register(handler);
  return { kind: handler.kind, runs };
}

for (const transport of ['outbox', 'queue'] as const) {
  describe(`jobs port on the ${transport}`, () => {
    let t: TestApp;
    let brandId: string;
    beforeAll(async () => {
      t = await createTestApp({ jobs: transport });
      brandId = (await t.brand('jobs')).brand.id;
    });
    afterAll(() => t.close());

    const advance = (ms: number) => {
      t.clock.offsetMs += ms;
    };

    it('runs a job once with its payload, attempt 1, and forgets it when done', async () => {
      const k = scriptedKind(t, (job) => ({ id: job.id, status: 'done' }));
      await t.jobs.enqueue([{ kind: k.kind, brandId, payload: { v: 7 } }]);
      await t.runJobs();
      await t.runJobs();
      expect(k.runs).toHaveLength(1);
      expect(k.runs[0]).toMatchObject({ kind: k.kind, brandId, payload: { v: 7 }, attempts: 1 });
      const left = await t.database.db.all(sql`select id from jobs where kind = ${k.kind}`);
      expect(left).toEqual([]);
    });

    it('waits out a delay before the first run', async () => {
      const k = scriptedKind(t, (job) => ({ id: job.id, status: 'done' }));
      await t.jobs.enqueue([{ kind: k.kind, brandId, payload: { v: 1 }, delayMs: 5_000 }]);
      await t.runJobs();
      expect(k.runs).toHaveLength(0);
      advance(5_000);
      await t.runJobs();
      expect(k.runs).toHaveLength(1);
    });

    it('retries at the delay the handler asks for, counting attempts', async () => {
      const k = scriptedKind(t, (job) =>
        job.attempts < 3
          ? { id: job.id, status: 'retry', error: 'busy', delayMs: 60_000 }
          : { id: job.id, status: 'done' },
      );
      await t.jobs.enqueue([{ kind: k.kind, brandId, payload: { v: 1 } }]);
      await t.runJobs();
      advance(30_000);
      await t.runJobs();
      expect(k.runs.map((j) => j.attempts)).toEqual([1]);
      advance(30_000);
      await t.runJobs();
      advance(60_000);
      await t.runJobs();
      expect(k.runs.map((j) => j.attempts)).toEqual([1, 2, 3]);
    });

    it('a thrown handler is a retry with backoff; out of attempts, a dead letter with the payload', async () => {
      const kind = `test.throws${n++}`;
      let calls = 0;
      t.deps.jobRunner.register({
        kind,
        payload: z.object({ v: z.number() }),
        maxAttempts: 2,
        async run() {
          calls++;
          throw new TypeError('fetch failed');
        },
      });
      await t.jobs.enqueue([{ kind, brandId, payload: { v: 42 } }]);
      for (let i = 0; i < 4; i++) {
        await t.runJobs();
        advance(20 * 60_000);
      }
      expect(calls).toBe(2);
      const dead = await t.database.db.all<{ attempts: number; last_error: string; payload: string }>(
        sql`select attempts, last_error, payload from job_dead_letters where kind = ${kind}`,
      );
      expect(dead).toEqual([
        { attempts: 2, last_error: 'gave up after 2 attempts: network error', payload: '{"v":42}' },
      ]);
    });

    it('a dead verdict, a malformed payload and an unknown kind each leave one dead letter at once', async () => {
      const k = scriptedKind(t, (job) => ({ id: job.id, status: 'dead', error: 'refused for good' }));
      const unknown = `test.unknown${n++}`;
      await t.jobs.enqueue([
        { kind: k.kind, brandId, payload: { v: 1 } },
        { kind: k.kind, brandId, payload: { v: 'not a number' } },
        { kind: unknown, brandId, payload: {} },
      ]);
      await t.runJobs();
      const dead = await t.database.db.all<{ kind: string; last_error: string; attempts: number }>(
        sql`select kind, last_error, attempts from job_dead_letters where kind in (${k.kind}, ${unknown}) order by last_error`,
      );
      expect(dead).toEqual([
        { kind: unknown, last_error: `no handler for job kind ${unknown}`, attempts: 1 },
        { kind: k.kind, last_error: 'payload does not match its kind', attempts: 1 },
        { kind: k.kind, last_error: 'refused for good', attempts: 1 },
      ]);
      expect(k.runs).toHaveLength(1);
    });

    it('coalesces a burst on one key into one run, and a change during the run gets its own', async () => {
      let during: (() => Promise<void>) | undefined;
      const runs: Job[] = [];
      const kind = `test.coalesce${n++}`;
      t.deps.jobRunner.register({
        kind,
        payload: z.object({ card: z.string() }),
        maxAttempts: 3,
        async run(jobs) {
          runs.push(...jobs);
          await during?.();
          during = undefined;
          return jobs.map((j) => ({ id: j.id, status: 'done' as const }));
        },
      });
      const burst = Array.from({ length: 10 }, () => ({
        kind,
        brandId,
        payload: { card: 'a' },
        coalesceKey: 'a',
        delayMs: 1_000,
      }));
      for (const job of burst) await t.jobs.enqueue([job]);
      await t.jobs.enqueue([{ kind, brandId, payload: { card: 'b' }, coalesceKey: 'b', delayMs: 1_000 }]);
      advance(1_000);
      // While the first run is under way, card a changes again: that change must not be lost.
      during = () => t.jobs.enqueue([{ kind, brandId, payload: { card: 'a' }, coalesceKey: 'a' }]);
      await t.runJobs();
      await t.runJobs();
      expect(runs.map((j) => (j.payload as { card: string }).card).sort()).toEqual(['a', 'a', 'b']);
      const keys = await t.database.db.all(sql`select key from job_keys where kind = ${kind}`);
      expect(keys).toEqual([]);
    });

    it('a key whose job was lost frees itself after its hold', async () => {
      const k = scriptedKind(t, (job) => ({ id: job.id, status: 'done' }));
      // A key taken by a job that never reached the transport (a crash between the two writes).
      await t.database.db.run(
        sql`insert into job_keys (brand_id, kind, key, job_id, expires_at) values (${brandId}, ${k.kind}, 'x', 'job_lost', ${t.deps.now() + 60_000})`,
      );
      await t.jobs.enqueue([{ kind: k.kind, brandId, payload: { v: 1 }, coalesceKey: 'x' }]);
      await t.runJobs();
      expect(k.runs).toHaveLength(0);
      advance(60_000);
      await t.jobs.enqueue([{ kind: k.kind, brandId, payload: { v: 2 }, coalesceKey: 'x' }]);
      await t.runJobs();
      expect(k.runs.map((j) => j.payload.v)).toEqual([2]);
    });
  });
}
