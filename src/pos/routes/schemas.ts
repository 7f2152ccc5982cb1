/**
 * @module pos/routes/schemas
 * Wire shapes of the POS API. A till sees entitlements and ledger entries, never a customer.
 */
import { z } from '@hono/zod-openapi';
import type { LedgerOutcome } from '../../loyalty/ledger.ts';

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
