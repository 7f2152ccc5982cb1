/**
 * @module wallet/apple/cms
 * The pass `signature`: a detached CMS SignedData (RFC 5652) over manifest.json, signed by the
 * brand's Pass Type ID certificate and carrying Apple's WWDR intermediate.
 *
 * Every signature a template makes has the same shape and length: the certificates, the signer's
 * issuer and serial, the algorithms and the attribute types never change, and the three values
 * that do have fixed sizes (signingTime as a 13-byte UTCTime, the SHA-256 messageDigest, and an
 * RSA signature as long as the key's modulus). So the structure is encoded once per template with
 * `@peculiar/asn1-cms`, and each pass copies those bytes and writes its three values at offsets
 * found once. A pass's CMS then costs one copy and one RSA signature, not an ASN.1 encoder run.
 * @see https://www.rfc-editor.org/rfc/rfc5652#section-5
 */
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_data,
  id_signedData,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';

const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const ID_SHA256 = '2.16.840.1.101.3.4.2.1';
const ID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
// The DER of OBJECT IDENTIFIER 1.2.840.113549.1.7.1 (id-data), the contentType attribute's value.
const ID_DATA_DER = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01);

const UTC_TIME_LENGTH = 13; // YYMMDDHHMMSSZ
const DIGEST_LENGTH = 32;

/** Marker bytes that cannot occur in real DER by chance; each is looked up once, then replaced. */
const marker = (seed: number, length: number) =>
  Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);

export type SignatureLayout = {
  /** The signed attributes as a DER SET (tag 0x31): what the key signs. */
  attributes: Uint8Array;
  attributesTime: number;
  attributesDigest: number;
  /** The whole ContentInfo with the attributes (tag [0]) and a signature placeholder. */
  cms: Uint8Array;
  cmsAttributes: number;
  cmsSignature: number;
  signatureLength: number;
};

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first ?? 0); i >= 0 && i <= haystack.length - needle.length; ) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        i = haystack.indexOf(first ?? 0, i + 1);
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

function attribute(type: string, value: ArrayBuffer): Attribute {
  return new Attribute({ attrType: type, attrValues: [value] });
}

/** A DER SET of already-encoded, already-ordered members. */
function derSet(members: readonly Uint8Array[]): Uint8Array {
  const length = members.reduce((n, m) => n + m.length, 0);
  const header =
    length < 0x80
      ? [0x31, length]
      : length < 0x100
        ? [0x31, 0x81, length]
        : [0x31, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let offset = header.length;
  for (const m of members) {
    out.set(m, offset);
    offset += m.length;
  }
  return out;
}

function setHeaderLength(set: Uint8Array): number {
  const first = set[1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

/**
 * Encodes the template's signature once. `signatureLength` is the key's exact output size (the
 * modulus length for RSA); an ECDSA signature varies in length, so EC keys are not laid out.
 */
export function layoutSignature(
  signerDer: Uint8Array,
  chainDer: readonly Uint8Array[],
  signatureLength: number,
): SignatureLayout {
  // A real UTCTime: the encoder parses the value. Only the small attribute set is searched for it.
  const timeMarker = utcTime(new Date(Date.UTC(2000, 0, 1)));
  const digestMarker = marker(2, DIGEST_LENGTH);
  const signatureMarker = marker(3, signatureLength);
  const signer = AsnConvert.parse(signerDer, Certificate);
  // DER orders a SET OF by encoding; these three attributes' encodings differ first in their
  // length byte, so contentType (24), signingTime (28), messageDigest (47) is the DER order.
  const attrs = [
    attribute(ID_CONTENT_TYPE, ID_DATA_DER.slice().buffer),
    // 0x17 = UTCTime, which RFC 5652 §11.3 asks for until 2050.
    attribute(ID_SIGNING_TIME, Uint8Array.of(0x17, UTC_TIME_LENGTH, ...timeMarker).buffer),
    attribute(ID_MESSAGE_DIGEST, AsnConvert.serialize(new OctetString(digestMarker))),
  ];
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: signer.tbsCertificate.issuer,
        serialNumber: signer.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: ID_SHA256 }),
    signedAttrs: attrs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ID_RSA_ENCRYPTION, parameters: null }),
    signature: new OctetString(signatureMarker),
  });
  const certificates = [signerDer, ...chainDer];
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: ID_SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
    certificates: new CertificateSet(
      certificates.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const cms = new Uint8Array(
    AsnConvert.serialize(
      new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) }),
    ),
  );
  for (const der of certificates) {
    // A certificate re-encoded differently from how its issuer signed it would no longer verify.
    if (indexOf(cms, der) < 0) throw new Error('a certificate did not survive re-encoding byte for byte');
  }
  const attributes = derSet(attrs.map((a) => new Uint8Array(AsnConvert.serialize(a))));
  const headerLength = setHeaderLength(attributes);
  const cmsAttributesBody = indexOf(cms, attributes.subarray(headerLength));
  const layout: SignatureLayout = {
    attributes,
    attributesTime: indexOf(attributes, timeMarker),
    attributesDigest: indexOf(attributes, digestMarker),
    cms,
    cmsAttributes: cmsAttributesBody - headerLength,
    cmsSignature: indexOf(cms, signatureMarker),
    signatureLength,
  };
  if (
    layout.attributesTime < 0 ||
    layout.attributesDigest < 0 ||
    cmsAttributesBody < headerLength ||
    layout.cmsSignature < 0 ||
    cms[layout.cmsAttributes] !== 0xa0
  ) {
    throw new Error('could not lay out the pass signature');
  }
  return layout;
}

/** `YYMMDDHHMMSSZ` for a time between 1950 and 2049. */
export function utcTime(at: Date): Uint8Array {
  const text = at.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return Uint8Array.from(`${text}Z`, (ch) => ch.charCodeAt(0));
}

/** The bytes to sign for one manifest: the attributes with this signing time and digest. */
export function signedAttributes(layout: SignatureLayout, at: Date, manifestDigest: Uint8Array): Uint8Array {
  if (manifestDigest.length !== DIGEST_LENGTH) throw new Error('messageDigest must be SHA-256');
  const out = layout.attributes.slice();
  out.set(utcTime(at), layout.attributesTime);
  out.set(manifestDigest, layout.attributesDigest);
  return out;
}

/** The finished CMS: the template with the signed attributes (as [0]) and the signature. */
export function finishSignature(
  layout: SignatureLayout,
  attributes: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  if (signature.length !== layout.signatureLength) throw new Error('unexpected signature length');
  const out = layout.cms.slice();
  out.set(attributes, layout.cmsAttributes);
  out[layout.cmsAttributes] = 0xa0;
  out.set(signature, layout.cmsSignature);
  return out;
}
