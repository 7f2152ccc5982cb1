/** The two oracles ship no types; only what tests/push calls is declared. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  export function decrypt(
    buffer: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string },
  ): Buffer;
}

declare module 'web-push' {
  export function generateRequestDetails(
    subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: string | Buffer,
    options: {
      vapidDetails: { subject: string; publicKey: string; privateKey: string };
      TTL?: number;
      contentEncoding?: 'aes128gcm';
    },
  ): { method: string; headers: Record<string, string>; body: Buffer; endpoint: string };
  export function generateVAPIDKeys(): { publicKey: string; privateKey: string };
}
