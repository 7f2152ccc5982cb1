/**
 * @module db/schema/core
 * The one drizzle schema (SQLite dialect) behind D1 and libsql.
 * Invariant 1: no column holds PII. Labels are brand-chosen names of things (stores, devices),
 * never of people; the Apple `sub` exists here only as an HMAC (`apple_link`).
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Column builders every area's tables share. */
export const createdAt = () =>
  integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);
/** The owning brand: every brand-owned row carries it, and every query filters on it. */
export const brandId = () =>
  text('brand_id')
    .notNull()
    .references(() => brands.id);
export const customerId = () =>
  text('customer_id')
    .notNull()
    .references(() => customers.id);

export const brands = sqliteTable('brands', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  label: text('label').notNull(),
  /** JSON array of Sign in with Apple client IDs (the `aud` values this brand accepts). */
  appleClientIds: text('apple_client_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Sign in with Apple refuses identity tokens without a nonce matching the one the client sent. */
  requireNonce: integer('require_nonce', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

export const stores = sqliteTable(
  'stores',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    label: text('label').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('stores_brand_idx').on(t.brandId)],
);

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    storeId: text('store_id')
      .notNull()
      .references(() => stores.id),
    label: text('label').notNull(),
    createdAt: createdAt(),
    retiredAt: integer('retired_at', { mode: 'number' }),
  },
  (t) => [index('devices_brand_store_idx').on(t.brandId, t.storeId)],
);

export const apiKeyScopes = ['admin', 'pos', 'consent:read'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    scope: text('scope', { enum: apiKeyScopes }).notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull().unique(),
    /** The first characters of the key, so people can tell keys apart. */
    start: text('start').notNull(),
    label: text('label').notNull(),
    storeId: text('store_id').references(() => stores.id),
    deviceId: text('device_id').references(() => devices.id),
    createdAt: createdAt(),
    revokedAt: integer('revoked_at', { mode: 'number' }),
  },
  (t) => [index('api_keys_brand_idx').on(t.brandId)],
);

export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    /** HMAC-SHA256(pepper, brand ‖ Apple sub), hex. Null for customers enrolled without Apple. */
    appleLink: text('apple_link'),
    /** Shopper sessions issued before this instant (ms) are refused: sign-out everywhere. */
    sessionsValidAfter: integer('sessions_valid_after', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('customers_brand_apple_link_uq').on(t.brandId, t.appleLink)],
);

/**
 * Apple identity tokens already exchanged for a session, so none is exchanged twice. The id is
 * SHA-256 of the token's decoded signature (see identity/apple-token-uses), never the token; a
 * row lives until the token could no longer verify anyway, then the sweep deletes it.
 */
export const appleTokenUses = sqliteTable(
  'apple_token_uses',
  {
    tokenHash: text('token_hash').primaryKey(),
    brandId: brandId(),
    /** Past this instant (ms) the token fails verification on its own: `exp` + clock tolerance. */
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('apple_token_uses_expires_idx').on(t.expiresAt)],
);

export const coreTables = { brands, stores, devices, apiKeys, customers, appleTokenUses };
