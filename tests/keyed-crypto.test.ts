/**
 * The keyed-crypto port of this project's runtime (node:crypto on Node, WebCrypto in workerd),
 * checked against published vectors and against WebCrypto and jose as independent verifiers.
 */
import fc from 'fast-check';
import { compactVerify, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyedCrypto } from '#test-runtime';
import { base64url, generateEs256KeyPair, generateRs256KeyPair, hex, utf8 } from '../src/crypto.ts';
import { webKeyedCrypto } from '../src/keyed-crypto.ts';

async function p256Pair() {
  const pair = await generateEs256KeyPair();
  return { privateJwk: await exportJWK(pair.privateKey), publicKey: pair.publicKey };
}

describe('keyed crypto of this runtime', () => {
  it('computes HMAC-SHA256 as RFC 4231 says (test cases 1 and 2)', async () => {
    const case1 = await keyedCrypto.hmacSha256(new Uint8Array(20).fill(0x0b));
    expect(hex(await case1('Hi There'))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    const case2 = await keyedCrypto.hmacSha256(utf8('Jefe'));
    expect(hex(await case2(utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('gives the same HMAC as WebCrypto for any key and message', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.string({ maxLength: 200 }),
        async (secret, message) => {
          const key = new Uint8Array(secret);
          const ours = await (await keyedCrypto.hmacSha256(key))(message);
          const reference = await (await webKeyedCrypto.hmacSha256(key))(message);
          expect(hex(ours)).toBe(hex(reference));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('signs ES256 in JOSE form (r ‖ s) that WebCrypto verifies, whatever the leading bytes', async () => {
    const { privateJwk, publicKey } = await p256Pair();
    const sign = await keyedCrypto.es256(privateJwk);
    // Enough signatures that some r or s starts with a zero byte (about 1 in 128 per signature)
    // and about half need DER's sign byte: both shapes must come out as 64 bytes.
    for (let i = 0; i < 400; i++) {
      const data = utf8(`message ${i}`);
      const signature = await sign(data);
      expect(signature).toHaveLength(64);
      const verified = await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        publicKey,
        new Uint8Array(signature),
        data,
      );
      expect(verified).toBe(true);
    }
  });

  it('produces signatures jose accepts and refuses once a byte changes', async () => {
    const { privateJwk, publicKey } = await p256Pair();
    const sign = await keyedCrypto.es256(privateJwk);
    const input = `${base64url(utf8('{"alg":"ES256"}'))}.${base64url(utf8('{"hello":"till"}'))}`;
    const token = `${input}.${base64url(await sign(utf8(input)))}`;
    const { payload } = await compactVerify(token, publicKey);
    expect(new TextDecoder().decode(payload)).toBe('{"hello":"till"}');
    const stranger = await keyedCrypto.es256((await p256Pair()).privateJwk);
    const forged = `${input}.${base64url(await stranger(utf8(input)))}`;
    await expect(compactVerify(forged, publicKey)).rejects.toThrow();
    const tampered = `${input.split('.')[0]}.${base64url(utf8('{"hello":"tilt"}'))}.${token.split('.')[2]}`;
    await expect(compactVerify(tampered, publicKey)).rejects.toThrow();
  });

  it('refuses a key that is not a P-256 private key', async () => {
    const rsa = await generateRs256KeyPair();
    await expect(keyedCrypto.es256(await exportJWK(rsa.privateKey))).rejects.toThrow();
  });
});
