/**
 * @module rights/routes/schemas
 * What the rights routes take and answer: the rectifiable contact fields, an erasure's status
 * with one entry per step, the export query.
 */
import { z } from '@hono/zod-openapi';
import type { Erasure } from '../erasure.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ExportQuery = z.object({
  format: z
    .enum(['json', 'xlsx'])
    .default('json')
    .openapi({
      param: { name: 'format', in: 'query' },
      description: 'json (default) or xlsx (one sheet per section)',
    }),
});

export const ExportSchema = z.record(z.string(), z.unknown()).openapi('DataExport', {
  description:
    'Sections: customer, card, ledger, vouchers, consentEvents (with notice label and text), consentReceipt, wallet, pushSubscriptions, relayDeliveries, crm (fetched now from each connector with the export capability, never stored).',
});

/** What a shopper may correct; sent to the brand's CRM through the relay and never stored here. */
export const RectifyBody = z
  .object({
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{5,24}$/, 'must be a phone number')
      .optional(),
    firstName: z.string().trim().min(1).max(100).optional(),
    lastName: z.string().trim().min(1).max(100).optional(),
    birthDate: z.iso.date().optional(),
    postalCode: z.string().trim().min(2).max(16).optional(),
    preferredStore: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one field to correct')
  .openapi('Rectification');

export const RectifiedSchema = z
  .object({
    relayed: z.array(z.string()).openapi({ description: 'Names of the fields sent to the CRM' }),
  })
  .openapi('Rectified');

export const EraseBody = z
  .object({
    email: z.email().max(254).optional().openapi({
      description:
        'Only used where the brand keeps a keyed hash of the email in the tombstone (to prove a past consent); never stored in clear.',
    }),
  })
  .strict()
  .openapi('ErasureRequest');

export const ErasureSchema = z
  .object({
    erasureId: z.string(),
    customerId: z.string(),
    source: z.enum(['shopper', 'admin', 'apple']),
    status: z.enum(['running', 'done', 'failed']),
    requestedAt: z.string(),
    erasedAt: z.string().nullable(),
    emailHashKept: z.boolean(),
    steps: z.array(
      z.object({
        name: z.string(),
        status: z.enum(['pending', 'done', 'failed', 'skipped']),
        attempts: z.number().int(),
        error: z.string().nullable(),
        doneAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('Erasure');

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export function toErasure(e: Erasure): z.infer<typeof ErasureSchema> {
  return {
    erasureId: e.id,
    customerId: e.customerId,
    source: e.source,
    status: e.status,
    requestedAt: new Date(e.requestedAt).toISOString(),
    erasedAt: iso(e.erasedAt),
    emailHashKept: e.contactProof !== null,
    steps: e.steps.map((s) => ({
      name: s.name,
      status: s.status,
      attempts: s.attempts,
      error: s.error ?? null,
      doneAt: iso(s.doneAt),
    })),
  };
}
