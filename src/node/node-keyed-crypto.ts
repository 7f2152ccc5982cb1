/**
 * @module node/node-keyed-crypto
 * The keyed-crypto port over `node:crypto`, for the Node entry. Measured on Node 24 with the
 * server under sign-in load: a WebCrypto HMAC cost the event loop about 30 µs just to dispatch
 * and settle its thread-pool job, where a synchronous `createHmac` over an imported key costs 3 µs.
 * An ES256 signature is real work (30 µs alone, 80–100 µs on a busy event loop), so it stays on
 * the thread pool, but through `crypto.sign`'s callback, which skips WebCrypto's layers: the
 * event loop served about 12 % more sign-ins than with a synchronous signature.
 *
 * ES256 is signed in DER and converted to r ‖ s here: Node's own `dsaEncoding: 'ieee-p1363'`
 * option costs about 45 µs more per signature (measured, Node 24.21, OpenSSL 3.5).
 */
import { createHmac, createPrivateKey, createSecretKey, type JsonWebKey, sign } from 'node:crypto';
import type { KeyedCrypto } from '../keyed-crypto.ts';

const P256_SCALAR_BYTES = 32;

export const nodeKeyedCrypto: KeyedCrypto = {
  async hmacSha256(secret) {
    const key = createSecretKey(secret);
    return (data) => createHmac('sha256', key).update(data).digest();
  },
  async es256({ kty, crv, x, y, d }) {
    const key = createPrivateKey({ key: { kty, crv, x, y, d } as JsonWebKey, format: 'jwk' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('an ES256 key must be an EC key on P-256');
    }
    return (data) =>
      new Promise((resolve, reject) =>
        sign('sha256', data, key, (error, der) => (error ? reject(error) : resolve(derToJose(der)))),
      );
  },
};

/**
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } → r ‖ s, each left-padded to 32 bytes.
 * For P-256 every length fits in one byte, and an INTEGER has at most one leading zero (its
 * sign byte) or is shorter than 32 bytes when its top bytes are zero.
 */
export function derToJose(der: Uint8Array): Uint8Array {
  const fail = () => new Error('malformed ECDSA DER signature');
  if (der[0] !== 0x30 || der[1] !== der.length - 2) throw fail();
  const out = new Uint8Array(2 * P256_SCALAR_BYTES);
  let offset = 2;
  for (let part = 0; part < 2; part++) {
    const length = der[offset + 1] ?? 0;
    if (der[offset] !== 0x02 || length < 1 || offset + 2 + length > der.length) throw fail();
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > P256_SCALAR_BYTES && value[0] === 0) value = value.subarray(1);
    if (value.length > P256_SCALAR_BYTES) throw fail();
    out.set(value, (part + 1) * P256_SCALAR_BYTES - value.length);
    offset += 2 + length;
  }
  if (offset !== der.length) throw fail();
  return out;
}
