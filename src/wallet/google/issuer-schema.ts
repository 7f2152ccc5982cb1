/**
 * @module wallet/google/issuer-schema
 * A brand's Google Wallet programme as the admin API takes it. Where a field means what it means
 * on the Apple pass it has the same name and rules (colours, labels of the card facts); the
 * service-account key is write-only. Only card facts appear on the object: there is no way to put
 * a name, an email or a customer id on it.
 * @see https://developers.google.com/wallet/retail/loyalty-cards/rest/v1/loyaltyclass
 */
import { z } from '@hono/zod-openapi';
import { Color } from '../apple/template-schema.ts';

const Text = (max: number) => z.string().trim().min(1).max(max);

export const GoogleDesignSchema = z
  .object({
    issuerName: Text(40).openapi({ description: 'The brand as the pass shows it', example: 'Café Lumen' }),
    programName: Text(40).openapi({ example: 'Lumen Rewards' }),
    programLogoUrl: z
      .url()
      .max(2000)
      .refine((u) => u.startsWith('https://'), 'must be an https URL')
      .openapi({
        description: 'Fetched by Google, so it must be public',
        example: 'https://example.com/logo.png',
      }),
    backgroundColor: Color.default('rgb(31, 41, 55)'),
    labels: z
      .object({
        points: Text(40).default('Points'),
        tier: Text(40).default('Tier'),
        vouchers: Text(40).default('Vouchers'),
      })
      .default({ points: 'Points', tier: 'Tier', vouchers: 'Vouchers' }),
    notifyOnChange: z
      .boolean()
      .default(true)
      .openapi({ description: 'Notify the shopper when points change, within Google’s 3 per 24 h' }),
  })
  .openapi('GoogleWalletDesign');
export type GoogleDesign = z.infer<typeof GoogleDesignSchema>;

/** The JSON key file Google Cloud hands out for a service account; only these fields are kept. */
export const ServiceAccountKeySchema = z
  .object({
    type: z.literal('service_account'),
    client_email: z.string().min(3).max(320).includes('@'),
    private_key_id: z.string().min(1).max(100),
    private_key: z.string().min(100).max(8000).includes('-----BEGIN PRIVATE KEY-----'),
  })
  .openapi('GoogleServiceAccountKey');
export type ServiceAccountKey = z.infer<typeof ServiceAccountKeySchema>;

export const IssuerIdSchema = z
  .string()
  .regex(/^[0-9]{6,25}$/, 'the numeric issuer id of the Google Pay & Wallet console')
  .openapi({ example: '3388000000012345678' });

/** `#rrggbb` or `rgb(r, g, b)` → `#rrggbb`, the only form Google reads. */
export function hexColor(color: string): string {
  if (color.startsWith('#')) return color.toLowerCase();
  const [r = 0, g = 0, b = 0] = (color.match(/\d{1,3}/g) ?? []).map(Number);
  return `#${[r, g, b].map((n) => Math.min(255, n).toString(16).padStart(2, '0')).join('')}`;
}
