/**
 * @module wallet/apple/apns-provider-token
 * APNs token authentication: an ES256 JWT `{alg, kid}` / `{iss: teamId, iat}` signed with the
 * brand's .p8 key. Apple refuses tokens older than an hour and answers `TooManyProviderTokenUpdates`
 * to a provider that re-signs more often than every 20 minutes, so one token per `credentialsId`
 * is kept and reused for 40 minutes: well inside both limits. Signing goes through jose (WebCrypto),
 * so the same code runs in workerd and on Node.
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns
 */
import { importPKCS8, SignJWT } from 'jose';

export const PROVIDER_TOKEN_REUSE_MS = 40 * 60 * 1000;

export type ProviderTokenCredentials = { teamId: string; keyId: string; privateKeyPem: string };

type Issued = { jwt: string; issuedAtMs: number };

export class ApnsProviderTokens {
  // Promises, not tokens: concurrent pushes of one brand share a single signing.
  private readonly cache = new Map<string, Promise<Issued>>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** A bearer token for these credentials: the cached one while it is younger than 40 minutes. */
  async token(credentialsId: string, credentials: ProviderTokenCredentials): Promise<string> {
    const cached = this.cache.get(credentialsId);
    if (cached) {
      const issued = await cached.catch(() => undefined);
      if (issued && this.now() - issued.issuedAtMs < PROVIDER_TOKEN_REUSE_MS) return issued.jwt;
      // Only the entry that was looked at is replaced: another caller may have refreshed it.
      if (this.cache.get(credentialsId) === cached) this.cache.delete(credentialsId);
      return this.token(credentialsId, credentials);
    }
    const signing = sign(credentials, this.now());
    this.cache.set(credentialsId, signing);
    // A bad key must not stay cached as a rejection; the next push tries again.
    signing.catch(() => {
      if (this.cache.get(credentialsId) === signing) this.cache.delete(credentialsId);
    });
    return (await signing).jwt;
  }

  /**
   * Forgets the token APNs refused. With `jwt`, only if it is still the cached one, so that a
   * late 403 for an old token does not throw away the fresh token a concurrent push just signed.
   */
  async drop(credentialsId: string, jwt?: string): Promise<void> {
    const cached = this.cache.get(credentialsId);
    if (!cached) return;
    if (jwt !== undefined) {
      const issued = await cached.catch(() => undefined);
      if (issued && issued.jwt !== jwt) return;
    }
    if (this.cache.get(credentialsId) === cached) this.cache.delete(credentialsId);
  }
}

async function sign(credentials: ProviderTokenCredentials, nowMs: number): Promise<Issued> {
  const key = await importPKCS8(credentials.privateKeyPem, 'ES256');
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: credentials.keyId })
    .setIssuer(credentials.teamId)
    .setIssuedAt(Math.floor(nowMs / 1000))
    .sign(key);
  return { jwt, issuedAtMs: nowMs };
}
