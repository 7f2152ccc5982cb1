/**
 * @module consent/receipts
 * Consent receipts: the fields of the Kantara Initiative Consent Receipt v1.1 (which ISO/IEC TS
 * 27560 grew from), signed as a compact JWS (ES256) with the brand's receipt key. Anyone can
 * verify one with a JOSE library against `/.well-known/jwks.json`. Receipts are handed to the
 * shopper and not stored; the ledger event ids inside tie them to the hash chain.
 * @see https://kantarainitiative.org/download/7902/ (Consent Receipt Specification v1.1)
 */
import { SignJWT } from 'jose';
import { randomId } from '../crypto.ts';
import type { ReceiptSigner } from './receipt-keys.ts';

export const RECEIPT_TYPE = 'consent-receipt+jwt';

export type ReceiptPurpose = {
  purpose: string;
  label: string;
  /** granted, pending (double opt-in), withdrawn, or not_given (box left unticked). */
  status: 'granted' | 'pending' | 'withdrawn' | 'not_given';
  method: 'checkbox' | 'gpc' | 'api' | 'doi' | null;
  noticeVersion: string;
  thirdPartyDisclosure: boolean;
  eventId: string | null;
};

export type ReceiptInput = {
  issuer: string;
  brand: { id: string; slug: string; label: string };
  customerId: string;
  jurisdiction: string;
  locale: string;
  layout: { id: string; slug: string; title: string };
  collectionMethod: string;
  policyUrl: string;
  piiCategories: string[];
  purposes: ReceiptPurpose[];
  gpc: boolean;
  consentTimestampMs: number;
  ledgerHead: string | null;
};

export function receiptClaims(input: ReceiptInput, receiptId = randomId('rcp')) {
  return {
    // Kantara CR v1.1 fields.
    version: 'KI-CR-v1.1.0',
    jurisdiction: input.jurisdiction,
    consentTimestamp: Math.floor(input.consentTimestampMs / 1000),
    collectionMethod: input.collectionMethod,
    consentReceiptID: receiptId,
    language: input.locale,
    piiPrincipalId: input.customerId,
    piiControllers: [{ piiController: input.brand.label, onBehalf: false, piiControllerUrl: input.issuer }],
    policyUrl: input.policyUrl,
    services: [
      {
        service: input.layout.title,
        purposes: input.purposes.map((p) => ({
          purpose: p.label,
          purposeCategory: [p.purpose],
          consentType: p.method === 'gpc' ? 'EXPLICIT (Global Privacy Control)' : 'EXPLICIT',
          piiCategory: input.piiCategories,
          primaryPurpose: false,
          termination: 'Until withdrawn by the PII principal',
          thirdPartyDisclosure: p.thirdPartyDisclosure,
          // ISO/IEC TS 27560 record details: state, how it was given, the notice's exact text hash.
          consentStatus: p.status,
          consentMethod: p.method,
          noticeVersion: p.noticeVersion,
          ledgerEventId: p.eventId,
        })),
      },
    ],
    sensitive: false,
    spiCat: [] as string[],
    // zeropass extension: where the events sit in the brand's hash chain, and the GPC signal.
    'zp:brand': input.brand.slug,
    'zp:layout': input.layout.slug,
    'zp:gpc': input.gpc,
    'zp:ledgerHead': input.ledgerHead,
  };
}

export async function signReceipt(signer: ReceiptSigner, input: ReceiptInput): Promise<string> {
  const claims = receiptClaims(input);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: RECEIPT_TYPE })
    .setIssuer(input.issuer)
    .setSubject(input.customerId)
    .setJti(claims.consentReceiptID)
    .setIssuedAt(claims.consentTimestamp)
    .sign(signer.privateKey);
}
