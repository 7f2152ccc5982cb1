/**
 * @module keyed-crypto
 * The two keyed primitives on the hot paths: HMAC-SHA256 (the pepper: Apple links, card codes,
 * confirmation links) and ES256 signing (shopper sessions). Each is a port because the best
 * implementation differs by runtime. In workerd, WebCrypto answers without leaving the isolate.
 * In Node, every WebCrypto call is a thread-pool job, and dispatching and resolving it cost the
 * event loop more than an HMAC's arithmetic. Node therefore gets `node:crypto`
 * (`src/node/node-keyed-crypto.ts`). Both produce the same bytes (HMAC) or interchangeable
 * signatures (ECDSA), which `tests/keyed-crypto.test.ts` checks.
 */
import type { JWK } from 'jose';
import { utf8 } from './crypto.ts';

/** HMAC-SHA256 under one fixed key. */
export type Hmac = (data: string | Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

/** An ES256 signature in JOSE form: r ‖ s, 32 bytes each (RFC 7518 §3.4), not DER. */
export type Es256Sign = (data: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;

export type KeyedCrypto = {
  hmacSha256(secret: Uint8Array<ArrayBuffer>): Promise<Hmac>;
  es256(privateJwk: JWK): Promise<Es256Sign>;
};

export const webKeyedCrypto: KeyedCrypto = {
  async hmacSha256(secret) {
    const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return async (data) =>
      new Uint8Array(await crypto.subtle.sign('HMAC', key, typeof data === 'string' ? utf8(data) : data));
  },
  async es256({ kty, crv, x, y, d }) {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty, crv, x, y, d } as JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    // WebCrypto's ECDSA output is already r ‖ s.
    return async (data) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data));
  },
};
