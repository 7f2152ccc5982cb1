/**
 * @module db/schema/loyalty
 * Loyalty cards, the append-only points ledger, rewards, vouchers and the bookkeeping that makes
 * POS writes exactly-once (idempotency keys). No column holds PII: a card is tied to an opaque
 * customer id and is itself identified by a random id that doubles as the card number.
 * Balances change only through conditional SQL writes (see loyalty/ledger.ts); the CHECK
 * constraints are a backstop that aborts the whole batch should a write ever try to go negative.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { brandId, brands, createdAt, customerId } from './core.ts';

export const roundingModes = ['floor', 'round', 'ceil'] as const;
export type RoundingMode = (typeof roundingModes)[number];

export type TierRule = { code: string; label: string; threshold: number };

/**
 * Which scanned codes may authorise spending (convert, redeem) at a till. A static pass code can
 * be replayed from a photo, so the default is the rotating code only.
 */
export const spendCodePolicies = ['rotating', 'rotating_or_static'] as const;
export type SpendCodePolicy = (typeof spendCodePolicies)[number];

/** One row per brand, written by the admin API; absent means the defaults in loyalty/rules.ts. */
export const loyaltyRules = sqliteTable('loyalty_rules', {
  brandId: text('brand_id')
    .primaryKey()
    .references(() => brands.id),
  currency: text('currency').notNull(),
  /** Points per major currency unit, in thousandths, so 1.5 points per euro is 1500. */
  milliPointsPerUnit: integer('milli_points_per_unit', { mode: 'number' }).notNull(),
  rounding: text('rounding', { enum: roundingModes }).notNull(),
  voucherTtlDays: integer('voucher_ttl_days', { mode: 'number' }).notNull(),
  tiers: text('tiers', { mode: 'json' }).$type<TierRule[]>().notNull(),
  spendCodes: text('spend_codes', { enum: spendCodePolicies }).notNull().default('rotating'),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

export const rewards = sqliteTable(
  'rewards',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    label: text('label').notNull(),
    costPoints: integer('cost_points', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    retiredAt: integer('retired_at', { mode: 'number' }),
  },
  (t) => [index('rewards_brand_idx').on(t.brandId)],
);

export const cardStatuses = ['active', 'blocked'] as const;
export type CardStatus = (typeof cardStatuses)[number];

export const cards = sqliteTable(
  'cards',
  {
    /** `crd_…`, 128 random bits; also the card number printed on passes. */
    id: text('id').primaryKey(),
    brandId: brandId(),
    customerId: customerId(),
    status: text('status', { enum: cardStatuses }).notNull().default('active'),
    points: integer('points', { mode: 'number' }).notNull().default(0),
    /** Points ever earned minus reversed earns; drives the tier. */
    lifetimePoints: integer('lifetime_points', { mode: 'number' }).notNull().default(0),
    /** Highest TOTP time step accepted so far: a rotating code is good once, and never an older one. */
    lastTotpStep: integer('last_totp_step', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('cards_brand_customer_uq').on(t.brandId, t.customerId),
    check('cards_points_non_negative', sql`${t.points} >= 0`),
    check('cards_lifetime_non_negative', sql`${t.lifetimePoints} >= 0`),
  ],
);

export const ledgerKinds = ['earn', 'convert', 'redeem', 'reverse'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/** Append-only: rows are inserted, never updated or deleted. A refund is a new `reverse` row. */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    /** Signed change of the balance (0 for a voucher redemption). */
    points: integer('points', { mode: 'number' }).notNull(),
    balanceAfter: integer('balance_after', { mode: 'number' }).notNull(),
    /** Earn: amount in minor units and ISO 4217 currency, as the till sent them. */
    amountMinor: integer('amount_minor', { mode: 'number' }),
    currency: text('currency'),
    receiptRef: text('receipt_ref'),
    voucherId: text('voucher_id'),
    /** For a `reverse` row: the entry it undoes. Unique, so an entry is reversed at most once. */
    reversesEntryId: text('reverses_entry_id'),
    storeId: text('store_id'),
    deviceId: text('device_id'),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('ledger_brand_card_idx').on(t.brandId, t.cardId, t.createdAt),
    uniqueIndex('ledger_reverses_uq').on(t.reversesEntryId),
  ],
);

export const voucherStatuses = ['active', 'redeemed'] as const;

export const vouchers = sqliteTable(
  'vouchers',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    rewardId: text('reward_id')
      .notNull()
      .references(() => rewards.id),
    label: text('label').notNull(),
    status: text('status', { enum: voucherStatuses }).notNull(),
    issuedAt: integer('issued_at', { mode: 'number' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
    redeemedAt: integer('redeemed_at', { mode: 'number' }),
    /** The `redeem` ledger entry that consumed it; set by the same conditional write. */
    redeemedEntryId: text('redeemed_entry_id'),
  },
  (t) => [index('vouchers_brand_card_idx').on(t.brandId, t.cardId, t.status)],
);

export const idempotencyStates = ['pending', 'done'] as const;

/**
 * One row per (brand, owner, key). `owner` is the API key id of a device or a customer id, so two
 * devices cannot collide on a key. `token` is the claim of the request that is executing it.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    brandId: brandId(),
    owner: text('owner').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: idempotencyStates }).notNull(),
    token: text('token').notNull(),
    /** Success: the ledger entry the response is rendered from. */
    entryId: text('entry_id'),
    /** Refusal: the problem code and detail that are replayed. */
    problemCode: text('problem_code'),
    problemDetail: text('problem_detail'),
    lockedAt: integer('locked_at', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  // The retention sweep deletes by age (see loyalty/idempotency).
  (t) => [
    primaryKey({ columns: [t.brandId, t.owner, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);

export const loyaltyTables = { loyaltyRules, rewards, cards, ledgerEntries, vouchers, idempotencyKeys };
