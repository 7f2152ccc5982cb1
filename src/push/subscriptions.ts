/**
 * @module push/subscriptions
 * A shopper's web push subscriptions: the endpoint the browser's push service minted and its two
 * keys, stored with the customer id only. An endpoint must be https on an allowlisted push-service
 * origin, so a brand's page can never make zeropass send requests anywhere else (SSRF).
 *
 * `deletePushSubscriptions` and `listPushSubscriptionOrigins` are what data-subject rights
 * (src/rights) calls on erasure and export: the feature forgets through its own interface.
 * @see https://www.w3.org/TR/push-api/#pushsubscription-interface
 */
import { and, eq, inArray } from 'drizzle-orm';
import { fromBase64url, randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { pushCustomerSends, pushSubscriptions } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';

export type SubscriptionInput = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  locale?: string | undefined;
};

export type StoredSubscription = typeof pushSubscriptions.$inferSelect;

/**
 * Whether an origin is on the allowlist: exact origins (`https://fcm.googleapis.com`) or a
 * wildcard of subdomains (`https://*.push.apple.com`).
 */
export function originAllowed(origin: string, allowlist: readonly string[]): boolean {
  for (const entry of allowlist) {
    if (entry === origin) return true;
    if (entry.startsWith('https://*.') && origin.startsWith('https://')) {
      const suffix = entry.slice('https://*'.length);
      const host = origin.slice('https://'.length);
      if (host.endsWith(suffix) && host.length > suffix.length && !host.includes(':')) return true;
    }
  }
  return false;
}

function decodedLength(text: string): number {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return -1;
  try {
    return fromBase64url(text.replace(/=+$/, '')).length;
  } catch {
    return -1;
  }
}

/** Checks a subscription as the browser handed it over; answers it normalised or a 400. */
export function checkSubscription(
  input: SubscriptionInput,
  allowlist: readonly string[],
): Result<SubscriptionInput & { origin: string }> {
  let url: URL;
  try {
    url = new URL(input.endpoint);
  } catch {
    return err('invalid_request', 'endpoint must be a URL');
  }
  if (url.protocol !== 'https:') return err('invalid_request', 'endpoint must be https');
  if (url.username || url.password) return err('invalid_request', 'endpoint must not carry credentials');
  if (!originAllowed(url.origin, allowlist)) {
    return err('invalid_request', 'endpoint is not on a known push service');
  }
  const p256dh = input.keys.p256dh.replace(/=+$/, '');
  const auth = input.keys.auth.replace(/=+$/, '');
  // An uncompressed P-256 point (0x04 ‖ x ‖ y) and a 16-byte secret, as RFC 8291 §2–3 require.
  if (decodedLength(p256dh) !== 65 || fromBase64url(p256dh)[0] !== 4) {
    return err('invalid_request', 'keys.p256dh must be an uncompressed P-256 public key, base64url');
  }
  if (decodedLength(auth) !== 16) return err('invalid_request', 'keys.auth must be 16 bytes, base64url');
  return ok({ endpoint: url.href, keys: { p256dh, auth }, locale: input.locale, origin: url.origin });
}

/**
 * Saves a subscription for the customer. An endpoint is one browser profile: when another
 * customer of the brand signs in there and subscribes, the endpoint moves to them.
 */
export async function saveSubscription(
  database: Database,
  brandId: string,
  customerId: string,
  input: SubscriptionInput,
): Promise<StoredSubscription> {
  const values = {
    customerId,
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    locale: input.locale ?? null,
  };
  const [row] = await database.db
    .insert(pushSubscriptions)
    .values({ id: randomId('psub'), brandId, endpoint: input.endpoint, ...values })
    .onConflictDoUpdate({ target: [pushSubscriptions.brandId, pushSubscriptions.endpoint], set: values })
    .returning();
  if (!row) throw new Error('subscription upsert returned nothing');
  return row;
}

export async function listSubscriptions(database: Database, brandId: string, customerId: string) {
  return database.db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.brandId, brandId), eq(pushSubscriptions.customerId, customerId)));
}

/** Removes one of the customer's subscriptions; false when it is not theirs or not there. */
export async function removeSubscription(
  database: Database,
  brandId: string,
  customerId: string,
  subscriptionId: string,
): Promise<boolean> {
  const gone = await database.db
    .delete(pushSubscriptions)
    .where(
      and(
        eq(pushSubscriptions.brandId, brandId),
        eq(pushSubscriptions.customerId, customerId),
        eq(pushSubscriptions.id, subscriptionId),
      ),
    )
    .returning({ id: pushSubscriptions.id });
  return gone.length > 0;
}

/** Deletes subscriptions the push service said are gone (404/410); answers how many were. */
export async function pruneSubscriptions(database: Database, brandId: string, ids: readonly string[]) {
  if (ids.length === 0) return 0;
  let pruned = 0;
  for (let i = 0; i < ids.length; i += 90) {
    const gone = await database.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.brandId, brandId), inArray(pushSubscriptions.id, ids.slice(i, i + 90))))
      .returning({ id: pushSubscriptions.id });
    pruned += gone.length;
  }
  return pruned;
}

/**
 * Erasure: forgets every push subscription of the customer and the record of the last campaign
 * that reached them. Answers how many subscriptions there were. Idempotent.
 */
export async function deletePushSubscriptions(
  database: Database,
  brandId: string,
  customerId: string,
): Promise<number> {
  const [gone] = await database.batch([
    database.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.brandId, brandId), eq(pushSubscriptions.customerId, customerId)))
      .returning({ id: pushSubscriptions.id }),
    database.db
      .delete(pushCustomerSends)
      .where(and(eq(pushCustomerSends.brandId, brandId), eq(pushCustomerSends.customerId, customerId))),
  ]);
  return (gone as unknown[]).length;
}

/**
 * Export: the push-service origins of the customer's subscriptions (e.g.
 * `https://fcm.googleapis.com`), each once, sorted. The endpoint itself is a bearer capability to
 * message the browser, so it stays out of an export file.
 */
export async function listPushSubscriptionOrigins(
  database: Database,
  brandId: string,
  customerId: string,
): Promise<string[]> {
  const rows = await database.db
    .select({ endpoint: pushSubscriptions.endpoint })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.brandId, brandId), eq(pushSubscriptions.customerId, customerId)));
  return [...new Set(rows.map((r) => new URL(r.endpoint).origin))].sort();
}
