/**
 * @module jobs/keys
 * Coalescing keys (table job_keys), shared by both transports. Taking a key is one upsert that
 * succeeds when the key is free or its hold has expired; the job that took it releases it when
 * it starts. A key outlives a lost job only until `expiresAt`, so a crash never blocks a key.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import type { BatchStatement, Database } from '../db/database.ts';
import { jobKeys } from '../db/schema/index.ts';
import type { Job } from './types.ts';

/** How long past its due time a key is held for a job that has not started. */
export const KEY_HOLD_MS = 10 * 60_000;

type Keyed = { id: string; kind: string; brandId: string; coalesceKey: string; dueAt: number };

/** Takes the key for `job`; the statement returns one row when it was taken. */
export function takeKey({ db }: Database, job: Keyed, now: number): BatchStatement {
  return db
    .insert(jobKeys)
    .values({
      brandId: job.brandId,
      kind: job.kind,
      key: job.coalesceKey,
      jobId: job.id,
      expiresAt: job.dueAt + KEY_HOLD_MS,
    })
    .onConflictDoUpdate({
      target: [jobKeys.brandId, jobKeys.kind, jobKeys.key],
      set: { jobId: sql`excluded.job_id`, expiresAt: sql`excluded.expires_at` },
      setWhere: lte(jobKeys.expiresAt, now),
    })
    .returning({ jobId: jobKeys.jobId });
}

/** Releases the keys these jobs hold (and only while they hold them), in one batch. */
export async function releaseKeys(database: Database, started: readonly Job[]): Promise<void> {
  // One statement per key: D1 binds at most 100 parameters per statement.
  const [first, ...rest] = started.flatMap((j) =>
    j.coalesceKey === undefined
      ? []
      : [
          database.db
            .delete(jobKeys)
            .where(
              and(
                eq(jobKeys.brandId, j.brandId),
                eq(jobKeys.kind, j.kind),
                eq(jobKeys.key, j.coalesceKey),
                eq(jobKeys.jobId, j.id),
              ),
            ),
        ],
  );
  if (first) await database.batch([first, ...rest]);
}

/** Removes keys whose hold expired (their job was lost); a sweep across brands. */
export async function purgeExpiredKeys({ db }: Database, now: number): Promise<number> {
  const rows = await db.delete(jobKeys).where(lte(jobKeys.expiresAt, now)).returning({ key: jobKeys.key });
  return rows.length;
}
