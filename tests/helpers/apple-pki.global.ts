/**
 * Global setup of both test projects: a throwaway stand-in for Apple's PKI, made with openssl once
 * per run. A test root CA, a WWDR-like intermediate, a brand's Pass Type ID certificate and key
 * (PEM, a modern PBES2 .p12 and a legacy 3DES .p12, as Keychain exports), a second brand's
 * certificate, a TLS certificate for the fake APNs and a .p8-style APNs signing key. Tests read
 * it with `inject('applePki')`; `dir` holds the same material as files for `openssl cms -verify`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export type TestPassIdentity = {
  passTypeId: string;
  teamId: string;
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
};

export type ApplePki = {
  dir: string;
  rootPem: string;
  wwdrPem: string;
  brand: TestPassIdentity & {
    p12Base64: string;
    legacyP12Base64: string;
    p12Passphrase: string;
  };
  /** A second brand's identity: a different pass type id, team and key. */
  other: TestPassIdentity;
  apnsServer: { certificatePem: string; privateKeyPem: string };
  apnsToken: { keyId: string; teamId: string; privateKeyPem: string };
};

declare module 'vitest' {
  export interface ProvidedContext {
    applePki: ApplePki;
  }
}

const P12_PASSPHRASE = 'zeropass-test-p12';

export function makeApplePki(dir = mkdtempSync(join(tmpdir(), 'zp-apple-pki-'))): ApplePki {
  const file = (name: string) => join(dir, name);
  const read = (name: string) => readFileSync(file(name), 'utf8');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const extensions = (name: string, lines: string[]) => writeFileSync(file(name), `${lines.join('\n')}\n`);
  const rsaKey = (name: string) =>
    openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file(name));
  const issue = (name: string, subject: string, ca: string, ext: string[]) => {
    rsaKey(`${name}.key`);
    openssl('req', '-new', '-key', file(`${name}.key`), '-subj', subject, '-out', file(`${name}.csr`));
    extensions(`${name}.ext`, ext);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${ca}.pem`),
      '-CAkey',
      file(`${ca}.key`),
      '-set_serial',
      `0x${Date.now().toString(16)}${name.length}`,
      '-days',
      '825',
      '-sha256',
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.pem`),
    );
  };
  const passIdentity = (name: string, passTypeId: string, teamId: string): TestPassIdentity => {
    issue(
      name,
      `/UID=${passTypeId}/CN=Pass Type ID: ${passTypeId}/OU=${teamId}/O=zeropass Test Brand/C=FR`,
      'wwdr',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=clientAuth',
      ],
    );
    return { passTypeId, teamId, certificatePem: read(`${name}.pem`), privateKeyPem: read(`${name}.key`) };
  };

  rsaKey('root.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('root.key'),
    '-subj',
    '/CN=zeropass Test Root CA/O=zeropass Test',
    '-days',
    '3650',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    file('root.pem'),
  );
  issue('wwdr', '/CN=zeropass Test Worldwide Developer Relations/OU=G4/O=zeropass Test/C=FR', 'root', [
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const brand = passIdentity('pass', 'pass.test.zeropass.loyalty', 'ZPTEAM1234');
  const other = passIdentity('other', 'pass.test.zeropass.other', 'ZPTEAM9876');
  const p12 = (out: string, ...pbe: string[]) => {
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      file('pass.key'),
      '-in',
      file('pass.pem'),
      '-passout',
      `pass:${P12_PASSPHRASE}`,
      ...pbe,
      '-out',
      file(out),
    );
    return readFileSync(file(out)).toString('base64');
  };
  issue('apns', '/CN=localhost', 'root', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  openssl(
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    file('apns-token.p8'),
  );
  return {
    dir,
    rootPem: read('root.pem'),
    wwdrPem: read('wwdr.pem'),
    brand: {
      ...brand,
      p12Base64: p12('pass.p12'),
      legacyP12Base64: p12(
        'pass-legacy.p12',
        '-keypbe',
        'PBE-SHA1-3DES',
        '-certpbe',
        'PBE-SHA1-3DES',
        '-macalg',
        'sha1',
      ),
      p12Passphrase: P12_PASSPHRASE,
    },
    other,
    apnsServer: { certificatePem: read('apns.pem'), privateKeyPem: read('apns.key') },
    apnsToken: { keyId: 'ZPKEY12345', teamId: brand.teamId, privateKeyPem: read('apns-token.p8') },
  };
}

export function setup(project: TestProject) {
  project.provide('applePki', makeApplePki());
}
