/**
 * @module loyalty/cards
 * One card per customer per brand, created on first need with an atomic insert-or-ignore.
 * What a till may see of a card is `Entitlements`: status, tier, points, vouchers. Nothing else
 * about the customer exists here to be shown.
 */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { Database, Drizzle } from '../db/database.ts';
import { preparedRow } from '../db/prepared.ts';
import { cards, rewards, type SpendCodePolicy, type TierRule, vouchers } from '../db/schema/index.ts';
import { DEFAULT_RULES, type LoyaltyRules, tierFor } from './rules.ts';

export type Card = typeof cards.$inferSelect;
export type Voucher = typeof vouchers.$inferSelect;

export async function ensureCard(
  { db }: Database,
  brandId: string,
  customerId: string,
  now: number,
): Promise<Card> {
  const [created] = await db
    .insert(cards)
    .values({ id: randomId('crd'), brandId, customerId, createdAt: now })
    .onConflictDoNothing({ target: [cards.brandId, cards.customerId] })
    .returning();
  if (created) return created;
  const [existing] = await db
    .select()
    .from(cards)
    .where(and(eq(cards.brandId, brandId), eq(cards.customerId, customerId)));
  if (!existing) throw new Error('card vanished between insert and select');
  return existing;
}

export async function getCard({ db }: Database, brandId: string, cardId: string): Promise<Card | undefined> {
  const [row] = await db
    .select()
    .from(cards)
    .where(and(eq(cards.brandId, brandId), eq(cards.id, cardId)));
  return row;
}

/** Active, unexpired vouchers of a card, soonest expiry first. */
export async function availableVouchers(
  { db }: Database,
  brandId: string,
  cardId: string,
  now: number,
): Promise<Voucher[]> {
  return db
    .select()
    .from(vouchers)
    .where(
      and(
        eq(vouchers.brandId, brandId),
        eq(vouchers.cardId, cardId),
        eq(vouchers.status, 'active'),
        gt(vouchers.expiresAt, now),
      ),
    )
    .orderBy(asc(vouchers.expiresAt), asc(vouchers.id))
    .limit(50);
}

/**
 * Consumes a rotating code's time step: succeeds only if no code of this or a later step was
 * accepted before, so a code works once and a photographed older code never does.
 */
export async function consumeTotpStep(
  { db }: Database,
  brandId: string,
  cardId: string,
  step: number,
): Promise<'consumed' | 'replayed' | 'unknown_card'> {
  const [row] = await db
    .update(cards)
    .set({ lastTotpStep: step })
    .where(and(eq(cards.brandId, brandId), eq(cards.id, cardId), lt(cards.lastTotpStep, step)))
    .returning({ id: cards.id });
  if (row) return 'consumed';
  return (await getCard({ db } as Database, brandId, cardId)) ? 'replayed' : 'unknown_card';
}

export type Entitlements = {
  card: string;
  status: Card['status'];
  tier: { code: string; label: string } | null;
  points: number;
  vouchers: { id: string; label: string; expiresAt: string }[];
};

export function entitlements(card: Card, rules: LoyaltyRules, available: Voucher[]): Entitlements {
  const tier = tierFor(rules, card.lifetimePoints);
  return {
    card: card.id,
    status: card.status,
    tier: tier ? { code: tier.code, label: tier.label } : null,
    points: card.points,
    vouchers: available.map((v) => ({
      id: v.id,
      label: v.label,
      expiresAt: new Date(v.expiresAt).toISOString(),
    })),
  };
}

/**
 * The scan lookup (card, the brand's tiers, available vouchers) as one statement, read as one
 * row of values (see db/prepared): this runs per scan.
 */
const entitlementsRow = preparedRow<{ cardId: string; brandId: string; now: number }>((db: Drizzle) => {
  const now = sql.placeholder('now');
  return db
    .select({
      id: cards.id,
      status: cards.status,
      points: cards.points,
      lifetimePoints: cards.lifetimePoints,
      // Outer columns are spelled out: drizzle renders a lone table's columns unqualified, and in
      // a subquery an unqualified `id` would mean the voucher's own id.
      tiers: sql<string | null>`(SELECT r.tiers FROM loyalty_rules r WHERE r.brand_id = cards.brand_id)`,
      vouchers: sql<string>`(SELECT json_group_array(json_object('id', v.id, 'label', v.label, 'expiresAt', v.expires_at))
        FROM (SELECT id, label, expires_at FROM vouchers
              WHERE brand_id = cards.brand_id AND card_id = cards.id AND status = 'active' AND expires_at > ${now}
              ORDER BY expires_at, id LIMIT 50) v)`,
      // Last: rows are read as arrays in select order (EntitlementsRow).
      spendCodes: sql<SpendCodePolicy | null>`(SELECT r.spend_codes FROM loyalty_rules r WHERE r.brand_id = cards.brand_id)`,
    })
    .from(cards)
    .where(and(eq(cards.id, sql.placeholder('cardId')), eq(cards.brandId, sql.placeholder('brandId'))))
    .limit(1);
});
type EntitlementsRow = [
  id: string,
  status: Card['status'],
  points: number,
  lifetimePoints: number,
  tiers: string | null,
  vouchers: string,
  spendCodes: SpendCodePolicy | null,
];

/** Entitlements in one round trip; undefined when the brand has no such card. */
export async function loadEntitlements(
  database: Database,
  brandId: string,
  cardId: string,
  now: number,
): Promise<Entitlements | undefined> {
  return (await loadScanView(database, brandId, cardId, now))?.entitlements;
}

/**
 * What a scan answers, from the same single statement: the entitlements, and the brand's policy
 * on which codes may authorise spending (so the till learns at the scan whether it can spend).
 */
export async function loadScanView(
  database: Database,
  brandId: string,
  cardId: string,
  now: number,
): Promise<{ entitlements: Entitlements; spendCodes: SpendCodePolicy } | undefined> {
  const row = (await entitlementsRow(database, { cardId, brandId, now })) as EntitlementsRow | undefined;
  if (!row) return undefined;
  const [id, status, points, lifetimePoints, tierRules, voucherList, spendCodes] = row;
  const tiers = tierRules ? (JSON.parse(tierRules) as TierRule[]) : DEFAULT_RULES.tiers;
  const tier = tierFor({ ...DEFAULT_RULES, tiers }, lifetimePoints);
  const vouchers = JSON.parse(voucherList) as { id: string; label: string; expiresAt: number }[];
  const entitlements: Entitlements = {
    card: id,
    status,
    tier: tier ? { code: tier.code, label: tier.label } : null,
    points,
    vouchers: vouchers.map((v) => ({ ...v, expiresAt: new Date(v.expiresAt).toISOString() })),
  };
  return { entitlements, spendCodes: spendCodes ?? DEFAULT_RULES.spendCodes };
}

/** Blocks or unblocks a card; answers its balance, or undefined when the brand has no such card. */
export async function setCardStatus(
  { db }: Database,
  brandId: string,
  cardId: string,
  status: Card['status'],
): Promise<{ points: number } | undefined> {
  const [row] = await db
    .update(cards)
    .set({ status })
    .where(and(eq(cards.brandId, brandId), eq(cards.id, cardId)))
    .returning({ points: cards.points });
  return row;
}

export async function getReward({ db }: Database, brandId: string, rewardId: string) {
  const [row] = await db
    .select()
    .from(rewards)
    .where(and(eq(rewards.brandId, brandId), eq(rewards.id, rewardId)));
  return row;
}
