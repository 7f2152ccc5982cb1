/**
 * @module node/node-pass-crypto
 * The pass-crypto port over `node:crypto`. Hashes are synchronous: a pass hashes two small files
 * (pass.json, manifest.json), microseconds of work that a thread-pool round trip would only slow.
 * The RSA signature is a millisecond of work, so it goes to the thread pool through `sign`'s
 * callback form and the event loop keeps serving requests while it runs.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import type { PassCrypto } from '../wallet/apple/pass-crypto.ts';

export const nodePassCrypto: PassCrypto = {
  sha1Hex: (data) => createHash('sha1').update(data).digest('hex'),
  sha256: (data) => createHash('sha256').update(data).digest(),
  async rsaSha256(pkcs8) {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('a pass signing key must be an RSA key');
    return (data) =>
      new Promise((resolve, reject) =>
        sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))),
      );
  },
};
