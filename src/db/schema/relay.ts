/**
 * @module db/schema/relay
 * Tables of the PII relay. Invariant 1: envelopes waiting as jobs (db/schema/jobs) and the dead letters hold contact data only
 * as AES-256-GCM ciphertext (see relay/envelope); connector secrets likewise. Everything else
 * here is metadata: ids, kinds, counters, times, and error texts that never quote a payload.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { brandId, createdAt } from './core.ts';

export const connectorTypes = ['salesforce', 'webhook', 'cegid-y2'] as const;
export type ConnectorType = (typeof connectorTypes)[number];

/** A brand's configured CRM connection. */
export const relayConnectors = sqliteTable(
  'relay_connectors',
  {
    id: text('id').primaryKey(),
    brandId: brandId(),
    type: text('type', { enum: connectorTypes }).notNull(),
    label: text('label').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Why the connector was turned off by the relay itself (e.g. a webhook answered 410). */
    disabledReason: text('disabled_reason'),
    /** The non-secret part of the config, as validated by the connector's manifest. */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The secret fields, sealed with the relay key; AAD binds brand and connector id. */
    sealedSecrets: text('sealed_secrets').notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('relay_connectors_brand_idx').on(t.brandId)],
);

/** Envelopes that could not be delivered: metadata, and the ciphertext until the retention limit. */
export const relayDeadLetters = sqliteTable(
  'relay_dead_letters',
  {
    id: text('id').primaryKey(),
    brandId: text('brand_id').notNull(),
    eventId: text('event_id').notNull(),
    kind: text('kind').notNull(),
    connectorId: text('connector_id').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    /** Null once the retention limit has passed: the metadata stays, the data is gone. */
    ciphertext: text('ciphertext'),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    deadAt: integer('dead_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('relay_dead_letters_brand_idx').on(t.brandId, t.deadAt)],
);

export const relayTables = { relayConnectors, relayDeadLetters };
