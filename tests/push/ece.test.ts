import { describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { base64url, fromBase64url, utf8 } from '../../src/crypto.ts';
import { encryptPushPayload, MAX_PUSH_PAYLOAD_BYTES, PayloadTooLarge } from '../../src/push/ece.ts';
import { decryptPush, importReceiverKey, makeBrowserKeys } from '../helpers/push-decrypt.ts';

/** RFC 8291 Appendix A (and §5): every value verbatim from the RFC. */
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml' +
    'mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT' +
    'pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

async function rfcSenderKeys(): Promise<CryptoKeyPair> {
  const raw = fromBase64url(RFC.asPublic);
  const x = base64url(raw.slice(1, 33));
  const y = base64url(raw.slice(33));
  const privateKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x, y, d: RFC.asPrivate },
    ECDH,
    true,
    ['deriveBits'],
  );
  const publicKey = await crypto.subtle.importKey('raw', raw, ECDH, true, []);
  return { privateKey, publicKey };
}

describe(`RFC 8291 message encryption (${runtime})`, () => {
  it('reproduces the RFC 8291 appendix A body byte for byte', async () => {
    const body = await encryptPushPayload(
      { p256dh: fromBase64url(RFC.uaPublic), auth: fromBase64url(RFC.auth) },
      utf8(RFC.plaintext),
      { senderKeys: await rfcSenderKeys(), salt: fromBase64url(RFC.salt) },
    );
    expect(base64url(body)).toBe(RFC.body);
  });

  it('the test decryptor opens the RFC body with the user agent key (so it can be trusted below)', async () => {
    const privateKey = await importReceiverKey(fromBase64url(RFC.uaPublic), RFC.uaPrivate);
    const plain = await decryptPush(fromBase64url(RFC.body), {
      p256dh: RFC.uaPublic,
      auth: RFC.auth,
      privateKey,
    });
    expect(new TextDecoder().decode(plain)).toBe(RFC.plaintext);
  });

  it('encrypts for keys made in the test: a fresh salt and sender key each time, and it decrypts', async () => {
    const browser = await makeBrowserKeys();
    const receiver = { p256dh: fromBase64url(browser.p256dh), auth: fromBase64url(browser.auth) };
    const text = JSON.stringify({ title: 'Sale', body: 'Ünïcødé ✓ 20% off' });
    const [a, b] = await Promise.all([
      encryptPushPayload(receiver, utf8(text)),
      encryptPushPayload(receiver, utf8(text)),
    ]);
    expect(base64url(a.slice(0, 16))).not.toBe(base64url(b.slice(0, 16)));
    expect(base64url(a.slice(21, 86))).not.toBe(base64url(b.slice(21, 86)));
    expect(new DataView(a.buffer).getUint32(16)).toBe(4096);
    expect(a[20]).toBe(65);
    for (const body of [a, b]) expect(new TextDecoder().decode(await decryptPush(body, browser))).toBe(text);
    // Another browser's keys cannot open it.
    await expect(decryptPush(a, await makeBrowserKeys())).rejects.toThrow();
  });

  it('fills a 4096-byte message at most and refuses a larger payload', async () => {
    const browser = await makeBrowserKeys();
    const receiver = { p256dh: fromBase64url(browser.p256dh), auth: fromBase64url(browser.auth) };
    const max = await encryptPushPayload(receiver, new Uint8Array(MAX_PUSH_PAYLOAD_BYTES).fill(97));
    expect(max.length).toBe(4096);
    expect((await decryptPush(max, browser)).length).toBe(MAX_PUSH_PAYLOAD_BYTES);
    await expect(
      encryptPushPayload(receiver, new Uint8Array(MAX_PUSH_PAYLOAD_BYTES + 1)),
    ).rejects.toBeInstanceOf(PayloadTooLarge);
  });
});
