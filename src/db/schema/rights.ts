/**
 * @module db/schema/rights
 * Data subject rights (src/rights). Invariant 1: no column names a person. An erasure row is the
 * request's resumable state (one status per step) and, once done, the tombstone: the opaque
 * customer id, when it was erased and, only where the brand keeps one for its documentation duty,
 * a keyed hash of the email (HMAC under the server pepper and the brand), never the address.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { brandId, brands } from './core.ts';

/** Per-brand settings of the rights features; absent means the defaults in rights/settings.ts. */
export const rightsSettings = sqliteTable('rights_settings', {
  brandId: text('brand_id')
    .primaryKey()
    .references(() => brands.id),
  /**
   * Keep HMAC(pepper, brand ‖ email) in the tombstone (`contact_proof`), so a past consent can
   * still be proven when the brand is shown the full address. Column names avoid PII words.
   */
  keepContactProof: integer('keep_contact_proof', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

export const erasureSources = ['shopper', 'admin', 'apple'] as const;
export type ErasureSource = (typeof erasureSources)[number];
export const erasureStatuses = ['running', 'done', 'failed'] as const;
export type ErasureStatus = (typeof erasureStatuses)[number];

/** One step of an erasure: what it touched is never named here, only how it went. */
export type ErasureStep = {
  name: string;
  status: 'pending' | 'done' | 'failed' | 'skipped';
  attempts: number;
  /** Last error, as a short text that never quotes data. */
  error?: string | undefined;
  doneAt?: number | undefined;
};

export const erasures = sqliteTable(
  'rights_erasures',
  {
    /** `era_…`: the request id shown to the shopper and the brand. */
    id: text('id').primaryKey(),
    brandId: brandId(),
    /** The erased customer's opaque id; the customers row stays too, unlinked, for the consent ledger. */
    customerId: text('customer_id').notNull(),
    source: text('source', { enum: erasureSources }).notNull(),
    status: text('status', { enum: erasureStatuses }).notNull(),
    steps: text('steps', { mode: 'json' }).$type<ErasureStep[]>().notNull(),
    /** Hex HMAC of the lower-cased email, only with the brand's keepContactProof on. */
    contactProof: text('contact_proof'),
    requestedAt: integer('requested_at', { mode: 'number' }).notNull(),
    /** The tombstone's erased-at: when the last local row linking to the customer went. */
    erasedAt: integer('erased_at', { mode: 'number' }),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('rights_erasures_brand_customer_idx').on(t.brandId, t.customerId),
    index('rights_erasures_brand_proof_idx').on(t.brandId, t.contactProof),
  ],
);

export const rightsTables = { rightsSettings, erasures };
