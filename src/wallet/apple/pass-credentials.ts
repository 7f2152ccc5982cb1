/**
 * @module wallet/apple/pass-credentials
 * Reads what a brand uploads to sign its passes: the Pass Type ID certificate and key as PEM or
 * as the .p12 that Keychain exports (modern PBES2/AES or legacy 3DES), and an optional WWDR
 * intermediate. Checks them once, at upload, so a template that is saved can sign: the key
 * matches the certificate, the certificate is current, and it names the pass type id (subject
 * UID) and team id (subject OU) Wallet will check against pass.json.
 *
 * node-forge is loaded only here, on this rare admin path: it parses .p12 and encrypted PEM,
 * which WebCrypto cannot, and it runs in workerd. Signing never uses it.
 */
export type PassCredentialsInput = {
  /** PEM of the certificate (a key may follow in the same text), or base64 of a .p12. */
  certificate: string;
  /** PEM of the private key, when not in `certificate`. */
  privateKey?: string | undefined;
  /** Of the .p12 or of an encrypted PEM key. */
  passphrase?: string | undefined;
  /** PEM of the WWDR intermediate that issued the certificate; else the configured one. */
  wwdr?: string | undefined;
};

export type PassCredentials = {
  certificateDer: Uint8Array<ArrayBuffer>;
  privateKeyPkcs8: Uint8Array<ArrayBuffer>;
  wwdrDer: Uint8Array<ArrayBuffer> | undefined;
  passTypeId: string;
  teamId: string;
  /** Epoch ms. */
  notAfter: number;
  /** RSA modulus length in bytes: the length of every signature. */
  signatureLength: number;
};

export type CredentialsResult = { ok: true; value: PassCredentials } | { ok: false; reason: string };

type Forge = typeof import('node-forge');
type ForgeCertificate = import('node-forge').pki.Certificate;
type ForgeKey = import('node-forge').pki.rsa.PrivateKey;

const UID_OID = '0.9.2342.19200300.100.1.1';

function bytes(forge: Forge, binary: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(forge.util.binary.raw.decode(binary));
}

function fromPem(forge: Forge, text: string, passphrase: string | undefined) {
  let certificate: ForgeCertificate | undefined;
  let key: ForgeKey | undefined;
  for (const block of forge.pem.decode(text)) {
    const pem = forge.pem.encode(block);
    if (block.type === 'CERTIFICATE' && !certificate) certificate = forge.pki.certificateFromPem(pem);
    else if (block.type === 'ENCRYPTED PRIVATE KEY' || block.procType?.type === 'ENCRYPTED') {
      key = (forge.pki.decryptRsaPrivateKey(pem, passphrase ?? '') as ForgeKey | null) ?? undefined;
      if (!key) throw new Error('the private key could not be decrypted with this passphrase');
    } else if (block.type === 'PRIVATE KEY' || block.type === 'RSA PRIVATE KEY') {
      key = forge.pki.privateKeyFromPem(pem) as ForgeKey;
    }
  }
  return { certificate, key };
}

function fromP12(forge: Forge, base64: string, passphrase: string | undefined) {
  const der = forge.util.decode64(base64.replace(/\s+/g, ''));
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), passphrase ?? '');
  const bagsOf = (oid: string | undefined) => (oid ? (p12.getBags({ bagType: oid })[oid] ?? []) : []);
  const { certBag, pkcs8ShroudedKeyBag, keyBag } = forge.pki.oids;
  const certs = bagsOf(certBag).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const key = (bagsOf(pkcs8ShroudedKeyBag)[0]?.key ?? bagsOf(keyBag)[0]?.key) as ForgeKey | undefined;
  // A .p12 may also hold the chain: the signing certificate is the one whose key is in it.
  const certificate = certs.find(
    (cert) => key && (cert.publicKey as import('node-forge').pki.rsa.PublicKey).n.equals(key.n),
  );
  return { certificate: certificate ?? certs[0], key };
}

function subjectField(
  cert: ForgeCertificate,
  match: { type?: string; shortName?: string },
): string | undefined {
  const field = cert.subject.getField(match) as { value?: unknown } | null;
  return typeof field?.value === 'string' ? field.value : undefined;
}

export async function readPassCredentials(
  input: PassCredentialsInput,
  now: number,
): Promise<CredentialsResult> {
  const { default: forge } = (await import('node-forge')) as unknown as { default: Forge };
  try {
    const isPem = input.certificate.includes('-----BEGIN');
    const parsed = isPem
      ? fromPem(forge, input.certificate, input.passphrase)
      : fromP12(forge, input.certificate, input.passphrase);
    const key =
      parsed.key ?? (input.privateKey ? fromPem(forge, input.privateKey, input.passphrase).key : undefined);
    const cert = parsed.certificate;
    if (!cert) return { ok: false, reason: 'no certificate found' };
    if (!key) return { ok: false, reason: 'no private key found' };
    const publicKey = cert.publicKey as import('node-forge').pki.rsa.PublicKey;
    if (!publicKey.n?.equals(key.n)) {
      return { ok: false, reason: 'the private key does not belong to the certificate (or is not RSA)' };
    }
    if (cert.validity.notAfter.getTime() <= now) return { ok: false, reason: 'the certificate has expired' };
    if (cert.validity.notBefore.getTime() > now)
      return { ok: false, reason: 'the certificate is not valid yet' };
    const passTypeId = subjectField(cert, { type: UID_OID });
    const teamId = subjectField(cert, { shortName: 'OU' });
    if (!passTypeId?.startsWith('pass.')) {
      return { ok: false, reason: 'the certificate is not a Pass Type ID certificate (no pass.* UID)' };
    }
    if (!teamId) return { ok: false, reason: 'the certificate names no team id (subject OU)' };
    let wwdrDer: Uint8Array<ArrayBuffer> | undefined;
    if (input.wwdr) {
      const wwdr = forge.pki.certificateFromPem(input.wwdr);
      if (!wwdr.verify(cert))
        return { ok: false, reason: 'the WWDR certificate did not issue this certificate' };
      wwdrDer = bytes(forge, forge.asn1.toDer(forge.pki.certificateToAsn1(wwdr)).getBytes());
    }
    const keyInfo = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key));
    return {
      ok: true,
      value: {
        certificateDer: bytes(forge, forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes()),
        privateKeyPkcs8: bytes(forge, forge.asn1.toDer(keyInfo).getBytes()),
        wwdrDer,
        passTypeId,
        teamId,
        notAfter: cert.validity.notAfter.getTime(),
        signatureLength: Math.ceil(publicKey.n.bitLength() / 8),
      },
    };
  } catch (error) {
    // forge's messages describe the structure ("Invalid password?"), never the secret itself.
    const message = error instanceof Error ? error.message : 'unreadable';
    return { ok: false, reason: `the credentials could not be read: ${message.slice(0, 120)}` };
  }
}

/** PEM text of a certificate's DER, for the APNs client certificate. */
export function derToPem(der: Uint8Array, label: string): string {
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  const body = btoa(binary).replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body.trimEnd()}\n-----END ${label}-----\n`;
}
