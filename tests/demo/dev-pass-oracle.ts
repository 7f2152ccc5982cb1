/**
 * The pass oracle (tests/helpers/pass-oracle.ts, what `checkPass` runs on Node) pointed at the dev
 * PKI the Node entry makes instead of the test PKI: openssl must chain the signature to the dev
 * CA, and passkit-generator must read the pass back. Node only.
 */
import { inject } from 'vitest';
import type { DevApplePki } from '../../src/node/dev-apple-pki.ts';
import { type VerifiedPass, verifyPass } from '../helpers/pass-oracle.ts';

export function checkDevPass(bytes: Uint8Array, pki: DevApplePki): Promise<VerifiedPass> {
  const testPki = inject('applePki');
  return verifyPass(bytes, {
    ...testPki,
    rootPem: pki.caCertificatePem,
    wwdrPem: pki.caCertificatePem,
    brand: {
      ...testPki.brand,
      passTypeId: pki.passTypeId,
      teamId: pki.teamId,
      certificatePem: pki.certificatePem,
      privateKeyPem: pki.privateKeyPem,
    },
  });
}
