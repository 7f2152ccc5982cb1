/**
 * @module db/schema/wallet
 * Apple Wallet: each brand's pass template (design in clear, signing credentials sealed), its
 * images, one pass per card, and the devices that registered passes for updates. Invariant 1:
 * nothing here names a person. A pass row links a random serial to a card; the authentication
 * token exists only as its SHA-256; a device is Wallet's random device library id and its push
 * token; device log lines are scrubbed before they are stored.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { brandId, createdAt } from './core.ts';
import { cards } from './loyalty.ts';

export const applePassTemplates = sqliteTable(
  'apple_pass_templates',
  {
    brandId: brandId().primaryKey(),
    /** Bumped by every change of the template or its images: keys the prepared-template cache. */
    version: integer('version').notNull(),
    /** Colours, texts, field layout and localisations (see wallet/apple/template-schema). */
    definition: text('definition', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /**
     * From the certificate's subject (UID, OU). Brands run by one Apple team may share a pass
     * type id; serials are global, and every lookup by pass type id goes through a brand's rows.
     */
    passTypeId: text('pass_type_id').notNull(),
    teamId: text('team_id').notNull(),
    /** Certificate, key, WWDR and APNs key, sealed with the relay key; AAD binds the brand. */
    sealedCredentials: text('sealed_credentials').notNull(),
    certificateNotAfter: integer('certificate_not_after', { mode: 'number' }).notNull(),
    apnsAuth: text('apns_auth', { enum: ['certificate', 'token'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('apple_pass_templates_pass_type_idx').on(t.passTypeId)],
);

export const applePassImageNames = [
  'icon',
  'icon@2x',
  'icon@3x',
  'logo',
  'logo@2x',
  'logo@3x',
  'strip',
  'strip@2x',
  'strip@3x',
] as const;
export type ApplePassImageName = (typeof applePassImageNames)[number];

export const applePassImages = sqliteTable(
  'apple_pass_images',
  {
    brandId: brandId(),
    /** Which image: icon, logo or strip at a scale (the file is `<slot>.png`). */
    slot: text('slot', { enum: applePassImageNames }).notNull(),
    /** The PNG, base64: read once per template version, then served from the prepared cache. */
    png: text('png').notNull(),
    sha1: text('sha1').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.slot] })],
);

export const applePasses = sqliteTable(
  'apple_passes',
  {
    /** `aps_…`, random: the pass never carries the card or customer id as its serial. */
    serial: text('serial').primaryKey(),
    brandId: brandId(),
    cardId: text('card_id')
      .notNull()
      .references(() => cards.id),
    /** SHA-256 (hex) of the pass's authenticationToken. */
    tokenHash: text('token_hash').notNull(),
    /**
     * Modification tag in seconds, strictly increasing per pass (`MAX(updated_s + 1, now)`), so
     * two updates in one second still differ for `passesUpdatedSince` and `If-Modified-Since`.
     */
    updatedS: integer('updated_s', { mode: 'number' }).notNull(),
    voided: integer('voided', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('apple_passes_card_uq').on(t.brandId, t.cardId)],
);

export const appleDevices = sqliteTable(
  'apple_devices',
  {
    brandId: brandId(),
    deviceLibraryId: text('device_library_id').notNull(),
    pushToken: text('push_token').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.deviceLibraryId] })],
);

export const appleRegistrations = sqliteTable(
  'apple_registrations',
  {
    brandId: brandId(),
    deviceLibraryId: text('device_library_id').notNull(),
    serial: text('serial')
      .notNull()
      .references(() => applePasses.serial),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.deviceLibraryId, t.serial] }),
    index('apple_registrations_serial_idx').on(t.serial),
  ],
);

/** What Wallet reports to `POST /v1/log`, scrubbed, attributed to a brand by pass type id. */
export const appleDeviceLogs = sqliteTable(
  'apple_device_logs',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    message: text('message').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('apple_device_logs_brand_idx').on(t.brandId, t.createdAt)],
);

export const walletTables = {
  applePassTemplates,
  applePassImages,
  applePasses,
  appleDevices,
  appleRegistrations,
  appleDeviceLogs,
};
