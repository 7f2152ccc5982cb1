/**
 * @module identity/apple-verifier
 * Verifies Sign in with Apple identity tokens. Only RS256 with a key from Apple's JWKS (or, with
 * ZP_DEV=1, the local dev key) is accepted; key-carrying headers (`jku`, `x5u`, `jwk`, `x5c`)
 * are refused outright rather than ignored, so no code path can ever follow them.
 * @see https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api/verifying_a_user
 */
import { type JWSHeaderParameters, errors as joseErrors, jwtVerify } from 'jose';
import { sha256Hex, timingSafeEqual } from '../crypto.ts';
import { err, ok, type Result } from '../errors.ts';
import type { JwksCache } from './apple-jwks.ts';
import { appleTokenId } from './apple-token-uses.ts';

export type AppleClaims = {
  sub: string;
  email: string | undefined;
  isPrivateEmail: boolean;
  /** The token's id for replay checks (see apple-token-uses). */
  tokenId: string;
  /** When (ms) the token stops verifying here: `exp` plus the clock tolerance. */
  verifiableUntil: number;
};

/** Seconds of clock skew tolerated on `exp` and `iat`. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export type AppleVerifierOptions = {
  issuer: string;
  jwks: Pick<JwksCache, 'getKey'>;
  /** Keys trusted besides Apple's: only the dev identity provider's, only with ZP_DEV=1. */
  devKeys?: Map<string, CryptoKey> | undefined;
  now: () => number;
};

const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

const invalid = (detail: string) => err('invalid_identity_token', detail);

export class AppleVerifier {
  private readonly options: AppleVerifierOptions;

  constructor(options: AppleVerifierOptions) {
    this.options = options;
  }

  async verify(
    token: string,
    expected: { audiences: readonly string[]; rawNonce?: string | undefined; requireNonce?: boolean },
  ): Promise<Result<AppleClaims>> {
    if (expected.audiences.length === 0) return invalid('This brand accepts no Sign in with Apple client');

    let payload: Record<string, unknown>;
    try {
      // jose parses the header once, refuses any algorithm but RS256, then asks for the key.
      ({ payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: [...expected.audiences],
        requiredClaims: ['sub', 'iat', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.options.now()),
      }));
    } catch (error) {
      if (error instanceof KeyRefused) return invalid(error.message);
      // Anything else from the key lookup (Apple's keys unreachable: 503) is not the token's fault.
      if (!(error instanceof joseErrors.JOSEError)) throw error;
      return invalid(describeJoseError(error));
    }

    const nonce = await checkNonce(payload.nonce, expected.rawNonce, expected.requireNonce === true);
    if (!nonce.ok) return nonce;
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
      return invalid('The identity token has no usable subject');
    }
    return ok({
      sub: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      isPrivateEmail: payload.is_private_email === true || payload.is_private_email === 'true',
      tokenId: await appleTokenId(token),
      // jose has checked that `exp` is a number.
      verifiableUntil: ((payload.exp as number) + CLOCK_TOLERANCE_SECONDS) * 1000,
    });
  }

  /**
   * A Sign in with Apple server-to-server notification (`{"payload": "<JWT>"}`): the same keys,
   * issuer and algorithm as identity tokens, for one of these audiences; its `events` claim is a
   * JSON string with the event type and the `sub`, checked by the caller (rights/apple-notifications).
   * @see https://developer.apple.com/documentation/signinwithapple/processing-changes-for-sign-in-with-apple-accounts
   */
  async verifyNotification(
    token: string,
    audiences: readonly string[],
  ): Promise<Result<Record<string, unknown>>> {
    if (audiences.length === 0) return invalid('No Sign in with Apple client matches');
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: ['RS256'],
        issuer: this.options.issuer,
        audience: [...audiences],
        requiredClaims: ['iat', 'events'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.options.now()),
      });
      return ok(payload);
    } catch (error) {
      if (error instanceof KeyRefused) return invalid(error.message);
      if (!(error instanceof joseErrors.JOSEError)) throw error;
      return invalid(describeJoseError(error));
    }
  }

  private async keyFor(header: JWSHeaderParameters): Promise<CryptoKey> {
    if (FORBIDDEN_HEADERS.some((h) => h in header)) {
      throw new KeyRefused('The identity token carries a key reference header, which is not accepted');
    }
    if (typeof header.kid !== 'string') throw new KeyRefused('The identity token has no key id');
    const key = this.options.devKeys?.get(header.kid) ?? (await this.options.jwks.getKey(header.kid));
    if (!key) throw new KeyRefused('The identity token is signed by an unknown key');
    return key;
  }
}

/** Why no key was handed to jose; its message is the problem's detail. */
class KeyRefused extends Error {}

/**
 * Apple carries SHA-256(raw nonce) in hex; the client sends us the raw nonce. The claim itself is
 * never accepted as the raw value: anyone holding the token can read it, so that would bind
 * nothing. A brand with `requireNonce` refuses a sign-in that leaves the nonce out on either side.
 */
async function checkNonce(
  claim: unknown,
  rawNonce: string | undefined,
  required: boolean,
): Promise<Result<true>> {
  if (required && (rawNonce === undefined || claim === undefined)) {
    return invalid(
      'This brand requires a nonce: send the raw nonce whose SHA-256 the identity token carries',
    );
  }
  if (rawNonce === undefined && claim === undefined) return ok(true);
  if (rawNonce === undefined) return invalid('The identity token carries a nonce but none was sent');
  if (typeof claim !== 'string') return invalid('The identity token carries no nonce');
  const hashed = await sha256Hex(rawNonce);
  return timingSafeEqual(hashed, claim.toLowerCase()) ? ok(true) : invalid('The nonce does not match');
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The identity token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The identity token is not for an accepted audience';
    if (error.claim === 'iss') return 'The identity token has the wrong issuer';
    return `The identity token claim "${error.claim}" is invalid`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'The identity token signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The identity token algorithm is not accepted';
  if (error instanceof joseErrors.JWSInvalid) return 'The identity token is not a valid JWS';
  return 'The identity token is invalid';
}
