/**
 * @module relay/envelope
 * Sealed envelopes: the only form in which PII in flight may wait. The body is AES-256-GCM with a
 * fresh 96-bit IV; the AAD binds the brand and the event id, so a ciphertext copied onto another
 * brand's or another event's envelope fails to open instead of leaking into the wrong CRM.
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf
 */
import { base64url, fromBase64url, randomBytes, randomId, utf8 } from '../crypto.ts';
import type { RelayMessage } from './relay.ts';

export type RelayKind = RelayMessage['kind'];

/** What travels on a queue or waits in the outbox: metadata in clear, the message sealed. */
export type Envelope = {
  /** Identifies this delivery (one per event and connector). */
  id: string;
  /** Identifies the event; connectors de-duplicate on it. */
  eventId: string;
  brandId: string;
  kind: RelayKind;
  /** The brand connector this envelope goes to. */
  connectorId: string;
  createdAt: number;
  expiresAt: number;
  /** base64url(IV ‖ ciphertext ‖ tag). */
  ciphertext: string;
};

const AAD_PREFIX = 'zeropass.relay.v1';
const aad = (brandId: string, eventId: string) => utf8(`${AAD_PREFIX}\u0000${brandId}\u0000${eventId}`);

export async function importRelayKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** Encrypts any bytes under the relay key with an AAD of the caller's choosing. */
export async function sealBytes(
  key: CryptoKey,
  plaintext: Uint8Array<ArrayBuffer>,
  ad: Uint8Array<ArrayBuffer>,
) {
  const iv = randomBytes(12);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: ad }, key, plaintext),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return base64url(out);
}

/** Decrypts what sealBytes made; throws if the key, the AAD or a single bit differs. */
export async function openBytes(key: CryptoKey, ciphertext: string, ad: Uint8Array<ArrayBuffer>) {
  const bytes = fromBase64url(ciphertext);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: ad },
    key,
    bytes.slice(12),
  );
  return new Uint8Array(plain);
}

/** The event id a message is known by: a consent event keeps its own, anything else gets a fresh one. */
export function eventIdOf(message: RelayMessage): string {
  return message.kind === 'consent.recorded' ? message.event.eventId : randomId('evt');
}

export async function sealMessage(key: CryptoKey, message: RelayMessage, eventId: string): Promise<string> {
  return sealBytes(key, utf8(JSON.stringify(message)), aad(message.brandId, eventId));
}

export async function openEnvelope(key: CryptoKey, envelope: Envelope): Promise<RelayMessage> {
  const plain = await openBytes(key, envelope.ciphertext, aad(envelope.brandId, envelope.eventId));
  const message = JSON.parse(new TextDecoder().decode(plain)) as RelayMessage;
  // The AAD already binds the brand; this guards against a message sealed with a lying brandId.
  if (message.brandId !== envelope.brandId || message.kind !== envelope.kind) {
    throw new Error('envelope metadata does not match its sealed message');
  }
  return message;
}
