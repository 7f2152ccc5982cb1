/**
 * A local fake of Apple's identity service: a JWKS endpoint that answers like
 * https://appleid.apple.com/auth/keys (Cache-Control, key rotation, outages) and a signer that
 * mints identity tokens, including malformed and hostile ones for security tests.
 */
import { exportJWK, type JWTPayload, SignJWT } from 'jose';
import { base64url, generateRs256KeyPair, randomBytes, sha256Hex } from '../../src/crypto.ts';

export const APPLE_ISSUER = 'https://appleid.apple.com';
export const APPLE_JWKS_URL = 'https://apple.fake/auth/keys';

type RsaKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey };

export async function generateRsaKey(kid: string): Promise<RsaKey> {
  const pair = await generateRs256KeyPair();
  return { kid, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

export class FakeApple {
  keys: RsaKey[];
  fetchCount = 0;
  cacheControl = 'max-age=86400, public';
  /** When set, the JWKS endpoint answers this HTTP status instead of the keys. */
  failWith: number | undefined;

  private constructor(keys: RsaKey[]) {
    this.keys = keys;
  }

  static async create(): Promise<FakeApple> {
    return new FakeApple([await generateRsaKey('apple-key-1')]);
  }

  get signingKey(): RsaKey {
    const key = this.keys[0];
    if (!key) throw new Error('no keys');
    return key;
  }

  /** The `fetch` port handed to the app: answers only the JWKS URL. */
  fetch: typeof fetch = async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url !== APPLE_JWKS_URL) return new Response('not found', { status: 404 });
    this.fetchCount++;
    if (this.failWith) return new Response('{"error":"unavailable"}', { status: this.failWith });
    const keys = await Promise.all(
      this.keys.map(async (k) => ({
        ...(await exportJWK(k.publicKey)),
        kid: k.kid,
        use: 'sig',
        alg: 'RS256',
      })),
    );
    return Response.json({ keys }, { headers: { 'cache-control': this.cacheControl } });
  };

  async rotate(kid: string) {
    this.keys.unshift(await generateRsaKey(kid));
  }

  /** A well-formed Apple identity token; every part can be overridden. */
  async token(
    options: {
      sub?: string;
      aud?: string;
      iss?: string;
      email?: string;
      rawNonce?: string;
      expiresIn?: number;
      header?: Record<string, unknown>;
      key?: RsaKey;
      claims?: JWTPayload;
    } = {},
  ): Promise<string> {
    const key = options.key ?? this.signingKey;
    const now = Math.floor(Date.now() / 1000);
    // A fresh authorisation code's hash, as Apple's tokens carry: every call mints a distinct
    // token, since the app takes each one only once.
    const claims: JWTPayload = {
      auth_time: now,
      nonce_supported: true,
      c_hash: base64url(randomBytes(16)),
      ...options.claims,
    };
    if (options.email)
      Object.assign(claims, { email: options.email, email_verified: 'true', is_private_email: 'true' });
    if (options.rawNonce !== undefined) claims.nonce = await sha256Hex(options.rawNonce);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, ...options.header })
      .setIssuer(options.iss ?? APPLE_ISSUER)
      .setAudience(options.aud ?? 'com.example.app')
      .setSubject(options.sub ?? '001234.0123456789abcdef.1234')
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 600))
      .sign(key.privateKey);
  }
}
