/**
 * @module wallet/apple/apns-outcome
 * What both APNs transports share: the checks made before a request is built, and the one mapping
 * from APNs' answer (status, JSON `{"reason": …}` body, `retry-after`, `apns-id`) to an
 * `ApnsOutcome`, so `node:http2` and `fetch` can never disagree on what a 410 or a 429 means.
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */

import { retryAfterMs } from '../../http/retry-after.ts';
import type { ApnsOutcome, ApnsPush } from './apns.ts';

/** The 403 reasons that mean "sign a new provider token", not "these credentials are wrong". */
export const PROVIDER_TOKEN_REFUSALS: ReadonlySet<string> = new Set([
  'ExpiredProviderToken',
  'InvalidProviderToken',
]);

/** 400 reasons that say the device token itself is dead for this topic. */
const DEAD_TOKEN_REASONS: ReadonlySet<string> = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic']);

// Apple warns that token length may change, so only the alphabet and a sane bound are fixed;
// the token goes into the request path, so nothing but hex may reach it.
const DEVICE_TOKEN = /^(?:[0-9a-fA-F]{2}){8,200}$/;
// The topic goes into a header: a pass type id is reverse-DNS, never whitespace or controls.
const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** The refusal of a push that must not be sent at all, or `undefined` when it may be. */
export function refuseBeforeSending(push: ApnsPush): ApnsOutcome | undefined {
  if (!DEVICE_TOKEN.test(push.deviceToken))
    return { status: 'rejected', reason: 'the device token is not a hex APNs token' };
  if (!TOPIC.test(push.topic)) return { status: 'rejected', reason: 'the topic is not a pass type id' };
  return undefined;
}

export type ApnsAnswer = {
  status: number;
  /** The response body as text; APNs sends `{"reason": "…"}` on every error. */
  body: string;
  retryAfter: string | null | undefined;
  apnsId: string | null | undefined;
};

/** Maps one APNs answer to an outcome. Pure: no clock, no I/O. */
export function apnsOutcome(answer: ApnsAnswer): ApnsOutcome {
  const { status } = answer;
  if (status === 200) return { status: 'sent', apnsId: answer.apnsId ?? undefined };
  const reason = reasonOf(answer.body) ?? `HTTP ${status}`;
  if (status === 410) return { status: 'unregistered', reason };
  if (status === 400 && DEAD_TOKEN_REASONS.has(reason)) return { status: 'unregistered', reason };
  // The transport drops its cached JWT before returning this, so the retry signs a fresh one. A
  // key that is really wrong keeps failing and ends as a dead letter when the job gives up.
  if (status === 403 && PROVIDER_TOKEN_REFUSALS.has(reason))
    return { status: 'retry', reason, retryAfterMs: undefined };
  if (status === 429 || status >= 500)
    return { status: 'retry', reason, retryAfterMs: retryAfterMs(answer.retryAfter, Date.now()) };
  return { status: 'rejected', reason };
}

/** True when the outcome asks for a new provider token (the cached one must be dropped). */
export function refusesProviderToken(outcome: ApnsOutcome): boolean {
  return outcome.status === 'retry' && PROVIDER_TOKEN_REFUSALS.has(outcome.reason);
}

function reasonOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'reason' in parsed) {
      const { reason } = parsed;
      // Bounded: the reason ends up in job records and logs.
      if (typeof reason === 'string' && reason.length > 0) return reason.slice(0, 100);
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone has to do.
  }
  return undefined;
}
