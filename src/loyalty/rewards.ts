/**
 * @module loyalty/rewards
 * The brand's rewards catalogue: what a number of points buys as a voucher. Retired rewards stay
 * (vouchers point at them) but can no longer be bought.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { rewards } from '../db/schema/index.ts';

export type Reward = typeof rewards.$inferSelect;

export async function createReward(
  { db }: Database,
  brandId: string,
  input: { label: string; costPoints: number },
  now: number,
): Promise<Reward> {
  const [row] = await db
    .insert(rewards)
    .values({ id: randomId('rwd'), brandId, ...input, createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listRewards({ db }: Database, brandId: string): Promise<Reward[]> {
  return db
    .select()
    .from(rewards)
    .where(and(eq(rewards.brandId, brandId), isNull(rewards.retiredAt)))
    .orderBy(asc(rewards.costPoints), asc(rewards.id));
}

export async function retireReward({ db }: Database, brandId: string, rewardId: string, now: number) {
  const rows = await db
    .update(rewards)
    .set({ retiredAt: now })
    .where(and(eq(rewards.brandId, brandId), eq(rewards.id, rewardId), isNull(rewards.retiredAt)))
    .returning({ id: rewards.id });
  return rows.length > 0;
}
