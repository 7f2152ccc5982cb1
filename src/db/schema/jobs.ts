/**
 * @module db/schema/jobs
 * Tables of the background-jobs port (src/jobs). Invariant 1: a job's payload holds ids, counts
 * and, for the relay, a sealed envelope (ciphertext only); never PII in clear. Error texts never
 * quote a payload.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Node only: jobs waiting to run (Workers carry them on Cloudflare Queues instead). */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    brandId: text('brand_id').notNull(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    /** The job's coalescing key (see job_keys), if it has one. */
    coalesceKey: text('coalesce_key'),
    attempts: integer('attempts').notNull().default(0),
    /** Not before this instant (ms): a delay or a backoff. */
    dueAt: integer('due_at', { mode: 'number' }).notNull(),
    /** A worker holds the row until this instant (ms); an expired lease may be claimed again. */
    leaseUntil: integer('lease_until', { mode: 'number' }).notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('jobs_due_idx').on(t.dueAt, t.leaseUntil),
    index('jobs_brand_due_idx').on(t.brandId, t.dueAt),
  ],
);

/**
 * Coalescing keys, on both runtimes: while a job with a key waits, a job of the same kind and key
 * is not enqueued again. The key is released when its job starts, so a change that arrives while
 * the job runs gets a job of its own; `expiresAt` frees a key whose job was lost.
 */
export const jobKeys = sqliteTable(
  'job_keys',
  {
    brandId: text('brand_id').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    jobId: text('job_id').notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.kind, t.key] })],
);

/**
 * Jobs that ran out of attempts or failed for good, with their payload so an admin can retry them.
 * The relay keeps its own dead letters (relay_dead_letters), whose ciphertext has a TTL.
 */
export const jobDeadLetters = sqliteTable(
  'job_dead_letters',
  {
    id: text('id').primaryKey(),
    brandId: text('brand_id').notNull(),
    kind: text('kind').notNull(),
    jobId: text('job_id').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    deadAt: integer('dead_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('job_dead_letters_brand_idx').on(t.brandId, t.deadAt)],
);

export const jobTables = { jobs, jobKeys, jobDeadLetters };
