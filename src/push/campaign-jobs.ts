/**
 * @module push/campaign-jobs
 * A campaign's fan-out, as three job kinds on the jobs port (docs/jobs.md):
 *   push.campaign.fan-out {campaignId, after}   reads a page of targets, enqueues send batches,
 *                                               then the next page; the cursor on the campaign row
 *                                               makes a retried page count once
 *   push.campaign.send {campaignId, customerIds} re-checks consent, claims the frequency cap,
 *                                               sends to each subscription of each customer
 *   push.deliver {campaignId, subscriptionId}    one message the push service asked to have later
 *                                               (429 at its Retry-After, 5xx with the queue's backoff)
 * Payloads hold ids only. 404/410 delete the subscription at once.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { backoffMs } from '../../connectors/types.ts';
import { utf8 } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { pushCampaigns, pushCustomerSends, pushSubscriptions } from '../db/schema/index.ts';
import type { JobHandler, JobQueue, JobVerdict, NewJob } from '../jobs/types.ts';
import type { Logger } from '../log/logger.ts';
import { chunks, grantedPush, targetPage } from './campaign-targets.ts';
import { addCounts, type Campaign, FAN_OUT_JOB, getCampaign, messageFor } from './campaigns.ts';
import type { PushOutcome, PushSender } from './sender.ts';
import { pruneSubscriptions, type StoredSubscription } from './subscriptions.ts';

export const SEND_JOB = 'push.campaign.send';
export const DELIVER_JOB = 'push.deliver';
export const DELIVER_MAX_ATTEMPTS = 8;
/** Messages in flight at once within one batch. */
const CONCURRENCY = 16;

export type PushJobDeps = {
  database: Database;
  jobs: JobQueue;
  sender: PushSender;
  logger: Logger;
  now: () => number;
  batchSize: number;
  frequencyCapMinutes: number;
};

const FanOut = z.object({ campaignId: z.string().max(64), after: z.string().max(64).nullable() });
const Send = z.object({ campaignId: z.string().max(64), customerIds: z.array(z.string().max(64)).max(500) });
const Deliver = z.object({ campaignId: z.string().max(64), subscriptionId: z.string().max(64) });

/** What the service worker receives: the campaign's texts in the subscription's language. */
export function payloadFor(campaign: Campaign, subscription: Pick<StoredSubscription, 'locale'>) {
  const { title, body, url } = messageFor(campaign, subscription.locale);
  return utf8(JSON.stringify({ campaignId: campaign.id, title, body, ...(url ? { url } : {}) }));
}

const options = (c: Campaign) => ({ ttlSeconds: c.ttlSeconds, urgency: c.urgency, topic: c.topic });

export function fanOutHandler(deps: PushJobDeps): JobHandler<z.infer<typeof FanOut>> {
  const pageSize = deps.batchSize * 10;
  return {
    kind: FAN_OUT_JOB,
    payload: FanOut,
    maxAttempts: 12,
    async run(jobs) {
      const verdicts: JobVerdict[] = [];
      for (const job of jobs) {
        const { campaignId, after } = job.payload;
        const campaign = await getCampaign(deps.database, job.brandId, campaignId);
        if (campaign?.status !== 'sending' || campaign.fanOutCursor !== after) {
          // Cancelled, gone, or this page was already handed over by an earlier attempt.
          verdicts.push({ id: job.id, status: 'done' });
          continue;
        }
        const page = await targetPage(
          deps.database,
          job.brandId,
          campaign.target,
          after,
          pageSize,
          deps.now(),
        );
        const next: NewJob[] = chunks(page, deps.batchSize).map((customerIds) => ({
          kind: SEND_JOB,
          brandId: job.brandId,
          payload: { campaignId, customerIds },
        }));
        const last = page.at(-1) ?? null;
        const done = page.length < pageSize;
        if (!done)
          next.push({ kind: FAN_OUT_JOB, brandId: job.brandId, payload: { campaignId, after: last } });
        // Enqueued before the cursor moves: a crash in between re-sends this page's batches,
        // which the per-customer claim turns into nothing.
        if (next.length > 0) await deps.jobs.enqueue(next);
        await deps.database.db
          .update(pushCampaigns)
          .set({
            fanOutCursor: last ?? after,
            targeted: sql`${pushCampaigns.targeted} + ${page.length}`,
            ...(done ? { status: 'sent' as const, fannedOutAt: deps.now() } : {}),
          })
          .where(
            and(
              eq(pushCampaigns.brandId, job.brandId),
              eq(pushCampaigns.id, campaignId),
              eq(pushCampaigns.status, 'sending'),
              after === null ? isNull(pushCampaigns.fanOutCursor) : eq(pushCampaigns.fanOutCursor, after),
            ),
          );
        verdicts.push({ id: job.id, status: 'done' });
      }
      return verdicts;
    },
  };
}

/**
 * Claims the send for each customer: the row moves to this campaign only if the last campaign
 * reached them before the cap window and was not this one. Answers the customers claimed.
 */
async function claimCustomers(deps: PushJobDeps, brandId: string, campaignId: string, ids: string[]) {
  const now = deps.now();
  const threshold = now - deps.frequencyCapMinutes * 60_000;
  const claimed = new Set<string>();
  for (const part of chunks(ids, 20)) {
    const rows = await deps.database.db
      .insert(pushCustomerSends)
      .values(part.map((customerId) => ({ brandId, customerId, campaignId, sentAt: now })))
      .onConflictDoUpdate({
        target: [pushCustomerSends.brandId, pushCustomerSends.customerId],
        set: { campaignId: sql`excluded.campaign_id`, sentAt: sql`excluded.sent_at` },
        setWhere: sql`${pushCustomerSends.campaignId} <> excluded.campaign_id and (${pushCustomerSends.sentAt} <= ${threshold} or ${deps.frequencyCapMinutes} = 0)`,
      })
      .returning({ customerId: pushCustomerSends.customerId });
    for (const row of rows) claimed.add(row.customerId);
  }
  return claimed;
}

async function subscriptionsOf(database: Database, brandId: string, customerIds: string[]) {
  const out: StoredSubscription[] = [];
  for (const part of chunks(customerIds)) {
    out.push(
      ...(await database.db
        .select()
        .from(pushSubscriptions)
        .where(and(eq(pushSubscriptions.brandId, brandId), inArray(pushSubscriptions.customerId, part)))),
    );
  }
  return out;
}

export function sendHandler(deps: PushJobDeps): JobHandler<z.infer<typeof Send>> {
  return {
    kind: SEND_JOB,
    payload: Send,
    maxAttempts: 12,
    async run(jobs) {
      const verdicts: JobVerdict[] = [];
      for (const job of jobs) {
        const { campaignId, customerIds } = job.payload;
        const campaign = await getCampaign(deps.database, job.brandId, campaignId);
        if (!campaign || campaign.status === 'cancelled') {
          verdicts.push({ id: job.id, status: 'done' });
          continue;
        }
        const granted = await grantedPush(deps.database, job.brandId, customerIds);
        const claimed = await claimCustomers(deps, job.brandId, campaignId, [...granted]);
        const skipped = customerIds.length - claimed.size;
        const subscriptions = await subscriptionsOf(deps.database, job.brandId, [...claimed]);
        const counts = await sendAll(deps, campaign, subscriptions);
        await addCounts(deps.database, job.brandId, campaignId, { ...counts, skipped });
        verdicts.push({ id: job.id, status: 'done' });
      }
      return verdicts;
    },
  };
}

/** Sends to every subscription; retries go to push.deliver, and a 429 holds its origin back. */
async function sendAll(deps: PushJobDeps, campaign: Campaign, subscriptions: StoredSubscription[]) {
  const counts = { sent: 0, failed: 0, pruned: 0 };
  const gone: string[] = [];
  const later: NewJob[] = [];
  const heldUntil = new Map<string, number>();
  const deliverLater = (s: StoredSubscription, delayMs: number) =>
    later.push({
      kind: DELIVER_JOB,
      brandId: campaign.brandId,
      payload: { campaignId: campaign.id, subscriptionId: s.id },
      delayMs,
    });
  const one = async (s: StoredSubscription) => {
    const origin = new URL(s.endpoint).origin;
    const held = heldUntil.get(origin);
    if (held !== undefined) return deliverLater(s, Math.max(0, held - deps.now()));
    const outcome = await deps.sender.send(campaign.brandId, s, payloadFor(campaign, s), options(campaign));
    if (outcome.kind === 'sent') counts.sent++;
    else if (outcome.kind === 'gone') gone.push(s.id);
    else if (outcome.kind === 'failed') counts.failed++;
    else {
      const delayMs = outcome.retryAfterMs ?? backoffMs(1);
      if (outcome.status === 429) heldUntil.set(origin, deps.now() + delayMs);
      deliverLater(s, delayMs);
    }
  };
  let next = 0;
  const lane = async () => {
    while (next < subscriptions.length) {
      const s = subscriptions[next++];
      if (s) await one(s);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, subscriptions.length) }, lane));
  counts.pruned = await pruneSubscriptions(deps.database, campaign.brandId, gone);
  if (later.length > 0) await deps.jobs.enqueue(later);
  return counts;
}

export function deliverHandler(deps: PushJobDeps): JobHandler<z.infer<typeof Deliver>> {
  return {
    kind: DELIVER_JOB,
    payload: Deliver,
    maxAttempts: DELIVER_MAX_ATTEMPTS,
    async run(jobs) {
      const verdicts: JobVerdict[] = [];
      for (const job of jobs)
        verdicts.push(await deliverOne(deps, job.id, job.brandId, job.payload, job.attempts));
      return verdicts;
    },
  };
}

async function deliverOne(
  deps: PushJobDeps,
  id: string,
  brandId: string,
  { campaignId, subscriptionId }: z.infer<typeof Deliver>,
  attempts: number,
): Promise<JobVerdict> {
  const campaign = await getCampaign(deps.database, brandId, campaignId);
  const [subscription] = await deps.database.db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.brandId, brandId), eq(pushSubscriptions.id, subscriptionId)));
  if (!campaign || campaign.status === 'cancelled' || !subscription) return { id, status: 'done' };
  if (!(await grantedPush(deps.database, brandId, [subscription.customerId])).has(subscription.customerId)) {
    await addCounts(deps.database, brandId, campaignId, { skipped: 1 });
    return { id, status: 'done' };
  }
  const outcome: PushOutcome = await deps.sender.send(
    brandId,
    subscription,
    payloadFor(campaign, subscription),
    options(campaign),
  );
  if (outcome.kind === 'sent') await addCounts(deps.database, brandId, campaignId, { sent: 1 });
  else if (outcome.kind === 'gone') {
    const pruned = await pruneSubscriptions(deps.database, brandId, [subscription.id]);
    await addCounts(deps.database, brandId, campaignId, { pruned });
  } else if (outcome.kind === 'failed') await addCounts(deps.database, brandId, campaignId, { failed: 1 });
  else if (attempts >= DELIVER_MAX_ATTEMPTS) {
    await addCounts(deps.database, brandId, campaignId, { failed: 1 });
    return { id, status: 'dead', error: `gave up after ${attempts} attempts: ${outcome.reason}` };
  } else return { id, status: 'retry', error: outcome.reason, delayMs: outcome.retryAfterMs };
  return { id, status: 'done' };
}
