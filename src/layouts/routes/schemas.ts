/**
 * @module layouts/routes/schemas
 * Wire shapes of layouts, submissions and receipts.
 */
import { z } from '@hono/zod-openapi';
import { PURPOSE_KEY, SUPPORTED_LOCALES } from '../../consent/purposes-vocabulary.ts';
import { ShopperCardSchema } from '../../loyalty/shopper-card.ts';
import type { Layout } from '../definitions.ts';
import { CUSTOM_FIELD_KEY, CUSTOM_FIELD_TYPES, STANDARD_FIELD_KEYS } from '../vocabulary.ts';

export const LayoutSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'must be a lowercase slug');

const FieldInput = z
  .object({
    key: z
      .string()
      .regex(CUSTOM_FIELD_KEY, 'must be a standard field or a camelCase custom key')
      .openapi({
        description: `One of ${STANDARD_FIELD_KEYS.join(', ')}, or a custom key (then type and label)`,
      }),
    required: z.boolean(),
    type: z.enum(CUSTOM_FIELD_TYPES).optional(),
    label: z.string().trim().min(1).max(120).optional(),
    maxLength: z.number().int().min(1).max(1000).optional(),
    options: z.array(z.string().trim().min(1).max(80)).min(1).max(50).optional(),
  })
  .strict();

export const LayoutInput = z
  .object({
    slug: LayoutSlug,
    title: z.string().trim().min(1).max(120),
    fields: z.array(FieldInput).max(30),
    purposes: z.array(z.string().regex(PURPOSE_KEY)).max(20),
    template: z.string().min(1).max(40).openapi({ example: 'gdpr' }),
    locales: z.array(z.enum(SUPPORTED_LOCALES)).min(1).max(SUPPORTED_LOCALES.length),
  })
  .strict()
  .openapi('LayoutInput');

export const LayoutSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    fields: z.array(
      z.object({
        key: z.string(),
        type: z.string(),
        required: z.boolean(),
        custom: z.boolean(),
        label: z.string().optional(),
        maxLength: z.number().optional(),
        options: z.array(z.string()).optional(),
      }),
    ),
    purposes: z.array(z.string()),
    template: z.string(),
    locales: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Layout');

export const toLayout = (l: Layout) => ({
  id: l.id,
  slug: l.slug,
  title: l.title,
  fields: l.fields,
  purposes: l.purposes,
  template: l.templateId,
  locales: l.locales,
  createdAt: new Date(l.createdAt).toISOString(),
  updatedAt: new Date(l.updatedAt).toISOString(),
});

const FieldValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

export const SubmissionBody = z
  .object({
    locale: z.string().max(10).optional(),
    fields: z.record(z.string().max(40), FieldValue).default({}),
    consents: z
      .record(z.string().max(40), z.boolean())
      .default({})
      .openapi({ description: 'One entry per purpose of the layout: true for a ticked box' }),
    noticeVersions: z
      .record(z.string().max(40), z.string().max(80))
      .default({})
      .openapi({
        description:
          'The `noticeVersion` of each notice the shopper was shown (from GET /v1/layouts/{brand}/{layout}), by purpose. Required for every purpose ticked in `consents` (422 naming `json.noticeVersions.<purpose>` otherwise, and nothing is recorded or relayed); a version that is not the current one is 409.',
        example: { marketing_sms: 'sha256:…' },
      }),
    gpc: z
      .boolean()
      .optional()
      .openapi({ description: 'navigator.globalPrivacyControl in the shopper’s browser' }),
  })
  .strict()
  .openapi('LayoutSubmission');

const ConsentOutcome = z.object({
  purpose: z.string(),
  label: z.string(),
  status: z.enum(['granted', 'pending', 'withdrawn', 'not_given']),
  method: z.enum(['checkbox', 'gpc', 'api', 'doi']).nullable(),
  noticeVersion: z.string(),
  thirdPartyDisclosure: z.boolean(),
  eventId: z.string().nullable(),
});

export const SubmissionResultSchema = z
  .object({
    customerId: z.string(),
    created: z.boolean(),
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    card: ShopperCardSchema,
    consents: z.array(ConsentOutcome),
    receipt: z
      .string()
      .openapi({ description: 'Consent receipt (Kantara CR v1.1 fields) as a compact JWS, ES256' }),
  })
  .openapi('LayoutSubmissionResult');
