/**
 * A local web push service (RFC 8030 §5) behind `fetch`, for tests and the bench. It mints
 * subscriptions whose keys are made here, like a browser's, records every request (headers and
 * encrypted body), checks the VAPID header as a real service does (ES256 over the `k` key, `aud`
 * its origin, `exp` within 24 h, else 401/403), and answers 201 — or what a test scripted for an
 * endpoint: 404, 410, 429 with Retry-After, 5xx.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { base64url, fromBase64url } from '../../src/crypto.ts';
import { type BrowserKeys, makeBrowserKeys } from './push-decrypt.ts';

export const PUSH_ORIGIN = 'https://push.fake';
export const PUSH_ORIGIN_B = 'https://push-b.fake';

export type RecordedPush = {
  endpoint: string;
  origin: string;
  headers: Record<string, string>;
  body: Uint8Array;
  status: number;
  /** The JWT's claims when the VAPID header verified. */
  vapid: { aud: unknown; exp: unknown; sub: unknown; k: string } | undefined;
};

export type ScriptedAnswer = { status: number; retryAfter?: string };

export type FakeSubscription = {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  browser: BrowserKeys;
};

export class FakePushService {
  readonly requests: RecordedPush[] = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly fallback = new Map<string, ScriptedAnswer>();
  private readonly verifyVapid: boolean;
  private readonly now: () => number;
  private counter = 0;

  /** `now`: the clock the service checks `exp` against (the test app's, which tests move). */
  constructor(options: { verifyVapid?: boolean; now?: () => number } = {}) {
    this.verifyVapid = options.verifyVapid ?? true;
    this.now = options.now ?? Date.now;
  }

  /** A new subscription on this service, its keys made as a browser would. */
  async subscribe(origin = PUSH_ORIGIN): Promise<FakeSubscription> {
    const browser = await makeBrowserKeys();
    const endpoint = `${origin}/wpush/v2/${base64url(crypto.getRandomValues(new Uint8Array(24)))}${this.counter++}`;
    return { endpoint, keys: { p256dh: browser.p256dh, auth: browser.auth }, browser };
  }

  /** The next answers for an endpoint, in order; after them, `always` (or 201). */
  script(endpoint: string, answers: ScriptedAnswer[], always?: ScriptedAnswer) {
    this.scripts.set(endpoint, [...answers]);
    if (always) this.fallback.set(endpoint, always);
  }

  to(endpoint: string): RecordedPush[] {
    return this.requests.filter((r) => r.endpoint === endpoint);
  }

  private async checkVapid(authorization: string | null, origin: string) {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!match?.[1] || !match[2]) return { status: 401 as const };
    const [, token, k] = match as unknown as [string, string, string];
    try {
      if (decodeProtectedHeader(token).alg !== 'ES256') return { status: 403 as const };
      const raw = fromBase64url(k);
      const key = await importJWK(
        { kty: 'EC', crv: 'P-256', x: base64url(raw.slice(1, 33)), y: base64url(raw.slice(33, 65)) },
        'ES256',
      );
      const currentDate = new Date(this.now());
      const { payload } = await jwtVerify(token, key, {
        audience: origin,
        algorithms: ['ES256'],
        currentDate,
      });
      if (typeof payload.exp !== 'number' || payload.exp > this.now() / 1000 + 86_400 + 60) {
        return { status: 403 as const };
      }
      return { status: 201 as const, claims: { aud: payload.aud, exp: payload.exp, sub: payload.sub, k } };
    } catch {
      return { status: 403 as const };
    }
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = new Uint8Array(await request.arrayBuffer());
    const headers = Object.fromEntries(request.headers);
    const checked = this.verifyVapid
      ? await this.checkVapid(request.headers.get('authorization'), url.origin)
      : { status: 201 as const, claims: undefined };
    let answer: ScriptedAnswer = { status: checked.status };
    if (request.method !== 'POST') answer = { status: 405 };
    else if (body.length > 4096) answer = { status: 413 };
    else if (checked.status === 201) {
      answer = this.scripts.get(url.href)?.shift() ?? this.fallback.get(url.href) ?? { status: 201 };
    }
    this.requests.push({
      endpoint: url.href,
      origin: url.origin,
      headers,
      body,
      status: answer.status,
      vapid: checked.claims,
    });
    const responseHeaders = new Headers();
    if (answer.retryAfter) responseHeaders.set('retry-after', answer.retryAfter);
    if (answer.status === 201) responseHeaders.set('location', `${url.origin}/m/${this.requests.length}`);
    return new Response(null, { status: answer.status, headers: responseHeaders });
  };
}
