/**
 * @module jobs/dead-letters
 * Jobs that gave up (`job_dead_letters`): what a brand's admins list, send again or discard.
 * A payload is ids only (jobs/types), so the listing shows kind, attempts and the last error;
 * a retry puts the same payload back as a fresh job that starts from attempt one.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { jobDeadLetters } from '../db/schema/index.ts';
import type { JobQueue } from './types.ts';

export type JobDeadLetter = Omit<typeof jobDeadLetters.$inferSelect, 'payload' | 'brandId'>;

export async function listJobDeadLetters(
  database: Database,
  brandId: string,
  kind: string | undefined,
  limit: number,
) {
  return database.db
    .select({
      id: jobDeadLetters.id,
      kind: jobDeadLetters.kind,
      jobId: jobDeadLetters.jobId,
      attempts: jobDeadLetters.attempts,
      lastError: jobDeadLetters.lastError,
      createdAt: jobDeadLetters.createdAt,
      deadAt: jobDeadLetters.deadAt,
    })
    .from(jobDeadLetters)
    .where(and(eq(jobDeadLetters.brandId, brandId), kind ? eq(jobDeadLetters.kind, kind) : undefined))
    .orderBy(desc(jobDeadLetters.deadAt), desc(jobDeadLetters.id))
    .limit(limit);
}

/** Re-enqueues a dead job and removes the letter; undefined when the brand has no such letter. */
export async function retryJobDeadLetter(database: Database, jobs: JobQueue, brandId: string, id: string) {
  const where = and(eq(jobDeadLetters.brandId, brandId), eq(jobDeadLetters.id, id));
  const [letter] = await database.db.select().from(jobDeadLetters).where(where);
  if (!letter) return undefined;
  // Enqueue first: a crash in between leaves a letter that can be retried again, never a lost job.
  await jobs.enqueue([{ kind: letter.kind, brandId, payload: letter.payload }]);
  await database.db.delete(jobDeadLetters).where(where);
  return { kind: letter.kind };
}

export async function discardJobDeadLetter(
  database: Database,
  brandId: string,
  id: string,
): Promise<boolean> {
  const gone = await database.db
    .delete(jobDeadLetters)
    .where(and(eq(jobDeadLetters.brandId, brandId), eq(jobDeadLetters.id, id)))
    .returning({ id: jobDeadLetters.id });
  return gone.length > 0;
}
