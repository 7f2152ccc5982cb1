/**
 * @module node/dev-apple-pki
 * Self-made signing material for the demo brand's Apple pass, made on a developer's machine at
 * first start (`npm start`): a dev CA standing in for Apple's WWDR intermediate, and a Pass Type
 * ID certificate it issued, with the subject fields Wallet checks (UID = pass type id, OU = team
 * id). Passes signed with it verify against the dev CA (openssl, passkit-generator) but no iPhone
 * trusts them: for a real device, upload an Apple-issued certificate through the admin API.
 *
 * Keys come from node:crypto (native, fast); node-forge, already a dependency for reading .p12
 * uploads, writes the X.509 certificates. Kept in the data dir with mode 0600.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import forge from 'node-forge';
import { writePrivateJson } from './private-file.ts';

export const DEV_PASS_TYPE_ID = 'pass.dev.zeropass.demo';
export const DEV_TEAM_ID = 'ZPDEVTEAM1';
const VALID_YEARS = 10;

export type DevApplePki = {
  passTypeId: string;
  teamId: string;
  /** PEM of the dev CA: give it as `wwdr` when saving the template, and trust it to verify passes. */
  caCertificatePem: string;
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
};

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    privateKeyPem: privateKey,
    forgePrivate: forge.pki.privateKeyFromPem(privateKey),
    forgePublic: forge.pki.publicKeyFromPem(publicKey),
  };
}

function certificate(
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  publicKey: forge.pki.PublicKey,
  extensions: object[],
  now: Date,
) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: the high bit of the first byte clear.
  cert.serialNumber = `0${randomBytes(15).toString('hex')}`;
  // An hour back, so a clock a little behind still finds it valid.
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + VALID_YEARS * 365 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  return cert;
}

/** A dev CA and a Pass Type ID certificate it signed (SHA-256, RSA 2048). */
export function makeDevApplePki(now = new Date()): DevApplePki {
  const ca = rsaKeyPair();
  const caName = [
    { name: 'commonName', value: 'zeropass Dev CA (not Apple)' },
    { name: 'organizationName', value: 'zeropass Dev' },
  ];
  const caCert = certificate(
    caName,
    caName,
    ca.forgePublic,
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
    now,
  );
  caCert.sign(ca.forgePrivate, forge.md.sha256.create());

  const pass = rsaKeyPair();
  const passCert = certificate(
    [
      { type: '0.9.2342.19200300.100.1.1', value: DEV_PASS_TYPE_ID },
      { name: 'commonName', value: `Pass Type ID: ${DEV_PASS_TYPE_ID}` },
      { shortName: 'OU', value: DEV_TEAM_ID },
      { name: 'organizationName', value: 'zeropass Demo Brand' },
      { name: 'countryName', value: 'FR' },
    ],
    caName,
    pass.forgePublic,
    [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
    now,
  );
  passCert.sign(ca.forgePrivate, forge.md.sha256.create());
  return {
    passTypeId: DEV_PASS_TYPE_ID,
    teamId: DEV_TEAM_ID,
    caCertificatePem: forge.pki.certificateToPem(caCert),
    certificatePem: forge.pki.certificateToPem(passCert),
    privateKeyPem: pass.privateKeyPem,
  };
}

function stillValid(pki: DevApplePki, now: number): boolean {
  try {
    const cert = forge.pki.certificateFromPem(pki.certificatePem);
    return cert.validity.notAfter.getTime() > now + 86_400_000;
  } catch {
    return false;
  }
}

/** The dev PKI in `data/dev-apple-pki.json`, made on first need and again once it expires. */
export async function loadDevApplePki(
  dataDir: string,
  now = Date.now(),
): Promise<{ path: string; pki: DevApplePki }> {
  const path = resolve(join(dataDir, 'dev-apple-pki.json'));
  if (existsSync(path)) {
    const pki = JSON.parse(await readFile(path, 'utf8')) as DevApplePki;
    if (stillValid(pki, now)) return { path, pki };
  }
  const pki = makeDevApplePki(new Date(now));
  await writePrivateJson(path, pki);
  return { path, pki };
}
