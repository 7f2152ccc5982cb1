/**
 * @module wallet/apple/pass-json
 * One card's pass.json: the brand's design, the card's facts in the fields the design chose, the
 * static signed card code as a QR barcode, and the web service that keeps it current. What a
 * pass may carry is closed: card facts (points, tier, vouchers, status, card number) and the
 * brand's fixed texts, never a name, an email or a customer id.
 * @see https://developer.apple.com/documentation/walletpasses/pass
 */
import type { Entitlements } from '../../loyalty/cards.ts';
import { type FieldSource, type PassField, type TemplateDefinition, walletColor } from './template-schema.ts';

export type PassFacts = {
  serial: string;
  authenticationToken: string;
  /** The static signed card code (ZP1.…): the barcode. */
  code: string;
  entitlements: Entitlements;
  voided: boolean;
};

export type PassIdentity = { passTypeId: string; teamId: string; webServiceUrl: string };

function factValue(source: FieldSource, e: Entitlements): string | number {
  switch (source) {
    case 'points':
      return e.points;
    case 'tier':
      return e.tier?.label ?? '—';
    case 'vouchers':
      return e.vouchers.length ? e.vouchers.map((v) => v.label).join(', ') : '—';
    case 'status':
      return e.status;
    case 'cardNumber':
      return e.card;
  }
}

function renderFields(fields: readonly PassField[], e: Entitlements) {
  return fields.map((f) => ({
    key: f.key,
    ...(f.label ? { label: f.label } : {}),
    value: f.source ? factValue(f.source, e) : (f.text ?? ''),
    ...(f.changeMessage ? { changeMessage: f.changeMessage } : {}),
  }));
}

export function passJson(design: TemplateDefinition, identity: PassIdentity, facts: PassFacts): string {
  const e = facts.entitlements;
  return JSON.stringify({
    formatVersion: 1,
    passTypeIdentifier: identity.passTypeId,
    teamIdentifier: identity.teamId,
    serialNumber: facts.serial,
    authenticationToken: facts.authenticationToken,
    webServiceURL: identity.webServiceUrl,
    organizationName: design.organizationName,
    description: design.description,
    ...(design.logoText ? { logoText: design.logoText } : {}),
    foregroundColor: walletColor(design.foregroundColor),
    backgroundColor: walletColor(design.backgroundColor),
    labelColor: walletColor(design.labelColor),
    // The code is ASCII (ZP1.<base64url>), so Latin-1 is exact and the most widely scanned.
    barcodes: [{ format: 'PKBarcodeFormatQR', message: facts.code, messageEncoding: 'iso-8859-1' }],
    sharingProhibited: true,
    ...(facts.voided ? { voided: true } : {}),
    storeCard: {
      headerFields: renderFields(design.headerFields, e),
      primaryFields: renderFields(design.primaryFields, e),
      secondaryFields: renderFields(design.secondaryFields, e),
      auxiliaryFields: renderFields(design.auxiliaryFields, e),
      backFields: renderFields(design.backFields, e),
    },
  });
}
