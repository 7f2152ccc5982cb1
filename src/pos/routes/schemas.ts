/**
 * @module pos/routes/schemas
 * Wire shapes of the POS API. A till sees entitlements and ledger entries, never a customer.
 */
import { z } from '@hono/zod-openapi';
import type { LedgerOutcome } from '../../loyalty/ledger.ts';
import { SCAN_TOKEN_PATTERN } from '../scan-token.ts';

export const posSecurity = [{ posKey: [] }];

export const CardId = z
  .string()
  .regex(/^crd_[0-9a-z]{26}$/, 'must be a card number (crd_…)')
  .openapi({ example: 'crd_0h7k2m9q4r8s1t6v3w5x0y2z4a' });
export const CardCode = z
  .string()
  .min(1)
  .max(200)
  .openapi({ description: 'A scanned code: ZP1.… (wallet pass) or ZT1.… (rotating)' });
export const ScanToken = z
  .string()
  .regex(SCAN_TOKEN_PATTERN, 'must be a scan token (ZS1.…) from POST /v1/pos/scan')
  .openapi({
    description:
      'The `spend.token` POST /v1/pos/scan answered: proof that this till scanned this card in the last 5 minutes',
  });
export const ReceiptRef = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .openapi({ description: 'The till’s receipt number' });

export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'Required: 8 to 255 printable ASCII characters, unique per write' }),
});

export const EntitlementsSchema = z
  .object({
    card: CardId,
    status: z.enum(['active', 'blocked']),
    tier: z.object({ code: z.string(), label: z.string() }).nullable(),
    points: z.number().int(),
    vouchers: z.array(z.object({ id: z.string(), label: z.string(), expiresAt: z.string() })),
  })
  .openapi('Entitlements');

export const ScanResultSchema = EntitlementsSchema.extend({
  spend: z
    .object({
      token: z.string().openapi({ description: 'Send it as `scanToken` with the card to convert or redeem' }),
      expiresAt: z.string(),
    })
    .nullable()
    .openapi({
      description:
        'What lets this till spend from the card (convert, redeem) for 5 minutes; null when the brand does not let the code scanned authorise spending (a pass code where the brand requires the rotating one)',
    }),
}).openapi('ScanResult');

/**
 * The proof fields of a write that spends: the code just scanned, or the card with the scan
 * token. Checked by `spendProofIssues`; a card without a token is answered `scan_required`.
 */
export const SpendProofFields = {
  code: CardCode.optional().openapi({ description: 'A code scanned now, instead of card + scanToken' }),
  card: CardId.optional(),
  scanToken: ScanToken.optional(),
};
export function spendProofIssues(
  v: { code?: string | undefined; card?: string | undefined; scanToken?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((v.code === undefined) === (v.card === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'send code, or card with scanToken', path: ['card'] });
  }
  if (v.code !== undefined && v.scanToken !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'scanToken goes with card, not with code', path: ['scanToken'] });
  }
}

export const LedgerResultSchema = z
  .object({
    entry: z.object({
      id: z.string(),
      kind: z.enum(['earn', 'convert', 'redeem', 'reverse']),
      card: CardId,
      points: z.number().int().openapi({ description: 'Signed change of the balance' }),
      balance: z.number().int().openapi({ description: 'The balance right after this entry' }),
      receiptRef: z.string().nullable(),
      reverses: z.string().nullable(),
      createdAt: z.string(),
    }),
    voucher: z.object({ id: z.string(), label: z.string(), expiresAt: z.string() }).nullable(),
  })
  .openapi('LedgerResult');

export function toLedgerResult({ entry, voucher }: LedgerOutcome) {
  return {
    entry: {
      id: entry.id,
      kind: entry.kind,
      card: entry.cardId,
      points: entry.points,
      balance: entry.balanceAfter,
      receiptRef: entry.receiptRef,
      reverses: entry.reversesEntryId,
      createdAt: new Date(entry.createdAt).toISOString(),
    },
    voucher: voucher
      ? { id: voucher.id, label: voucher.label, expiresAt: new Date(voucher.expiresAt).toISOString() }
      : null,
  };
}
