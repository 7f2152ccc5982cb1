/**
 * The browser's half of RFC 8291, on WebCrypto, for tests on both runtimes: decrypts an
 * aes128gcm push body with the subscription's private key and auth secret. It shares no code with
 * src/push/ece.ts and is itself checked against the RFC's appendix vector (tests/push/ece.test.ts);
 * on Node, `http_ece` decrypts the same bodies as a third party (ece-oracle.node.test.ts).
 */
import { base64url, fromBase64url } from '../../src/crypto.ts';

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const enc = new TextEncoder();

/** Keys a browser would make for a subscription: P-256 pair and a 16-byte auth secret. */
export type BrowserKeys = {
  p256dh: string;
  auth: string;
  privateKey: CryptoKey;
  /** The private scalar, base64url, for oracles that take raw keys (http_ece). */
  d: string;
};

export async function makeBrowserKeys(): Promise<BrowserKeys> {
  const pair = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return {
    p256dh: base64url(raw),
    auth: base64url(crypto.getRandomValues(new Uint8Array(16))),
    privateKey: pair.privateKey,
    d: jwk.d ?? '',
  };
}

/** Imports a receiver private key from its raw public point and private scalar (test vectors). */
export async function importReceiverKey(publicKey: Uint8Array, d: string): Promise<CryptoKey> {
  const x = base64url(publicKey.slice(1, 33));
  const y = base64url(publicKey.slice(33, 65));
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y, d }, ECDH, false, ['deriveBits']);
}

async function hmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

/** HKDF written out as RFC 5869 extract + one expand block, unlike src's use of WebCrypto HKDF. */
async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array,
  length: number,
) {
  const prk = await hmac(salt, ikm);
  const block = new Uint8Array(info.length + 1);
  block.set(info);
  block[info.length] = 1;
  return (await hmac(prk, block)).slice(0, length);
}

const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Decrypts one single-record aes128gcm push body; throws when it does not authenticate. */
export async function decryptPush(
  body: Uint8Array,
  receiver: { p256dh: string; auth: string; privateKey: CryptoKey },
): Promise<Uint8Array> {
  const salt = body.slice(0, 16);
  const idlen = body[20] ?? 0;
  const senderPublic = body.slice(21, 21 + idlen);
  const ciphertext = body.slice(21 + idlen);
  const sender = await crypto.subtle.importKey('raw', senderPublic, ECDH, false, []);
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'ECDH', public: sender }, receiver.privateKey, 256),
  );
  const uaPublic = fromBase64url(receiver.p256dh);
  const ikm = await hkdf(
    fromBase64url(receiver.auth),
    shared,
    join(enc.encode('WebPush: info\0'), uaPublic, senderPublic),
    32,
  );
  const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, ciphertext));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('the last record does not end with delimiter 0x02');
  return padded.slice(0, end);
}
