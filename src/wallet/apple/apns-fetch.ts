/**
 * @module wallet/apple/apns-fetch
 * The APNs transport over `fetch`, for Workers: token auth only. One POST per push to
 * `${baseUrl}/3/device/<token>`; the answer is mapped by `apns-outcome.ts`, network errors and
 * timeouts become `retry`, and a 403 for the provider token drops the cached JWT first.
 *
 * What Workers' outbound fetch can and cannot do for APNs (from the docs, 2026):
 * - HTTP version. APNs accepts HTTP/2 only. The Workers docs do not say which HTTP version a
 *   subrequest uses, and the Fetch API offers no way to choose one. The protocols page says only
 *   "Make HTTP subrequests using the fetch() API". For proxied zones, Cloudflare documents HTTP/2
 *   to origin as the default: it is negotiated by ALPN and falls back to HTTP/1.1. That page is
 *   about the CDN, not Worker subrequests. In production, Worker fetches are reported to use
 *   HTTP/2 where the origin offers it (workerd#5266, a user's report, not Cloudflare's word).
 *   Workers APNs libraries rely on that. Local workerd/Miniflare fetch speaks HTTP/1.1: #5266 asks
 *   for local HTTP/2, and on workers-sdk#3868 a maintainer doubted that "native HTTP/2 support to
 *   the Workers runtime" would come. So real APNs is out of reach from `wrangler dev` and vitest,
 *   and the tests use an in-process fake. Before relying on this path, try one real push from a
 *   deployed Worker.
 * - Client certificates. A Worker presents a client certificate only through an mTLS binding.
 *   You upload the certificate with `wrangler mtls-certificate upload`, declare
 *   `[[mtls_certificates]] binding = "…"  certificate_id = "…"` in wrangler.toml, and call
 *   `env.BINDING.fetch()`, which "always presents the client certificate". Bindings are fixed at
 *   deploy time, and global fetch takes no per-request certificate or key. A brand's Pass Type ID
 *   certificate, stored at runtime, therefore cannot be presented from here, and certificate
 *   credentials get `rejected`. Use a token (.p8) key, or the Node entry (`src/node/node-apns.ts`).
 * @see https://developers.cloudflare.com/workers/reference/protocols/
 * @see https://developers.cloudflare.com/speed/optimization/protocol/http2-to-origin/
 * @see https://github.com/cloudflare/workerd/issues/5266
 * @see https://github.com/cloudflare/workers-sdk/issues/3868
 * @see https://developers.cloudflare.com/workers/runtime-apis/bindings/mtls/
 * @see https://developers.cloudflare.com/workers/wrangler/commands/certificates/
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 */
import type { ApnsOutcome, ApnsPush, ApnsTransport } from './apns.ts';
import { apnsOutcome, refuseBeforeSending, refusesProviderToken } from './apns-outcome.ts';
import { ApnsProviderTokens } from './apns-provider-token.ts';

export type FetchApnsOptions = {
  /** `https://api.push.apple.com` (or the sandbox, or a fake); no trailing slash needed. */
  baseUrl: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
};

export const CERTIFICATE_OVER_FETCH =
  'certificate auth needs a per-request client certificate, which fetch cannot present; use a token key or the Node transport';

/** Wallet pass update headers, shared with the Node transport. */
export function passUpdateHeaders(topic: string): Record<string, string> {
  return {
    'apns-topic': topic,
    'apns-push-type': 'background',
    // Background pushes must be priority 5; APNs refuses 10 for them.
    'apns-priority': '5',
    'content-type': 'application/json',
  };
}

export class FetchApnsTransport implements ApnsTransport {
  private readonly options: FetchApnsOptions;
  private readonly tokens: ApnsProviderTokens;
  private readonly baseUrl: string;

  constructor(options: FetchApnsOptions) {
    this.options = options;
    this.tokens = new ApnsProviderTokens(options.now);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async send(push: ApnsPush): Promise<ApnsOutcome> {
    const refused = refuseBeforeSending(push);
    if (refused) return refused;
    if (push.credentials.kind === 'certificate')
      return { status: 'rejected', reason: CERTIFICATE_OVER_FETCH };
    let jwt: string;
    try {
      jwt = await this.tokens.token(push.credentialsId, push.credentials);
    } catch {
      return { status: 'rejected', reason: 'the APNs signing key is not a usable P-256 PKCS#8 key' };
    }
    const outcome = await this.post(push, jwt);
    if (refusesProviderToken(outcome)) await this.tokens.drop(push.credentialsId, jwt);
    return outcome;
  }

  async close(): Promise<void> {
    // fetch pools its own connections; there is nothing to close.
  }

  private async post(push: ApnsPush, jwt: string): Promise<ApnsOutcome> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.options.fetch(`${this.baseUrl}/3/device/${push.deviceToken}`, {
        method: 'POST',
        headers: { ...passUpdateHeaders(push.topic), authorization: `bearer ${jwt}` },
        body: '{}',
        signal,
      });
      const body = await response.text();
      return apnsOutcome({
        status: response.status,
        body,
        retryAfter: response.headers.get('retry-after'),
        apnsId: response.headers.get('apns-id'),
      });
    } catch {
      // Never the error text: it can echo the URL, and the URL holds the device token.
      const reason = signal.aborted ? 'APNs did not answer in time' : 'the connection to APNs failed';
      return { status: 'retry', reason, retryAfterMs: undefined };
    }
  }
}
