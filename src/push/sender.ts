/**
 * @module push/sender
 * One push message to one subscription (RFC 8030 §5): encrypt (push/ece), authorise (push/vapid),
 * POST with `fetch`, and say what the answer means. `web-push`'s `sendNotification` is not used:
 * it goes through `node:https`, which hung on connection errors in workerd.
 *   201/202 → sent · 404/410 → gone (the caller deletes the subscription) ·
 *   429 → retry after Retry-After · 5xx, timeouts, resets → retry with backoff · other → failed.
 * @see https://www.rfc-editor.org/rfc/rfc8030#section-5
 */
import { faultText } from '../../connectors/types.ts';
import { fromBase64url } from '../crypto.ts';
import { retryAfterMs } from '../http/retry-after.ts';
import { encryptPushPayload } from './ece.ts';
import type { VapidSigner } from './vapid.ts';

export const URGENCIES = ['very-low', 'low', 'normal', 'high'] as const;
export type Urgency = (typeof URGENCIES)[number];

export type PushTarget = { endpoint: string; p256dh: string; auth: string };

export type PushOptions = {
  /** Seconds the push service may keep the message for an offline browser (RFC 8030 §5.2). */
  ttlSeconds: number;
  urgency: Urgency;
  /** A newer message with the same topic replaces a waiting one (RFC 8030 §5.4). */
  topic?: string | null | undefined;
};

export type PushOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'gone'; status: number }
  | { kind: 'retry'; status: number | undefined; reason: string; retryAfterMs?: number | undefined }
  | { kind: 'failed'; status: number; reason: string };

export type PushSenderDeps = {
  vapid: VapidSigner;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
};

/** RFC 8030 §5.4: a topic is at most 32 characters of the base64url alphabet. */
export const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

export class PushSender {
  private readonly deps: PushSenderDeps;

  constructor(deps: PushSenderDeps) {
    this.deps = deps;
  }

  async send(
    brandId: string,
    target: PushTarget,
    payload: Uint8Array,
    options: PushOptions,
  ): Promise<PushOutcome> {
    const url = new URL(target.endpoint);
    const [body, authorization] = await Promise.all([
      encryptPushPayload({ p256dh: fromBase64url(target.p256dh), auth: fromBase64url(target.auth) }, payload),
      this.deps.vapid.authorization(brandId, url.origin),
    ]);
    const headers: Record<string, string> = {
      authorization,
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      ttl: String(options.ttlSeconds),
      urgency: options.urgency,
    };
    if (options.topic) headers.topic = options.topic;
    let response: Response;
    try {
      response = await this.deps.fetch(url.href, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', status: undefined, reason: faultText(error) };
    }
    // The body is the push service's, and never needed: drain it so the connection is reused.
    await response.body?.cancel().catch(() => {});
    const status = response.status;
    if (status === 201 || status === 202 || status === 200) return { kind: 'sent', status };
    if (status === 404 || status === 410) return { kind: 'gone', status };
    if (status === 429) {
      return {
        kind: 'retry',
        status,
        reason: 'push service rate limit (429)',
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), this.deps.now()),
      };
    }
    if (status >= 500) return { kind: 'retry', status, reason: `push service answered ${status}` };
    return { kind: 'failed', status, reason: `push service refused the message (${status})` };
  }
}
