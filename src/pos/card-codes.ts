/**
 * @module pos/card-codes
 * The two codes a shopper's phone shows at the till. Both are checked here, with no storage:
 * a forged or malformed code never reaches the database.
 *
 * - Static: `ZP1.<card>.<mac>`, the wallet pass barcode. `mac` is HMAC-SHA256 over the card id,
 *   truncated to 128 bits (base64url). Compared as canonical strings in constant time, so any
 *   changed character fails, including the low bits of the last base64 character.
 * - Rotating: `ZT1.<card>.<8 digits>`, RFC 6238 TOTP (HMAC-SHA1, 30 s, 8 digits, the parameters
 *   Google Wallet's rotatingBarcode `totpDetails` supports). ±1 step is accepted; the caller then
 *   consumes the step (cards.last_totp_step) so a code works once.
 *
 * Keys come from the pepper via HMAC with distinct labels, so no new secret must be configured,
 * and per-card TOTP secrets are HMAC(totpKey, cardId): nothing secret is stored per card.
 * @see https://www.rfc-editor.org/rfc/rfc6238
 * @see https://developers.google.com/wallet/reference/rest/v1/RotatingBarcode
 */
import { base64url, timingSafeEqual } from '../crypto.ts';
import { err, ok, type Result } from '../errors.ts';
import type { Hmac, KeyedCrypto } from '../keyed-crypto.ts';
import { ScanTokens } from './scan-token.ts';

export const CARD_ID_PATTERN = /^crd_[0-9a-z]{26}$/;
const STATIC_CODE = /^ZP1\.(crd_[0-9a-z]{26})\.([A-Za-z0-9_-]{22})$/;
const ROTATING_CODE = /^ZT1\.(crd_[0-9a-z]{26})\.([0-9]{8})$/;

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 8;
const MAC_BYTES = 16;

export type VerifiedCode =
  | { kind: 'static'; cardId: string }
  | { kind: 'rotating'; cardId: string; step: number };

const VERIFIED_CACHE_SIZE = 10_000;

export class CardCodes {
  private readonly macKey: Hmac;
  private readonly totpKey: Hmac;
  /** Proofs of a scan at a till, which spending needs (pos/scan-token). */
  readonly scanTokens: ScanTokens;
  /** Static codes already proven genuine: a pass is scanned again and again, and its MAC never changes. */
  private readonly verifiedStatic = new Map<string, string>();

  private constructor(macKey: Hmac, totpKey: Hmac, scanTokenKey: Hmac) {
    this.macKey = macKey;
    this.totpKey = totpKey;
    this.scanTokens = new ScanTokens(scanTokenKey);
  }

  static async fromPepper(pepper: Hmac, keyed: KeyedCrypto): Promise<CardCodes> {
    const derive = async (label: string) =>
      keyed.hmacSha256(new Uint8Array(await pepper(`zeropass/${label}/v1`)));
    return new CardCodes(await derive('card-code'), await derive('card-totp'), await derive('scan-token'));
  }

  /** The wallet pass barcode for a card. */
  async staticCode(cardId: string): Promise<string> {
    return `ZP1.${cardId}.${await this.mac(cardId)}`;
  }

  /** The per-card TOTP secret (20 bytes, the size RFC 4226 recommends for SHA-1). */
  async totpSecret(cardId: string): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array((await this.totpKey(`totp\u0000${cardId}`)).slice(0, 20));
  }

  async rotatingCode(cardId: string, nowMs: number): Promise<string> {
    return `ZT1.${cardId}.${await this.totp(cardId, stepAt(nowMs))}`;
  }

  /** Checks a presented code cryptographically. Never touches storage. */
  async verify(code: string, nowMs: number): Promise<Result<VerifiedCode>> {
    // Built only on failure: an Error captures a stack trace, which the hot path can do without.
    const invalid = () => err('invalid_card_code', 'The card code is malformed, forged or expired');
    if (code.length > 64) return invalid();
    const known = this.verifiedStatic.get(code);
    if (known) return ok({ kind: 'static', cardId: known });
    const fixed = STATIC_CODE.exec(code);
    if (fixed) {
      const [, cardId = '', mac = ''] = fixed;
      if (!timingSafeEqual(mac, await this.mac(cardId))) return invalid();
      if (this.verifiedStatic.size >= VERIFIED_CACHE_SIZE) this.verifiedStatic.clear();
      this.verifiedStatic.set(code, cardId);
      return ok({ kind: 'static', cardId });
    }
    const rotating = ROTATING_CODE.exec(code);
    if (rotating) {
      const [, cardId = '', digits = ''] = rotating;
      const current = stepAt(nowMs);
      // Compute and compare every window step, so timing does not tell which one matched.
      let matched = 0;
      for (const step of [current - 1, current, current + 1]) {
        if (timingSafeEqual(digits, await this.totp(cardId, step)) && matched === 0) matched = step;
      }
      return matched > 0 ? ok({ kind: 'rotating', cardId, step: matched }) : invalid();
    }
    return invalid();
  }

  private async mac(cardId: string): Promise<string> {
    return base64url((await this.macKey(`ZP1\u0000${cardId}`)).slice(0, MAC_BYTES));
  }

  private async totp(cardId: string, step: number): Promise<string> {
    return hotp(await this.totpSecret(cardId), step);
  }
}

export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation. */
export async function hotp(secret: Uint8Array<ArrayBuffer>, counter: number, digits = TOTP_DIGITS) {
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = (mac[19] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 4648 base32 (no padding), the form authenticator apps and Google's TOTP details take. */
export function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
