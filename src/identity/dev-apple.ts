/**
 * @module identity/dev-apple
 * A local stand-in for Apple's identity service, for development, the demo and tests only
 * (ZP_DEV=1). It signs Apple-format identity tokens with a local RSA key; the verifier trusts
 * that key only in dev mode, and the routes that expose it are registered only then.
 */
import { calculateJwkThumbprint, exportJWK, importJWK, type JWK, SignJWT } from 'jose';
import { base64url, generateRs256KeyPair, randomBytes, sha256Hex } from '../crypto.ts';

export type PublicRsaJwk = { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };

export type DevTokenRequest = {
  sub: string;
  aud: string;
  email?: string | undefined;
  rawNonce?: string | undefined;
  isPrivateEmail?: boolean | undefined;
};

export class DevAppleIdentityProvider {
  private readonly privateKey: CryptoKey;
  private readonly publicKey: CryptoKey;
  private readonly publicJwk: JWK;
  readonly kid: string;
  private readonly issuer: string;
  private readonly now: () => number;

  private constructor(
    keys: { privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK; kid: string },
    issuer: string,
    now: () => number,
  ) {
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
    this.publicJwk = keys.publicJwk;
    this.kid = keys.kid;
    this.issuer = issuer;
    this.now = now;
  }

  static async create(jwk: JWK, issuer: string, now: () => number): Promise<DevAppleIdentityProvider> {
    const { kty, n, e, d, p, q, dp, dq, qi } = jwk;
    const privateKey = (await importJWK({ kty, n, e, d, p, q, dp, dq, qi }, 'RS256')) as CryptoKey;
    const publicJwk: JWK = { kty, n, e };
    const kid = `dev-${(await calculateJwkThumbprint(publicJwk)).slice(0, 16)}`;
    const publicKey = (await importJWK(publicJwk, 'RS256')) as CryptoKey;
    return new DevAppleIdentityProvider({ privateKey, publicKey, publicJwk, kid }, issuer, now);
  }

  /** Fresh RSA key material for a new dev installation, as a private JWK. */
  static async generateKey(): Promise<JWK> {
    const pair = await generateRs256KeyPair();
    return exportJWK(pair.privateKey);
  }

  jwks(): { keys: PublicRsaJwk[] } {
    const { n = '', e = '' } = this.publicJwk;
    return { keys: [{ kty: 'RSA', n, e, kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  trustedKeys(): Map<string, CryptoKey> {
    return new Map([[this.kid, this.publicKey]]);
  }

  async issue(request: DevTokenRequest): Promise<string> {
    const nowSeconds = Math.floor(this.now() / 1000);
    // Like Apple's, each token carries the hash of a fresh authorisation code, so two tokens for one
    // shopper in the same second differ: each is single-use (identity/apple-token-uses).
    const claims: Record<string, unknown> = {
      auth_time: nowSeconds,
      nonce_supported: true,
      c_hash: base64url(randomBytes(16)),
    };
    if (request.email) {
      claims.email = request.email;
      claims.email_verified = true;
      claims.is_private_email = request.isPrivateEmail ?? request.email.endsWith('@privaterelay.appleid.com');
    }
    if (request.rawNonce !== undefined) claims.nonce = await sha256Hex(request.rawNonce);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(request.aud)
      .setSubject(request.sub)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 600)
      .sign(this.privateKey);
  }
}
