/**
 * @module wallet/google/service-account
 * OAuth 2.0 for a service account: an RS256 assertion signed with the account's key is exchanged
 * at the token endpoint for an access token, cached until a minute before it expires. One
 * exchange at a time per account: a burst of updates waits on the same request.
 * The token URL is configuration, never the key file's `token_uri`, which a brand supplies.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
import { importPKCS8, SignJWT } from 'jose';
import type { ServiceAccountKey } from './issuer-schema.ts';

export const WALLET_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
const ASSERTION_SECONDS = 3600;
const REFRESH_MARGIN_MS = 60_000;

/** A service account ready to sign: the key imported once. */
export type ServiceAccount = { email: string; keyId: string; key: CryptoKey };

export async function importServiceAccount(json: ServiceAccountKey): Promise<ServiceAccount> {
  const key = await importPKCS8(json.private_key.replace(/\\n/g, '\n'), 'RS256', { extractable: false });
  return { email: json.client_email, keyId: json.private_key_id, key };
}

export type TokenOutcome =
  | { ok: true; token: string }
  | { ok: false; retry: boolean; reason: string; retryAfterMs?: number | undefined };

type Cached = { token: string; expiresAt: number };

export type TokenSourceDeps = { tokenUrl: string; fetch: typeof fetch; now: () => number; timeoutMs: number };

export class GoogleTokens {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<TokenOutcome>>();

  private readonly deps: TokenSourceDeps;

  constructor(deps: TokenSourceDeps) {
    this.deps = deps;
  }

  async token(account: ServiceAccount): Promise<TokenOutcome> {
    const id = `${account.email}\u0000${account.keyId}`;
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > this.deps.now())
      return { ok: true, token: cached.token };
    let request = this.pending.get(id);
    if (!request) {
      request = this.exchange(id, account).finally(() => this.pending.delete(id));
      this.pending.set(id, request);
    }
    return request;
  }

  /** Drops a token the API refused (revoked, or the key rotated), so the next call exchanges anew. */
  forget(account: ServiceAccount): void {
    this.cache.delete(`${account.email}\u0000${account.keyId}`);
  }

  private async exchange(id: string, account: ServiceAccount): Promise<TokenOutcome> {
    const iat = Math.floor(this.deps.now() / 1000);
    const assertion = await new SignJWT({ scope: WALLET_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: account.keyId })
      .setIssuer(account.email)
      .setAudience(this.deps.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_SECONDS)
      .sign(account.key);
    let response: Response;
    try {
      response = await this.deps.fetch(this.deps.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
    } catch (error) {
      return { ok: false, retry: true, reason: `token endpoint unreachable: ${(error as Error).name}` };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The timeout fired or the connection dropped mid-body: as unreachable as no answer at all.
      return { ok: false, retry: true, reason: `token endpoint unreachable: ${(error as Error).name}` };
    }
    const body = parseObject(text) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (response.ok && typeof body.access_token === 'string') {
      const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
      this.cache.set(id, { token: body.access_token, expiresAt: this.deps.now() + seconds * 1000 });
      return { ok: true, token: body.access_token };
    }
    // A 200 without a token is a broken answer (a proxy's page, a cut-off body), not a refusal.
    const retry = response.ok || response.status === 429 || response.status >= 500;
    // Only Google's error code: its description can echo the assertion's claims.
    const code = typeof body.error === 'string' ? body.error.slice(0, 60) : 'no error code';
    return { ok: false, retry, reason: `token endpoint answered ${response.status} ${code}` };
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
