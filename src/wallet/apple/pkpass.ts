/**
 * @module wallet/apple/pkpass
 * Builds .pkpass archives from a prepared template. Everything a template's passes share is done
 * once in `prepareTemplate`: the certificates parsed and the signature laid out (wallet/apple/cms),
 * the key imported, every image and pass.strings hashed for the manifest and encoded as a ZIP
 * entry. A pass then costs pass.json, its SHA-1, the manifest, its SHA-256, the signed attributes,
 * one RSA signature and three small ZIP entries: `npm run bench` measures it against a bare signature.
 * @see https://developer.apple.com/documentation/walletpasses/building-a-pass
 */
import { utf8 } from '../../crypto.ts';
import { finishSignature, layoutSignature, type SignatureLayout, signedAttributes } from './cms.ts';
import type { PassCrypto, RsaSign } from './pass-crypto.ts';
import { finishArchive, type PreparedArchive, prepareArchive, type ZipParts } from './zip.ts';

export type PassFile = { name: string; data: Uint8Array<ArrayBuffer> };

export type PassSigningMaterial = {
  certificateDer: Uint8Array;
  /** The WWDR intermediate (and any further chain) Wallet needs inside the signature. */
  chainDer: readonly Uint8Array[];
  privateKeyPkcs8: Uint8Array<ArrayBuffer>;
  signatureLength: number;
};

export type PreparedPass = {
  layout: SignatureLayout;
  sign: RsaSign;
  /** Images and localisations: the same bytes at the front of every pass. */
  archive: PreparedArchive;
  /** Their manifest members, `"name":"sha1"` each, joined with commas. */
  sharedManifest: string;
};

export async function preparePass(
  material: PassSigningMaterial,
  sharedFiles: readonly PassFile[],
  crypto: PassCrypto,
): Promise<PreparedPass> {
  const reserved = new Set(['pass.json', 'manifest.json', 'signature']);
  const members: string[] = [];
  for (const file of sharedFiles) {
    if (reserved.has(file.name)) throw new Error(`${file.name} is made per pass`);
    members.push(`${JSON.stringify(file.name)}:"${await crypto.sha1Hex(file.data)}"`);
  }
  return {
    layout: layoutSignature(material.certificateDer, material.chainDer, material.signatureLength),
    sign: await crypto.rsaSha256(material.privateKeyPkcs8),
    archive: prepareArchive(sharedFiles),
    sharedManifest: members.join(','),
  };
}

export async function buildPkpass(
  prepared: PreparedPass,
  passJsonText: string,
  signedAt: Date,
  crypto: PassCrypto,
): Promise<ZipParts> {
  const pass = utf8(passJsonText);
  const own = `"pass.json":"${await crypto.sha1Hex(pass)}"`;
  const manifest = utf8(prepared.sharedManifest ? `{${prepared.sharedManifest},${own}}` : `{${own}}`);
  const attributes = signedAttributes(prepared.layout, signedAt, await crypto.sha256(manifest));
  const signature = finishSignature(
    prepared.layout,
    attributes,
    await prepared.sign(attributes as Uint8Array<ArrayBuffer>),
  );
  return finishArchive(prepared.archive, [
    { name: 'pass.json', data: pass },
    { name: 'manifest.json', data: manifest },
    { name: 'signature', data: signature },
  ]);
}
