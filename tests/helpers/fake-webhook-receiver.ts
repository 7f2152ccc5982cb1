/**
 * A webhook receiver as a brand would run one: it verifies every request with the
 * `standardwebhooks` library (the independent verifier), de-duplicates on `webhook-id` as the
 * spec asks, and can be told to answer a given status (e.g. 410 Gone, 503). Reached through
 * `fetch` (in-process) behind a host name that the test's resolver maps to a public address.
 */
import { Webhook } from 'standardwebhooks';

export const WEBHOOK_URL = 'https://hooks.brand.example/zeropass';
/** What the test resolver answers for the receiver's host: a public address. */
export const PUBLIC_IP = '93.184.216.34';

export function newWebhookSecret(bytes = 32): string {
  let binary = '';
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) binary += String.fromCharCode(b);
  return `whsec_${btoa(binary)}`;
}

export type ReceivedWebhook = {
  id: string;
  type: string;
  data: Record<string, unknown>;
  headers: Record<string, string>;
};

export class FakeWebhookReceiver {
  /** Verified and first-seen deliveries. */
  readonly received: ReceivedWebhook[] = [];
  readonly duplicates: string[] = [];
  readonly rejected: string[] = [];
  requests = 0;
  /** Secrets the receiver accepts (any one verifying is enough). */
  secrets: string[];
  answerStatus = 200;
  /** What the brand's side holds per customer id, answered to `export.requested`. */
  readonly profiles = new Map<string, Record<string, unknown>>();

  constructor(secrets: string[]) {
    this.secrets = secrets;
  }

  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    this.requests++;
    const body = await request.text();
    const headers = Object.fromEntries(request.headers.entries());
    let verified: { type: string; data: Record<string, unknown> } | undefined;
    for (const secret of this.secrets) {
      try {
        verified = new Webhook(secret).verify(body, headers) as typeof verified;
        break;
      } catch {
        // try the next secret
      }
    }
    if (!verified) {
      this.rejected.push(headers['webhook-id'] ?? '');
      return new Response('bad signature', { status: 401 });
    }
    if (this.answerStatus !== 200) return new Response('no', { status: this.answerStatus });
    if (verified.type === 'export.requested') {
      // A brand's receiver answering an export with what it holds on the customer.
      const record = this.profiles.get(String(verified.data.customerId));
      return record ? Response.json({ data: record }) : new Response(null, { status: 404 });
    }
    const id = headers['webhook-id'] ?? '';
    if (this.received.some((r) => r.id === id)) this.duplicates.push(id);
    else this.received.push({ id, type: verified.type, data: verified.data, headers });
    return new Response(null, { status: 204 });
  };
}

/** A resolver port for tests: names map to fixed addresses, anything else does not resolve. */
export function fixedResolver(table: Record<string, string[]>) {
  return async (hostname: string) => {
    const answer = table[hostname];
    if (!answer) throw new Error(`ENOTFOUND ${hostname}`);
    return answer;
  };
}
