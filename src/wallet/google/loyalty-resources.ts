/**
 * @module wallet/google/loyalty-resources
 * The LoyaltyClass of a brand's programme and the LoyaltyObject of a card, as Google's REST API
 * takes them. The object carries the card number as `accountId` and no `accountName`; points,
 * tier and vouchers; the static signed code as a fallback barcode; and a rotating barcode whose
 * TOTP parameters are the card's own (pos/card-codes), so the till accepts what Wallet shows.
 * @see https://developers.google.com/wallet/retail/loyalty-cards/rest/v1/loyaltyobject
 * @see https://developers.google.com/wallet/reference/rest/v1/RotatingBarcode
 */
import { hex } from '../../crypto.ts';
import type { Entitlements } from '../../loyalty/cards.ts';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../../pos/card-codes.ts';
import { type GoogleDesign, hexColor } from './issuer-schema.ts';

export type GoogleIssuer = { brandId: string; issuerId: string; design: GoogleDesign };

// Ids are `<issuer id>.<suffix>`, the suffix of letters, digits, `.`, `_` and `-`: brand and card
// ids already are.
export const classIdOf = (issuer: GoogleIssuer) => `${issuer.issuerId}.${issuer.brandId}`;
export const objectIdOf = (issuer: GoogleIssuer, cardId: string) => `${issuer.issuerId}.${cardId}`;

const localized = (value: string) => ({ defaultValue: { language: 'en', value } });

export function loyaltyClass(issuer: GoogleIssuer): Record<string, unknown> {
  const { design } = issuer;
  return {
    id: classIdOf(issuer),
    issuerName: design.issuerName,
    programName: design.programName,
    programLogo: {
      sourceUri: { uri: design.programLogoUrl },
      contentDescription: localized(design.programName),
    },
    hexBackgroundColor: hexColor(design.backgroundColor),
    reviewStatus: 'UNDER_REVIEW',
  };
}

/** What changes when the card does: points, tier, vouchers and whether the card is usable. */
export function loyaltyObjectFacts(issuer: GoogleIssuer, facts: Entitlements): Record<string, unknown> {
  const { labels } = issuer.design;
  const vouchers = facts.vouchers.map((v) => v.label).join(', ');
  return {
    state: facts.status === 'active' ? 'ACTIVE' : 'INACTIVE',
    loyaltyPoints: { label: labels.points, balance: { int: facts.points } },
    textModulesData: [
      { id: 'tier', header: labels.tier, body: facts.tier?.label ?? '—' },
      { id: 'vouchers', header: labels.vouchers, body: vouchers || '—' },
    ],
  };
}

export type CardBarcodes = { staticCode: string; totpSecret: Uint8Array };

export function loyaltyObject(
  issuer: GoogleIssuer,
  facts: Entitlements,
  codes: CardBarcodes,
): Record<string, unknown> {
  return {
    id: objectIdOf(issuer, facts.card),
    classId: classIdOf(issuer),
    accountId: facts.card,
    ...loyaltyObjectFacts(issuer, facts),
    barcode: { type: 'QR_CODE', value: codes.staticCode },
    rotatingBarcode: {
      type: 'QR_CODE',
      valuePattern: `ZT1.${facts.card}.{totp_value_0}`,
      totpDetails: {
        periodMillis: String(TOTP_PERIOD_SECONDS * 1000),
        algorithm: 'TOTP_SHA1',
        parameters: [{ key: hex(codes.totpSecret), valueLength: TOTP_DIGITS }],
      },
    },
  };
}
