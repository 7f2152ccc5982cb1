/**
 * @module rights/erasure
 * The right to erasure as one resumable job per request (`rights.erasure` {erasureId}). The
 * request itself ends the customer's sessions and unlinks the Apple sub at once, so signing in
 * again already gives a new customer id; the job then runs each step (rights/erasure-steps) and
 * records its status, attempts and last error in the erasure row. A step that must be retried
 * keeps the job coming back with backoff; the others go on meanwhile. A job out of attempts
 * becomes a job dead letter, and an admin's retry of it resumes where it stopped.
 * The finished row is the tombstone: customer id, erased-at, and the optional keyed email hash.
 */
import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { hex, randomId } from '../crypto.ts';
import { customers, type ErasureSource, type ErasureStep, erasures } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import type { JobHandler, JobVerdict } from '../jobs/types.ts';
import type { Hmac } from '../keyed-crypto.ts';
import { connectorsFor } from '../relay/connectors-store.ts';
import {
  applePassStep,
  crmStep,
  type ErasureDeps,
  type ErasureTarget,
  googleObjectStep,
  localDataStep,
  pushStep,
  type StepOutcome,
} from './erasure-steps.ts';
import { rightsSettingsOf } from './settings.ts';

export const ERASURE_JOB = 'rights.erasure';
export type Erasure = typeof erasures.$inferSelect;

/** The keyed hash a tombstone may keep: a brand shown the full address can match it, nobody else. */
export async function tombstoneEmailHash(pepper: Hmac, brandId: string, email: string): Promise<string> {
  return hex(await pepper(`zeropass:tombstone-email\u0000${brandId}\u0000${email.trim().toLowerCase()}`));
}

export async function latestErasure(
  deps: Pick<ErasureDeps, 'database'>,
  brandId: string,
  customerId: string,
) {
  const [row] = await deps.database.db
    .select()
    .from(erasures)
    .where(and(eq(erasures.brandId, brandId), eq(erasures.customerId, customerId)))
    .orderBy(desc(erasures.requestedAt))
    .limit(1);
  return row;
}

export async function getErasure(deps: Pick<ErasureDeps, 'database'>, brandId: string, id: string) {
  const [row] = await deps.database.db
    .select()
    .from(erasures)
    .where(and(eq(erasures.brandId, brandId), eq(erasures.id, id)));
  return row;
}

/**
 * Records the request, ends sessions and the Apple link in the same batch, and enqueues the job.
 * A customer with an erasure already answers that one (a second DELETE changes nothing).
 */
export async function requestErasure(
  deps: ErasureDeps & { pepper: Hmac },
  input: { brandId: string; customerId: string; source: ErasureSource; email?: string | undefined },
): Promise<Result<{ erasure: Erasure; created: boolean }>> {
  const { brandId, customerId } = input;
  const existing = await latestErasure(deps, brandId, customerId);
  if (existing) return ok({ erasure: existing, created: false });
  const [customer] = await deps.database.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.brandId, brandId), eq(customers.id, customerId)));
  if (!customer) return err('not_found', 'No such customer');
  const settings = await rightsSettingsOf(deps.database, brandId);
  const emailHash =
    settings.keepEmailHash && input.email
      ? await tombstoneEmailHash(deps.pepper, brandId, input.email)
      : null;
  const connectorIds = await connectorsFor(deps.relayDeps, brandId, 'erasure');
  const pending = (name: string): ErasureStep => ({ name, status: 'pending', attempts: 0 });
  const steps = [
    ...connectorIds.map((id) => pending(`crm:${id}`)),
    pending('apple-pass'),
    pending('google-object'),
    pending('push-subscriptions'),
    pending('local-data'),
  ];
  const now = deps.now();
  const erasure: Erasure = {
    id: randomId('era'),
    brandId,
    customerId,
    source: input.source,
    status: 'running',
    steps,
    contactProof: emailHash,
    requestedAt: now,
    erasedAt: null,
    updatedAt: now,
  };
  await deps.database.batch([
    deps.database.db.insert(erasures).values(erasure),
    deps.database.db
      .update(customers)
      .set({ appleLink: null, sessionsValidAfter: Number.MAX_SAFE_INTEGER })
      .where(and(eq(customers.brandId, brandId), eq(customers.id, customerId))),
  ]);
  await deps.jobs.enqueue([{ kind: ERASURE_JOB, brandId, payload: { erasureId: erasure.id } }]);
  deps.logger.info('erasure requested', { brandId, erasureId: erasure.id, steps: steps.length });
  return ok({ erasure, created: true });
}

const settled = (s: ErasureStep) => s.status !== 'pending';

function runStep(deps: ErasureDeps, target: ErasureTarget, name: string): Promise<StepOutcome> {
  if (name.startsWith('crm:')) return crmStep(deps, target, name.slice(4));
  if (name === 'apple-pass') return applePassStep(deps, target);
  if (name === 'google-object') return googleObjectStep(deps, target);
  if (name === 'push-subscriptions') return pushStep(deps, target);
  return localDataStep(deps, target);
}

/** One pass over the pending steps; answers what the job should do next. */
export async function advanceErasure(
  deps: ErasureDeps,
  erasure: Erasure,
  jobId: string,
): Promise<JobVerdict> {
  const steps = erasure.steps.map((s) => ({ ...s }));
  let retry: { error: string; delayMs?: number | undefined } | undefined;
  let erasedAt = erasure.erasedAt;
  for (const step of steps) {
    if (settled(step)) continue;
    if (step.name === 'local-data') {
      // The wallet steps first (they need the card); then the grace for Wallet to fetch the void.
      const walletSettled = steps
        .filter((s) => s.name === 'apple-pass' || s.name === 'google-object')
        .every(settled);
      const voided = steps.find((s) => s.name === 'apple-pass')?.status === 'done';
      const waitMs = voided ? erasure.requestedAt + deps.walletGraceMs - deps.now() : 0;
      if (!walletSettled) continue;
      if (waitMs > 0) {
        retry ??= { error: 'waiting for Wallet to fetch the voided pass', delayMs: waitMs };
        continue;
      }
    }
    step.attempts++;
    let outcome: StepOutcome;
    try {
      outcome = await runStep(deps, erasure, step.name);
    } catch (error) {
      outcome = { status: 'retry', error: error instanceof Error ? error.name : 'error' };
    }
    if (outcome.status === 'retry') {
      step.error = outcome.error;
      if (!retry || (retry.delayMs !== undefined && (outcome.delayMs ?? 0) < retry.delayMs)) {
        retry = { error: `${step.name}: ${outcome.error}`, delayMs: outcome.delayMs };
      }
      continue;
    }
    step.status = outcome.status;
    step.doneAt = deps.now();
    step.error = outcome.status === 'done' ? undefined : outcome.error;
    if (step.name === 'local-data' && outcome.status === 'done') erasedAt = deps.now();
  }
  const finished = steps.every(settled);
  const status = finished ? (steps.some((s) => s.status === 'failed') ? 'failed' : 'done') : 'running';
  await deps.database.db
    .update(erasures)
    .set({ steps, status, erasedAt, updatedAt: deps.now() })
    .where(
      and(eq(erasures.brandId, erasure.brandId), eq(erasures.id, erasure.id), ne(erasures.status, 'done')),
    );
  if (finished) {
    deps.logger.info('erasure finished', { brandId: erasure.brandId, erasureId: erasure.id, status });
    return { id: jobId, status: 'done' };
  }
  return { id: jobId, status: 'retry', error: retry?.error ?? 'steps pending', delayMs: retry?.delayMs };
}

const Payload = z.object({ erasureId: z.string().max(64) });

export function erasureHandler(deps: ErasureDeps): JobHandler<z.infer<typeof Payload>> {
  return {
    kind: ERASURE_JOB,
    payload: Payload,
    // About a day and a half of backoff (capped at 15 minutes) before an admin has to retry it.
    maxAttempts: 150,
    async run(jobs) {
      const verdicts: JobVerdict[] = [];
      for (const job of jobs) {
        const erasure = await getErasure(deps, job.brandId, job.payload.erasureId);
        if (!erasure || erasure.status === 'done') verdicts.push({ id: job.id, status: 'done' });
        else verdicts.push(await advanceErasure(deps, erasure, job.id));
      }
      return verdicts;
    },
  };
}
