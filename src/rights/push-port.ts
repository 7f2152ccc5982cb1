/**
 * @module rights/push-port
 * The rights features' hook into web push (src/push). Push subscriptions are being built in their
 * own area; until it exports its forget/list functions, a customer has no subscription here and
 * these hooks answer so. Replace the bodies with calls into src/push once it lands
 * (`deletePushSubscriptions(...)`), keeping the signatures.
 */
import type { Database } from '../db/database.ts';

type PushPortDeps = { database: Database };

export type PushSubscriptionView = { origin: string; createdAt: number };

/** The customer's push subscriptions, as the origin of their endpoint only. */
export async function pushSubscriptionsOf(
  _deps: PushPortDeps,
  _brandId: string,
  _customerId: string,
): Promise<PushSubscriptionView[]> {
  return [];
}

/** Erasure step `push`: forgets the customer's subscriptions. Answers how many went. */
export async function forgetPushSubscriptions(
  _deps: PushPortDeps,
  _brandId: string,
  _customerId: string,
): Promise<{ deleted: number; hooked: boolean }> {
  return { deleted: 0, hooked: false };
}
