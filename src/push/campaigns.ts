/**
 * @module push/campaigns
 * A brand's push campaigns: what to say (a default message and locale variants), to whom (see
 * push/campaign-targets), and when. A campaign for now starts at once; a scheduled one is started
 * by the 5-minute sweep once due (src/scheduled). Starting enqueues the first fan-out page on the
 * jobs port (push/campaign-jobs); counts are kept on the row as the batches report back.
 */
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import {
  type CampaignMessage,
  type CampaignStatus,
  type CampaignTarget,
  pushCampaigns,
} from '../db/schema/index.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Urgency } from './sender.ts';

export const FAN_OUT_JOB = 'push.campaign.fan-out';

export type CampaignInput = {
  message: CampaignMessage;
  variants: Record<string, CampaignMessage>;
  target: CampaignTarget;
  ttlSeconds: number;
  urgency: Urgency;
  topic?: string | undefined;
  /** Epoch ms; absent or past means now. */
  sendAt?: number | undefined;
};

export type Campaign = typeof pushCampaigns.$inferSelect;
export type CampaignCounts = Pick<Campaign, 'targeted' | 'sent' | 'failed' | 'pruned' | 'skipped'>;

export type CampaignDeps = { database: Database; jobs: JobQueue; now: () => number };

const fanOutJob = (campaign: Pick<Campaign, 'id' | 'brandId'>) => ({
  kind: FAN_OUT_JOB,
  brandId: campaign.brandId,
  payload: { campaignId: campaign.id, after: null },
});

export async function createCampaign(deps: CampaignDeps, brandId: string, input: CampaignInput) {
  const now = deps.now();
  const sendAt = Math.max(input.sendAt ?? now, now);
  const startsNow = sendAt <= now;
  const [row] = await deps.database.db
    .insert(pushCampaigns)
    .values({
      id: randomId('cmp'),
      brandId,
      status: startsNow ? 'sending' : 'scheduled',
      message: input.message,
      variants: input.variants,
      target: input.target,
      ttlSeconds: input.ttlSeconds,
      urgency: input.urgency,
      topic: input.topic ?? null,
      sendAt,
      createdAt: now,
      startedAt: startsNow ? now : null,
    })
    .returning();
  if (!row) throw new Error('campaign insert returned nothing');
  if (startsNow) await deps.jobs.enqueue([fanOutJob(row)]);
  return row;
}

export async function getCampaign(database: Database, brandId: string, id: string) {
  const [row] = await database.db
    .select()
    .from(pushCampaigns)
    .where(and(eq(pushCampaigns.brandId, brandId), eq(pushCampaigns.id, id)));
  return row;
}

export async function listCampaigns(database: Database, brandId: string, limit: number) {
  return database.db
    .select()
    .from(pushCampaigns)
    .where(eq(pushCampaigns.brandId, brandId))
    .orderBy(desc(pushCampaigns.createdAt), desc(pushCampaigns.id))
    .limit(limit);
}

/** Stops a scheduled or sending campaign; batches not yet run then send nothing. */
export async function cancelCampaign(database: Database, brandId: string, id: string) {
  const [row] = await database.db
    .update(pushCampaigns)
    .set({ status: 'cancelled' })
    .where(
      and(
        eq(pushCampaigns.brandId, brandId),
        eq(pushCampaigns.id, id),
        inArray(pushCampaigns.status, ['scheduled', 'sending'] satisfies CampaignStatus[]),
      ),
    )
    .returning();
  return row;
}

/**
 * The sweep's part: every scheduled campaign now due moves to `sending` (a conditional update,
 * so two sweeps never start one twice) and gets its first fan-out job. Answers how many started.
 */
export async function startDueCampaigns(deps: CampaignDeps): Promise<number> {
  const now = deps.now();
  const started = await deps.database.db
    .update(pushCampaigns)
    .set({ status: 'sending', startedAt: now })
    .where(and(eq(pushCampaigns.status, 'scheduled'), lte(pushCampaigns.sendAt, now)))
    .returning({ id: pushCampaigns.id, brandId: pushCampaigns.brandId });
  if (started.length > 0) await deps.jobs.enqueue(started.map(fanOutJob));
  return started.length;
}

/** Adds a batch's outcome to the campaign's counts, in one statement. */
export async function addCounts(
  database: Database,
  brandId: string,
  id: string,
  counts: Partial<CampaignCounts>,
) {
  const { targeted = 0, sent = 0, failed = 0, pruned = 0, skipped = 0 } = counts;
  if (targeted + sent + failed + pruned + skipped === 0) return;
  await database.db
    .update(pushCampaigns)
    .set({
      targeted: sql`${pushCampaigns.targeted} + ${targeted}`,
      sent: sql`${pushCampaigns.sent} + ${sent}`,
      failed: sql`${pushCampaigns.failed} + ${failed}`,
      pruned: sql`${pushCampaigns.pruned} + ${pruned}`,
      skipped: sql`${pushCampaigns.skipped} + ${skipped}`,
    })
    .where(and(eq(pushCampaigns.brandId, brandId), eq(pushCampaigns.id, id)));
}

/** The message in the subscription's language: exact locale, then its language, then the default. */
export function messageFor(campaign: Pick<Campaign, 'message' | 'variants'>, locale: string | null) {
  if (!locale) return campaign.message;
  const exact = campaign.variants[locale];
  if (exact) return exact;
  const language = locale.split('-')[0]?.toLowerCase();
  for (const [key, message] of Object.entries(campaign.variants)) {
    if (key.split('-')[0]?.toLowerCase() === language) return message;
  }
  return campaign.message;
}
