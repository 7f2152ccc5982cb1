/**
 * @module loyalty/rules
 * A brand's earning rules: currency, points per currency unit and rounding, tiers by lifetime
 * points, and how long vouchers last. Points are computed with integers only (amounts arrive in
 * minor units), so no float ever decides a balance.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { loyaltyRules, type RoundingMode, type SpendCodePolicy, type TierRule } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';

export type LoyaltyRules = {
  currency: string;
  /** Thousandths of a point per major currency unit. */
  milliPointsPerUnit: number;
  rounding: RoundingMode;
  voucherTtlDays: number;
  /** Sorted by threshold, ascending. */
  tiers: TierRule[];
  /** Which scanned codes authorise spending at a till (see pos/spend.ts). */
  spendCodes: SpendCodePolicy;
};

export const DEFAULT_RULES: LoyaltyRules = {
  currency: 'EUR',
  milliPointsPerUnit: 1000,
  rounding: 'floor',
  voucherTtlDays: 90,
  tiers: [],
  spendCodes: 'rotating',
};

export async function getRules({ db }: Database, brandId: string): Promise<LoyaltyRules> {
  const [row] = await db.select().from(loyaltyRules).where(eq(loyaltyRules.brandId, brandId));
  if (!row) return DEFAULT_RULES;
  const { brandId: _b, updatedAt: _u, ...rules } = row;
  return rules;
}

export async function putRules(
  { db }: Database,
  brandId: string,
  rules: LoyaltyRules,
  now: number,
): Promise<LoyaltyRules> {
  const tiers = [...rules.tiers].sort((a, b) => a.threshold - b.threshold);
  const row = { ...rules, tiers, brandId, updatedAt: now };
  await db
    .insert(loyaltyRules)
    .values(row)
    .onConflictDoUpdate({ target: loyaltyRules.brandId, set: { ...rules, tiers, updatedAt: now } });
  return { ...rules, tiers };
}

/** Digits after the decimal point of an ISO 4217 currency (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

export const MAX_AMOUNT_MINOR = 1_000_000_000;

/** Points earned for an amount in minor units, by the brand's rules. */
export function pointsFor(rules: LoyaltyRules, amountMinor: number, currency: string): Result<number> {
  if (currency !== rules.currency) {
    return err('unprocessable', `This brand earns points in ${rules.currency}, not ${currency}`);
  }
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_AMOUNT_MINOR) {
    return err('invalid_request', 'amount must be a whole number of minor units, 0 to 1e9');
  }
  // amount ≤ 1e9 and milli ≤ 1e5 keep the numerator below 2^53, so integer maths stays exact.
  const numerator = amountMinor * rules.milliPointsPerUnit;
  const denominator = 1000 * 10 ** minorDigits(currency);
  return ok(divide(numerator, denominator, rules.rounding));
}

function divide(numerator: number, denominator: number, rounding: RoundingMode): number {
  const quotient = (numerator - (numerator % denominator)) / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0 || rounding === 'floor') return quotient;
  if (rounding === 'ceil') return quotient + 1;
  return 2 * remainder >= denominator ? quotient + 1 : quotient;
}

/** The highest tier whose threshold the lifetime points reach, or null below the first. */
export function tierFor(rules: LoyaltyRules, lifetimePoints: number): TierRule | null {
  let tier: TierRule | null = null;
  for (const candidate of rules.tiers) if (lifetimePoints >= candidate.threshold) tier = candidate;
  return tier;
}
