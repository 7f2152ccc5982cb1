/**
 * @module identity/sessions
 * Shopper sessions: short-lived ES256 JWTs. Nothing is stored per session; revocation is one
 * timestamp per customer (`sessionsValidAfter`), compared against the token's issue time in ms.
 * A token renewed from another (a layout submission answers a fresh one) keeps the original
 * sign-in time (`auth_time`), and no token lives past that time plus `maxAgeSeconds`: holding a
 * session and submitting now and then never stretches one sign-in into a session for ever.
 *
 * Every sign-in signs one, so the compact JWS is assembled here around the runtime's fastest
 * ES256 signer (see keyed-crypto); verification stays with jose, and the tests verify issued
 * tokens with jose against the published public key.
 */
import { calculateJwkThumbprint, importJWK, type JWK, jwtVerify } from 'jose';
import { base64url, utf8 } from '../crypto.ts';
import { AppError, err, ok, type Result } from '../errors.ts';
import type { Es256Sign, KeyedCrypto } from '../keyed-crypto.ts';

const ISSUER = 'zeropass';
const AUDIENCE = 'zeropass:shopper';

export type SessionClaims = {
  customerId: string;
  brandId: string;
  issuedAtMs: number;
  /** When the shopper actually signed in (ms, to the second), however often the token was renewed. */
  signedInAtMs: number;
};

export type SessionLifetimes = {
  /** How long one token lives. */
  ttlSeconds: number;
  /** How long after the sign-in the last renewed token may live. */
  maxAgeSeconds: number;
};

export class SessionSigner {
  private readonly sign: Es256Sign;
  private readonly publicKey: CryptoKey;
  /** The encoded protected header, the same for every token. */
  private readonly header: string;
  private readonly lifetimes: SessionLifetimes;
  private readonly now: () => number;

  private constructor(
    keys: { sign: Es256Sign; publicKey: CryptoKey; kid: string },
    lifetimes: SessionLifetimes,
    now: () => number,
  ) {
    this.sign = keys.sign;
    this.publicKey = keys.publicKey;
    this.header = base64url(utf8(JSON.stringify({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })));
    this.lifetimes = lifetimes;
    this.now = now;
  }

  static async create(
    jwk: JWK,
    lifetimes: SessionLifetimes,
    now: () => number,
    keyed: KeyedCrypto,
  ): Promise<SessionSigner> {
    const { kty, crv, x, y, d } = jwk;
    if (kty !== 'EC' || crv !== 'P-256' || !d) throw new Error('the session key must be a P-256 private JWK');
    const sign = await keyed.es256({ kty, crv, x, y, d });
    const publicKey = (await importJWK({ kty, crv, x, y }, 'ES256')) as CryptoKey;
    const kid = await calculateJwkThumbprint({ kty, crv, x, y } as JWK);
    return new SessionSigner({ sign, publicKey, kid }, lifetimes, now);
  }

  /**
   * A token for a sign-in happening now or, given `signedInAtMs` (from a verified session of this
   * customer), a renewal of that sign-in: it expires at the earlier of its TTL and the sign-in's
   * absolute bound, and none is issued once that bound is reached (401).
   */
  async issue(
    customerId: string,
    brandId: string,
    signedInAtMs?: number,
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const authTime = signedInAtMs === undefined ? iat : Math.min(iat, Math.floor(signedInAtMs / 1000));
    const exp = Math.min(iat + this.lifetimes.ttlSeconds, authTime + this.lifetimes.maxAgeSeconds);
    if (exp <= iat)
      throw new AppError('unauthorized', 'The session has reached its maximum age; sign in again');
    const claims = {
      brd: brandId,
      iat_ms: nowMs,
      auth_time: authTime,
      iss: ISSUER,
      aud: AUDIENCE,
      sub: customerId,
      iat,
      exp,
    };
    const signingInput = `${this.header}.${base64url(utf8(JSON.stringify(claims)))}`;
    const signature = await this.sign(utf8(signingInput));
    return { accessToken: `${signingInput}.${base64url(signature)}`, expiresIn: exp - iat };
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
      // Tokens from before renewals were bounded carry no auth_time: their own issue is the sign-in.
      const authTime =
        typeof payload.auth_time === 'number' ? payload.auth_time : Math.floor(payload.iat_ms / 1000);
      // A lowered maximum age applies to tokens already out, not only to new ones.
      if (this.now() >= (authTime + this.lifetimes.maxAgeSeconds) * 1000) {
        return err('unauthorized', 'The session has reached its maximum age; sign in again');
      }
      return ok({
        customerId: payload.sub,
        brandId: payload.brd,
        issuedAtMs: payload.iat_ms,
        signedInAtMs: authTime * 1000,
      });
    } catch {
      return err('unauthorized', 'The session token is invalid or expired');
    }
  }
}
