/**
 * @module db/schema/google-wallet
 * Google Wallet: each brand's issuer (programme design in clear, service-account key sealed) and
 * one loyalty object per card. Invariant 1: nothing here names a person. An object row links
 * Google's object id (the card number under the issuer) to a card, with what was last sent and
 * when the shopper was last notified, so updates coalesce and stay within Google's 3 per 24 h.
 */
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { brandId, createdAt } from './core.ts';
import { cards } from './loyalty.ts';

export const googleWalletIssuers = sqliteTable('google_wallet_issuers', {
  brandId: brandId().primaryKey(),
  /** Bumped by every change: keys the prepared-issuer cache and marks the class for a patch. */
  version: integer('version').notNull(),
  issuerId: text('issuer_id').notNull(),
  /** Programme name, logo URL, colour, labels (see wallet/google/issuer-schema). */
  definition: text('definition', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** The service-account key JSON, sealed with the relay key; AAD binds the brand. */
  sealedKey: text('sealed_key').notNull(),
  /** The issuer version whose LoyaltyClass Google holds; behind `version`, the class is patched. */
  classVersion: integer('class_version').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

export const googleWalletObjects = sqliteTable(
  'google_wallet_objects',
  {
    brandId: brandId(),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    /** Whether Google holds the object (inserted): until then a change has nothing to patch. */
    inserted: integer('inserted', { mode: 'boolean' }).notNull().default(false),
    /** The points balance last sent, so a change that moved nothing shown is not sent again. */
    sentPoints: integer('sent_points'),
    /** Seconds of the last notifying updates, newest first, at most three (Google's 24 h budget). */
    notifiedAt: text('notified_at', { mode: 'json' }).$type<number[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.cardId] })],
);

export const googleWalletTables = { googleWalletIssuers, googleWalletObjects };
