/**
 * @module connectors/webhook/client
 * Sends one signed POST per message. The `webhook-id` is the event id, so a receiver that
 * de-duplicates on it (as the spec asks) sees each event once even when we deliver twice.
 * 2xx is delivered; 410 Gone disables the endpoint; anything else is retried.
 */
import { base64url, utf8 } from '../../src/crypto.ts';
import { err, ok, type Result } from '../../src/errors.ts';
import { retryAfterMs } from '../../src/http/retry-after.ts';
import type { RelayMessage } from '../../src/relay/relay.ts';
import { checkOutboundUrl } from '../ssrf.ts';
import type {
  ConnectorClient,
  ConnectorRuntime,
  DeliveryItem,
  DeliveryResult,
  ExportOutcome,
} from '../types.ts';
import { faultText } from '../types.ts';
import type { WebhookConfig } from './manifest.ts';

const PARALLEL = 8;

function keyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const binary = atob(secret.slice('whsec_'.length));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function sign(secret: string, content: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(content)));
  // The spec uses standard base64 (with padding), not base64url.
  const b64 = base64url(mac).replaceAll('-', '+').replaceAll('_', '/');
  return `v1,${b64}${'='.repeat((4 - (b64.length % 4)) % 4)}`;
}

/** The event type and data as the receiver sees them; the brand id stays ours. */
export function webhookPayload(message: RelayMessage, at: Date) {
  const { brandId: _brand, kind, ...data } = message;
  return { type: kind, timestamp: at.toISOString(), data };
}

export class WebhookClient implements ConnectorClient {
  private readonly config: WebhookConfig;
  private readonly runtime: ConnectorRuntime;

  constructor(config: WebhookConfig, runtime: ConnectorRuntime) {
    this.config = config;
    this.runtime = runtime;
  }

  /** Signs and sends one body; the signature header lists one signature per active secret. */
  async send(id: string, body: string): Promise<Response> {
    const timestamp = Math.floor(this.runtime.now() / 1000).toString();
    const content = `${id}.${timestamp}.${body}`;
    const secrets = [this.config.secret, this.config.previousSecret].filter((s): s is string => !!s);
    const signatures = await Promise.all(secrets.map((s) => sign(s, content)));
    return this.runtime.fetch(this.config.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(this.config.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'zeropass-relay/1',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signatures.join(' '),
      },
      body,
    });
  }

  private async deliverOne(item: DeliveryItem): Promise<DeliveryResult> {
    const { envelopeId } = item;
    const guard = await checkOutboundUrl(this.config.url, this.runtime.resolveHost, this.runtime.allowHosts);
    if (!guard.ok) return { envelopeId, status: 'rejected', error: `ssrf guard: ${guard.reason}` };
    try {
      const body = JSON.stringify(webhookPayload(item.message, new Date(this.runtime.now())));
      const response = await this.send(item.eventId, body);
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { envelopeId, status: 'delivered' };
      if (response.status === 410)
        return { envelopeId, status: 'disable', error: 'endpoint answered 410 Gone' };
      const wait = retryAfterMs(response.headers.get('retry-after'), this.runtime.now());
      return {
        envelopeId,
        status: 'retry',
        error: `endpoint answered ${response.status}`,
        ...(wait ? { retryAfterMs: wait } : {}),
      };
    } catch (error) {
      return { envelopeId, status: 'retry', error: faultText(error) };
    }
  }

  async deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    for (let i = 0; i < items.length; i += PARALLEL) {
      results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map((item) => this.deliverOne(item)))));
    }
    return results;
  }

  /**
   * A signed `export.requested` POST like any event; a receiver that supports exports answers 200
   * with `{ "data": { … } }` (what the brand holds on the customer) or 404 when it knows none.
   */
  async exportCustomer(customerId: string): Promise<ExportOutcome> {
    const guard = await checkOutboundUrl(this.config.url, this.runtime.resolveHost, this.runtime.allowHosts);
    if (!guard.ok) return { status: 'failed', error: `ssrf guard: ${guard.reason}` };
    try {
      const id = `exp_${crypto.randomUUID()}`;
      const at = new Date(this.runtime.now()).toISOString();
      const body = JSON.stringify({ type: 'export.requested', timestamp: at, data: { customerId } });
      const response = await this.send(id, body);
      if (response.status === 404) {
        await response.body?.cancel();
        return { status: 'absent' };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return { status: 'failed', error: `endpoint answered ${response.status}` };
      }
      const answer = (await response.json().catch(() => undefined)) as { data?: unknown } | undefined;
      const data = answer?.data;
      if (!data || typeof data !== 'object' || Array.isArray(data))
        return { status: 'failed', error: 'endpoint answered without a data object' };
      return { status: 'found', record: data as Record<string, unknown> };
    } catch (error) {
      return { status: 'failed', error: faultText(error) };
    }
  }

  async testConnection(): Promise<Result<{ detail: string }>> {
    const guard = await checkOutboundUrl(this.config.url, this.runtime.resolveHost, this.runtime.allowHosts);
    if (!guard.ok) return err('unprocessable', `The webhook URL is refused: ${guard.reason}`);
    try {
      const id = `test_${crypto.randomUUID()}`;
      const body = JSON.stringify({
        type: 'zeropass.test',
        timestamp: new Date(this.runtime.now()).toISOString(),
        data: {},
      });
      const response = await this.send(id, body);
      await response.body?.cancel();
      if (response.ok) return ok({ detail: `endpoint answered ${response.status}` });
      return err('unavailable', `The endpoint answered ${response.status}`);
    } catch (error) {
      return err('unavailable', `The endpoint could not be reached (${faultText(error)})`);
    }
  }
}
