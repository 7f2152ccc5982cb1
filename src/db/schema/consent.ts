/**
 * @module db/schema/consent
 * Purposes, layouts, the consent ledger, pending double opt-ins and receipt signing keys.
 * Invariant 1 and 3: no row holds what a shopper typed. Layouts hold field *definitions*; the
 * ledger holds customer IDs, purposes, notice hashes, a truncated IP and a browser family.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { brandId, createdAt, customerId } from './core.ts';

/** A brand's purposes: overrides of the standard ones and its custom ones. */
export const consentPurposes = sqliteTable(
  'consent_purposes',
  {
    brandId: brandId(),
    purpose: text('purpose').notNull(),
    /** Brand-chosen label of a custom purpose (shown in `{{purpose}}`); null for standard ones. */
    label: text('label'),
    crmChannel: text('crm_channel').notNull(),
    crmPurpose: text('crm_purpose').notNull(),
    doubleOptIn: integer('double_opt_in', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.purpose] })],
);

export type LayoutFieldType =
  | 'email'
  | 'phone'
  | 'text'
  | 'date'
  | 'postal_code'
  | 'store'
  | 'number'
  | 'boolean'
  | 'choice';
export type LayoutField = {
  key: string;
  type: LayoutFieldType;
  required: boolean;
  custom: boolean;
  label?: string | undefined;
  maxLength?: number | undefined;
  options?: string[] | undefined;
};

export const layouts = sqliteTable(
  'layouts',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    fields: text('fields', { mode: 'json' }).$type<LayoutField[]>().notNull(),
    purposes: text('purposes', { mode: 'json' }).$type<string[]>().notNull(),
    templateId: text('template_id').notNull(),
    locales: text('locales', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('layouts_brand_slug_uq').on(t.brandId, t.slug)],
);

export const consentActions = ['grant', 'withdraw'] as const;
export const consentMethods = ['checkbox', 'gpc', 'api', 'doi'] as const;

/**
 * The ledger: append-only and hash-chained per brand. `seq` is 1, 2, 3… per brand and unique; an
 * append claims the next one inside its own write (max + 1), so concurrent appends never collide.
 * `prev_hash` and `hash` are '' from that write until the row is sealed (consent/ledger), which
 * happens right after, in seq order, once; sealed rows always form a prefix of the chain.
 */
export const consentEvents = sqliteTable(
  'consent_events',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    seq: integer('seq').notNull(),
    customerId: customerId(),
    purpose: text('purpose').notNull(),
    action: text('action', { enum: consentActions }).notNull(),
    method: text('method', { enum: consentMethods }).notNull(),
    noticeVersion: text('notice_version').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    layoutId: text('layout_id'),
    gpc: integer('gpc', { mode: 'boolean' }).notNull(),
    /** IPv4 /24 or IPv6 /48, e.g. `203.0.113.0/24`; never the full address. */
    ipPrefix: text('ip_prefix'),
    uaFamily: text('ua_family'),
    recordedAt: integer('recorded_at', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('consent_events_brand_seq_uq').on(t.brandId, t.seq),
    index('consent_events_brand_customer_idx').on(t.brandId, t.customerId),
    /** Only rows waiting to be sealed: a handful at most, so finding them costs nothing. */
    index('consent_events_unsealed_idx').on(t.brandId, t.seq).where(sql`hash = ''`),
  ],
);

/** A consent waiting for double opt-in. Confirmed at most once, before it expires. */
export const consentConfirmations = sqliteTable(
  'consent_confirmations',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    customerId: customerId(),
    purpose: text('purpose').notNull(),
    noticeVersion: text('notice_version').notNull(),
    jurisdiction: text('jurisdiction').notNull(),
    layoutId: text('layout_id'),
    requestedAt: integer('requested_at', { mode: 'number' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
    confirmedAt: integer('confirmed_at', { mode: 'number' }),
    cancelledAt: integer('cancelled_at', { mode: 'number' }),
    /**
     * The brand's ledger seq when the link was issued. Confirming grants only if no event for
     * this customer and purpose came after it: a withdrawal in between always wins.
     * Null on rows issued before this column existed.
     */
    basisSeq: integer('basis_seq'),
  },
  (t) => [index('consent_confirmations_brand_customer_idx').on(t.brandId, t.customerId)],
);

/** One ES256 receipt key per brand. The private JWK is AES-256-GCM ciphertext, never clear. */
export const receiptKeys = sqliteTable('receipt_keys', {
  brandId: brandId().primaryKey(),
  kid: text('kid').notNull().unique(),
  publicJwk: text('public_jwk', { mode: 'json' }).$type<JsonWebKey>().notNull(),
  sealedPrivateJwk: text('sealed_private_jwk').notNull(),
  createdAt: createdAt(),
});

export const consentTables = { consentPurposes, layouts, consentEvents, consentConfirmations, receiptKeys };
