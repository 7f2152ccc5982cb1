/**
 * @module identity/sessions
 * Shopper sessions: short-lived ES256 JWTs. Nothing is stored per session; revocation is one
 * timestamp per customer (`sessionsValidAfter`), compared against the token's issue time in ms.
 *
 * Every sign-in signs one, so the compact JWS is assembled here around the runtime's fastest
 * ES256 signer (see keyed-crypto); verification stays with jose, and the tests verify issued
 * tokens with jose against the published public key.
 */
import { calculateJwkThumbprint, importJWK, type JWK, jwtVerify } from 'jose';
import { base64url, utf8 } from '../crypto.ts';
import { err, ok, type Result } from '../errors.ts';
import type { Es256Sign, KeyedCrypto } from '../keyed-crypto.ts';

const ISSUER = 'zeropass';
const AUDIENCE = 'zeropass:shopper';

export type SessionClaims = { customerId: string; brandId: string; issuedAtMs: number };

export class SessionSigner {
  private readonly sign: Es256Sign;
  private readonly publicKey: CryptoKey;
  /** The encoded protected header, the same for every token. */
  private readonly header: string;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  private constructor(
    keys: { sign: Es256Sign; publicKey: CryptoKey; kid: string },
    ttlSeconds: number,
    now: () => number,
  ) {
    this.sign = keys.sign;
    this.publicKey = keys.publicKey;
    this.header = base64url(utf8(JSON.stringify({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })));
    this.ttlSeconds = ttlSeconds;
    this.now = now;
  }

  static async create(
    jwk: JWK,
    ttlSeconds: number,
    now: () => number,
    keyed: KeyedCrypto,
  ): Promise<SessionSigner> {
    const { kty, crv, x, y, d } = jwk;
    if (kty !== 'EC' || crv !== 'P-256' || !d) throw new Error('the session key must be a P-256 private JWK');
    const sign = await keyed.es256({ kty, crv, x, y, d });
    const publicKey = (await importJWK({ kty, crv, x, y }, 'ES256')) as CryptoKey;
    const kid = await calculateJwkThumbprint({ kty, crv, x, y } as JWK);
    return new SessionSigner({ sign, publicKey, kid }, ttlSeconds, now);
  }

  async issue(customerId: string, brandId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const claims = {
      brd: brandId,
      iat_ms: nowMs,
      iss: ISSUER,
      aud: AUDIENCE,
      sub: customerId,
      iat,
      exp: iat + this.ttlSeconds,
    };
    const signingInput = `${this.header}.${base64url(utf8(JSON.stringify(claims)))}`;
    const signature = await this.sign(utf8(signingInput));
    return { accessToken: `${signingInput}.${base64url(signature)}`, expiresIn: this.ttlSeconds };
  }

  async verify(token: string): Promise<Result<SessionClaims>> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(this.now()),
      });
      if (typeof payload.brd !== 'string' || typeof payload.iat_ms !== 'number' || !payload.sub) {
        return err('unauthorized', 'The session token is malformed');
      }
      return ok({ customerId: payload.sub, brandId: payload.brd, issuedAtMs: payload.iat_ms });
    } catch {
      return err('unauthorized', 'The session token is invalid or expired');
    }
  }
}
