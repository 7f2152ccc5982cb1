/**
 * @module push/vapid
 * The `Authorization: vapid t=…, k=…` header (RFC 8292): an ES256 JWT whose `aud` is the push
 * service's origin, signed by the brand's VAPID key. One token per brand and origin is reused
 * until shortly before it expires, so a campaign signs a handful of tokens, not one per message.
 * @see https://www.rfc-editor.org/rfc/rfc8292
 */
import { SignJWT } from 'jose';
import type { VapidKeys } from './vapid-keys.ts';

/** RFC 8292 §2: `exp` no more than 24 h ahead; 12 h leaves room for clock skew. */
export const VAPID_TOKEN_SECONDS = 12 * 3600;
/** A token is replaced when less than this is left, so none expires in flight. */
export const VAPID_RENEW_BEFORE_SECONDS = 3600;

export type VapidDeps = { keys: VapidKeys; subject: string; now: () => number };

export class VapidSigner {
  private readonly tokens = new Map<string, { header: string; expiresAt: number }>();
  private readonly deps: VapidDeps;

  constructor(deps: VapidDeps) {
    this.deps = deps;
  }

  async authorization(brandId: string, origin: string): Promise<string> {
    const nowSeconds = Math.floor(this.deps.now() / 1000);
    const cacheKey = `${brandId} ${origin}`;
    const cached = this.tokens.get(cacheKey);
    if (cached && cached.expiresAt - nowSeconds > VAPID_RENEW_BEFORE_SECONDS) return cached.header;
    const pair = await this.deps.keys.get(brandId);
    const expiresAt = nowSeconds + VAPID_TOKEN_SECONDS;
    const jwt = await new SignJWT({ sub: this.deps.subject })
      .setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
      .setAudience(origin)
      .setExpirationTime(expiresAt)
      .sign(pair.privateKey);
    const header = `vapid t=${jwt}, k=${pair.publicKey}`;
    if (this.tokens.size > 10_000) this.tokens.clear();
    this.tokens.set(cacheKey, { header, expiresAt });
    return header;
  }
}
