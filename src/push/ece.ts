/**
 * @module push/ece
 * Message encryption for web push (RFC 8291) in the aes128gcm content coding (RFC 8188), on
 * WebCrypto only, so Workers and Node run the same code: ECDH P-256 with the browser's key, HKDF
 * (SHA-256) bound to its auth secret, one AES-128-GCM record. `web-push` and `http_ece` are the
 * test oracles (tests/push), not runtime dependencies: their Node crypto does not load in workerd.
 * @see https://www.rfc-editor.org/rfc/rfc8291
 * @see https://www.rfc-editor.org/rfc/rfc8188
 */
import { randomBytes, utf8 } from '../crypto.ts';

/** RFC 8030 push services must accept 4096 bytes of body; with the header and tag: */
export const MAX_PUSH_BODY_BYTES = 4096;
const HEADER_BYTES = 16 + 4 + 1 + 65;
const TAG_BYTES = 16;
/** The largest plaintext one 4096-byte message carries (one delimiter byte, no padding). */
export const MAX_PUSH_PAYLOAD_BYTES = MAX_PUSH_BODY_BYTES - HEADER_BYTES - TAG_BYTES - 1;

/** The browser's half of a subscription, decoded. */
export type ReceiverKeys = { p256dh: Uint8Array<ArrayBuffer>; auth: Uint8Array<ArrayBuffer> };

/** Fixed sender key and salt: only the RFC's test vector needs them. */
export type EncryptOverrides = { senderKeys?: CryptoKeyPair; salt?: Uint8Array<ArrayBuffer> };

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const KEY_INFO = utf8('WebPush: info\u0000');
const CEK_INFO = utf8('Content-Encoding: aes128gcm\u0000');
const NONCE_INFO = utf8('Content-Encoding: nonce\u0000');

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  bytes: number,
) {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8),
  );
}

export class PayloadTooLarge extends Error {
  override name = 'PayloadTooLarge';
}

/**
 * Encrypts one push message: the body to POST with `Content-Encoding: aes128gcm`. The header
 * carries the salt, the record size and the sender's one-off public key (RFC 8291 §4).
 */
export async function encryptPushPayload(
  receiver: ReceiverKeys,
  plaintext: Uint8Array,
  overrides: EncryptOverrides = {},
): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > MAX_PUSH_PAYLOAD_BYTES) {
    throw new PayloadTooLarge(`push payloads are at most ${MAX_PUSH_PAYLOAD_BYTES} bytes`);
  }
  const [sender, receiverKey] = await Promise.all([
    overrides.senderKeys ?? (crypto.subtle.generateKey(ECDH, true, ['deriveBits']) as Promise<CryptoKeyPair>),
    crypto.subtle.importKey('raw', receiver.p256dh, ECDH, false, []),
  ]);
  const [shared, senderPublic] = await Promise.all([
    crypto.subtle.deriveBits({ name: 'ECDH', public: receiverKey }, sender.privateKey, 256),
    crypto.subtle.exportKey('raw', sender.publicKey),
  ]);
  const asPublic = new Uint8Array(senderPublic as ArrayBuffer);
  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" ‖ 0 ‖ ua_public ‖ as_public, 32).
  const ikm = await hkdf(
    receiver.auth,
    new Uint8Array(shared),
    concat(KEY_INFO, receiver.p256dh, asPublic),
    32,
  );
  const salt = overrides.salt ?? randomBytes(16);
  const [cek, nonce] = await Promise.all([hkdf(salt, ikm, CEK_INFO, 16), hkdf(salt, ikm, NONCE_INFO, 12)]);
  const aes = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  // One record, so it is the last: the plaintext, then the delimiter 0x02 (RFC 8188 §2).
  const record = concat(plaintext, new Uint8Array([2]));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, aes, record));
  const header = new Uint8Array(HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, MAX_PUSH_BODY_BYTES);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concat(header, sealed);
}
