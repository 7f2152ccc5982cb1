/**
 * @module db/schema/push
 * Web push (src/push). Invariant 1: nothing here names a person. A subscription is the browser's
 * push endpoint (a capability URL minted by the push service) and its two public keys, linked to
 * the opaque customer id only. Campaigns hold the brand's message texts and counts; the per-customer
 * row holds when the last campaign reached the customer, for the frequency cap.
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { brandId, brands, createdAt, customerId } from './core.ts';

/** One VAPID (RFC 8292) key pair per brand; the private JWK is sealed with the relay key. */
export const pushVapidKeys = sqliteTable('push_vapid_keys', {
  brandId: text('brand_id')
    .primaryKey()
    .references(() => brands.id),
  /** The uncompressed P-256 point, base64url: what `applicationServerKey` takes. */
  publicKey: text('public_key').notNull(),
  /** The private JWK, AES-256-GCM under the relay key; AAD binds the brand. */
  sealedPrivateKey: text('sealed_private_key').notNull(),
  createdAt: createdAt(),
});

export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    /** `psub_…` */
    id: text('id').primaryKey(),
    brandId: brandId(),
    customerId: customerId(),
    endpoint: text('endpoint').notNull(),
    /** The browser's ECDH public key (65 bytes) and auth secret (16 bytes), base64url. */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /** The language the shopper's page asked for, to pick a campaign's locale variant. */
    locale: text('locale'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_brand_endpoint_uq').on(t.brandId, t.endpoint),
    index('push_subscriptions_brand_customer_idx').on(t.brandId, t.customerId),
  ],
);

export const campaignStatuses = ['scheduled', 'sending', 'sent', 'cancelled'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export type CampaignMessage = { title: string; body: string; url?: string | undefined };
export type CampaignTarget = {
  tiers?: string[] | undefined;
  storeIds?: string[] | undefined;
  activeWithinDays?: number | undefined;
};

export const pushCampaigns = sqliteTable(
  'push_campaigns',
  {
    /** `cmp_…` */
    id: text('id').primaryKey(),
    brandId: brandId(),
    status: text('status', { enum: campaignStatuses }).notNull(),
    /** The default message and one per locale: brand-written texts, never about a person. */
    message: text('message', { mode: 'json' }).$type<CampaignMessage>().notNull(),
    variants: text('variants', { mode: 'json' }).$type<Record<string, CampaignMessage>>().notNull(),
    target: text('target', { mode: 'json' }).$type<CampaignTarget>().notNull(),
    ttlSeconds: integer('ttl_seconds', { mode: 'number' }).notNull(),
    urgency: text('urgency', { enum: ['very-low', 'low', 'normal', 'high'] }).notNull(),
    topic: text('topic'),
    sendAt: integer('send_at', { mode: 'number' }).notNull(),
    targeted: integer('targeted', { mode: 'number' }).notNull().default(0),
    sent: integer('sent', { mode: 'number' }).notNull().default(0),
    failed: integer('failed', { mode: 'number' }).notNull().default(0),
    pruned: integer('pruned', { mode: 'number' }).notNull().default(0),
    /** Customers skipped at send time: consent withdrawn, or the frequency cap. */
    skipped: integer('skipped', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    startedAt: integer('started_at', { mode: 'number' }),
    /** The last customer id handed to the queue: a retried fan-out page is not counted twice. */
    fanOutCursor: text('fan_out_cursor'),
    /** When the last page of targets was handed to the queue. */
    fannedOutAt: integer('fanned_out_at', { mode: 'number' }),
  },
  (t) => [index('push_campaigns_due_idx').on(t.status, t.sendAt)],
);

/**
 * The last campaign that reached each customer, and when: claiming this row (a conditional
 * upsert) is both the frequency cap and what keeps a retried batch from sending twice.
 */
export const pushCustomerSends = sqliteTable(
  'push_customer_sends',
  {
    brandId: brandId(),
    customerId: customerId(),
    campaignId: text('campaign_id').notNull(),
    sentAt: integer('sent_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.customerId] })],
);

export const pushTables = { pushVapidKeys, pushSubscriptions, pushCampaigns, pushCustomerSends };
