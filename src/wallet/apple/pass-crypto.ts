/**
 * @module wallet/apple/pass-crypto
 * The digests and the one signature a pass needs, as a port: WebCrypto by default (workerd
 * answers it inside the isolate), `node:crypto` on Node (`src/node/node-pass-crypto.ts`), where
 * a WebCrypto call is a thread-pool job whose dispatch costs more than hashing a small file.
 */
import { hex } from '../../crypto.ts';

/** RSASSA-PKCS1-v1_5 with SHA-256 under one imported key. */
export type RsaSign = (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

export type PassCrypto = {
  /** Lowercase hex SHA-1, the manifest's file hash. */
  sha1Hex(data: Uint8Array<ArrayBuffer>): string | Promise<string>;
  sha256(data: Uint8Array<ArrayBuffer>): Uint8Array | Promise<Uint8Array>;
  /** Imports a PKCS#8 RSA private key once; the signer is reused for every pass of a template. */
  rsaSha256(pkcs8: Uint8Array<ArrayBuffer>): Promise<RsaSign>;
};

export const webPassCrypto: PassCrypto = {
  async sha1Hex(data) {
    return hex(await crypto.subtle.digest('SHA-1', data));
  },
  async sha256(data) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  },
  async rsaSha256(pkcs8) {
    const key = await crypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return async (data) => new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, data));
  },
};
