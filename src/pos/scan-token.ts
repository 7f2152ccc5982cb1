/**
 * @module pos/scan-token
 * The proof that a till scanned a card's code just now, which a till needs to spend from the
 * card (convert, redeem). `POST /v1/pos/scan` answers one; the till sends it back with the card
 * number. Without it the card number would be enough to spend, and the card number is readable
 * inside every code (and printed on the pass), so any till key that ever saw a card could drain it.
 *
 * `ZS1.<kind>.<expires>.<mac>`: kind `r` (rotating code scanned) or `s` (static pass code),
 * expiry in ms since the epoch (base 36), and HMAC-SHA256 (truncated to 128 bits, base64url) over
 * those and the binding: brand, the POS key, its device and the card. Nothing is stored: a token
 * minted for another card, another till's key or another brand fails the MAC exactly like a forged
 * one, and only the server holds the key (derived from the pepper, so no new secret).
 *
 * A token is not single-use: a cashier often turns points into a voucher and redeems it in one
 * sale, and a rotating code can be consumed only once per 30 s step, so one spend per scan would
 * stall the till. It is bound to the till and short-lived instead; every write still runs exactly
 * once under its Idempotency-Key.
 */
import { base64url, timingSafeEqual } from '../crypto.ts';
import { err, ok, type Result } from '../errors.ts';
import type { Hmac } from '../keyed-crypto.ts';

/** How long after a scan the till may spend from the card. Long enough to ring up a basket. */
export const SCAN_TOKEN_TTL_MS = 5 * 60_000;

export const SCAN_TOKEN_PATTERN = /^ZS1\.([rs])\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;
const MAC_BYTES = 16;

export type ScannedKind = 'static' | 'rotating';

/** Who scanned which card: a token is good only for the same four. */
export type ScanBinding = { brandId: string; keyId: string; deviceId: string | null; cardId: string };

export class ScanTokens {
  private readonly key: Hmac;

  constructor(key: Hmac) {
    this.key = key;
  }

  async issue(binding: ScanBinding, kind: ScannedKind, nowMs: number) {
    const expiresAt = nowMs + SCAN_TOKEN_TTL_MS;
    const head = `ZS1.${kind === 'rotating' ? 'r' : 's'}.${expiresAt.toString(36)}`;
    return { token: `${head}.${await this.mac(head, binding)}`, expiresAt };
  }

  /** The kind of code the scan read, if the token is genuine, for this binding, and not expired. */
  async check(token: string, binding: ScanBinding, nowMs: number): Promise<Result<ScannedKind>> {
    const parsed = SCAN_TOKEN_PATTERN.exec(token);
    const head = token.slice(0, token.lastIndexOf('.'));
    // A foreign token and a forged one get the same answer: neither proves a scan at this till.
    if (!parsed || !timingSafeEqual(parsed[3] ?? '', await this.mac(head, binding))) {
      return err(
        'scan_required',
        'This scan token is not valid for this card at this till; scan the card again',
      );
    }
    if (Number.parseInt(parsed[2] ?? '0', 36) <= nowMs) {
      return err('scan_expired', 'The scan is more than 5 minutes old; scan the card again to spend');
    }
    return ok(parsed[1] === 'r' ? 'rotating' : 'static');
  }

  private async mac(head: string, b: ScanBinding): Promise<string> {
    const data = [head, b.brandId, b.keyId, b.deviceId ?? '', b.cardId].join('\u0000');
    return base64url((await this.key(data)).slice(0, MAC_BYTES));
  }
}
