/**
 * @module identity/sessions
 * Shopper sessions: short-lived ES256 JWTs. Nothing is stored per session; revocation is one
 * timestamp per customer (`sessionsValidAfter`), compared against the token's issue time in ms.
 */
import { calculateJwkThumbprint, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { err, ok, type Result } from '../errors.ts';

const ISSUER = 'zeropass';
const AUDIENCE = 'zeropass:shopper';

export type SessionClaims = { customerId: string; brandId: string; issuedAtMs: number };

export class SessionSigner {
  private readonly privateKey: CryptoKey;
  private readonly publicKey: CryptoKey;
  readonly kid: string;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  private constructor(
    keys: { privateKey: CryptoKey; publicKey: CryptoKey; kid: string },
    ttlSeconds: number,
    now: () => number,
  ) {
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
    this.kid = keys.kid;
    this.ttlSeconds = ttlSeconds;
    this.now = now;
  }

  static async create(jwk: JWK, ttlSeconds: number, now: () => number): Promise<SessionSigner> {
    const { kty, crv, x, y, d } = jwk;
    const privateKey = (await importJWK({ kty, crv, x, y, d }, 'ES256')) as CryptoKey;
    const publicKey = (await importJWK({ kty, crv, x, y }, 'ES256')) as CryptoKey;
    const kid = await calculateJwkThumbprint({ kty, crv, x, y } as JWK);
    return new SessionSigner({ privateKey, publicKey, kid }, ttlSeconds, now);
  }

  async issue(customerId: string, brandId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const nowMs = this.now();
    const accessToken = await new SignJWT({ brd: brandId, iat_ms: nowMs })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(customerId)
      .setIssuedAt(Math.floor(nowMs / 1000))
      .setExpirationTime(Math.floor(nowMs / 1000) + this.ttlSeconds)
      .sign(this.privateKey);
    return { accessToken, expiresIn: this.ttlSeconds };
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
