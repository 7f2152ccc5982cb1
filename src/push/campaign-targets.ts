/**
 * @module push/campaign-targets
 * Who a campaign reaches: customers with at least one push subscription whose latest `push`
 * consent event is a grant, narrowed by tier, store or recent activity. Read a page at a time in
 * customer-id order, so a fan-out of any size resumes from a cursor. The consent check is made
 * again for each batch at send time (`grantedPush`): a withdrawal after the campaign was created
 * — or after its page was read — always wins.
 */
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { type CampaignTarget, consentEvents } from '../db/schema/index.ts';
import { getRules } from '../loyalty/rules.ts';

export const PUSH_PURPOSE = 'push';
/** D1 binds at most 100 parameters per statement; id lists are cut to leave room. */
export const IN_LIST_CHUNK = 90;

export function chunks<T>(items: readonly T[], size = IN_LIST_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Lifetime-point ranges of the named tiers, from the brand's rules (a tier runs to the next). */
async function tierRanges(database: Database, brandId: string, codes: readonly string[]) {
  const tiers = [...(await getRules(database, brandId)).tiers].sort((a, b) => a.threshold - b.threshold);
  const ranges: { from: number; to: number | undefined }[] = [];
  tiers.forEach((tier, i) => {
    if (codes.includes(tier.code)) ranges.push({ from: tier.threshold, to: tiers[i + 1]?.threshold });
  });
  return ranges;
}

/** The next page of target customer ids after `after` (exclusive), in id order. */
export async function targetPage(
  database: Database,
  brandId: string,
  target: CampaignTarget,
  after: string | null,
  limit: number,
  now: number,
): Promise<string[]> {
  const conditions: SQL[] = [
    sql`s.brand_id = ${brandId}`,
    sql`(select e.action from consent_events e where e.brand_id = s.brand_id and e.customer_id = s.customer_id and e.purpose = ${PUSH_PURPOSE} order by e.seq desc limit 1) = 'grant'`,
  ];
  if (after) conditions.push(sql`s.customer_id > ${after}`);
  if (target.tiers && target.tiers.length > 0) {
    const ranges = await tierRanges(database, brandId, target.tiers);
    if (ranges.length === 0) return [];
    const inRange = ranges.map((r) =>
      r.to === undefined
        ? sql`c.lifetime_points >= ${r.from}`
        : sql`(c.lifetime_points >= ${r.from} and c.lifetime_points < ${r.to})`,
    );
    conditions.push(
      sql`exists (select 1 from cards c where c.brand_id = s.brand_id and c.customer_id = s.customer_id and (${sql.join(inRange, sql` or `)}))`,
    );
  }
  const ledger: SQL[] = [];
  if (target.storeIds && target.storeIds.length > 0) {
    ledger.push(
      sql`l.store_id in (${sql.join(
        target.storeIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  if (target.activeWithinDays !== undefined) {
    ledger.push(sql`l.created_at >= ${now - target.activeWithinDays * 86_400_000}`);
  }
  if (ledger.length > 0) {
    conditions.push(
      sql`exists (select 1 from cards c join ledger_entries l on l.brand_id = c.brand_id and l.card_id = c.id where c.brand_id = s.brand_id and c.customer_id = s.customer_id and ${sql.join(ledger, sql` and `)})`,
    );
  }
  const rows = await database.db.all<{ id: string }>(
    sql`select distinct s.customer_id as id from push_subscriptions s where ${sql.join(conditions, sql` and `)} order by s.customer_id limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

/** Of these customers, those whose latest `push` consent event is a grant, as of now. */
export async function grantedPush(
  database: Database,
  brandId: string,
  customerIds: readonly string[],
): Promise<Set<string>> {
  const latest = new Map<string, { seq: number; action: string }>();
  for (const part of chunks(customerIds)) {
    const rows = await database.db
      .select({ customerId: consentEvents.customerId, seq: consentEvents.seq, action: consentEvents.action })
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.brandId, brandId),
          eq(consentEvents.purpose, PUSH_PURPOSE),
          inArray(consentEvents.customerId, part),
        ),
      );
    for (const row of rows) {
      const seen = latest.get(row.customerId);
      if (!seen || row.seq > seen.seq) latest.set(row.customerId, row);
    }
  }
  return new Set([...latest].filter(([, e]) => e.action === 'grant').map(([id]) => id));
}
