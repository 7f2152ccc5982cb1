/**
 * @module wallet/apple/template-schema
 * A brand's storeCard design as the admin API takes it: texts, colours, which card facts appear
 * in which field slot (each with the `changeMessage` Wallet shows when it changes), and the
 * translations that become `xx.lproj/pass.strings`. Only card facts can be sources: there is no
 * way to put a name, an email or a customer id on a pass.
 * @see https://developer.apple.com/documentation/walletpasses/passfields
 * @see https://developer.apple.com/documentation/walletpasses/creating-the-source-for-a-pass
 */
import { z } from '@hono/zod-openapi';

export const fieldSources = ['points', 'tier', 'vouchers', 'status', 'cardNumber'] as const;
export type FieldSource = (typeof fieldSources)[number];

const Text = (max: number) => z.string().trim().min(1).max(max);

export const Color = z
  .string()
  .regex(
    /^(#[0-9a-fA-F]{6}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))$/,
    'must be #rrggbb or rgb(r, g, b)',
  )
  .openapi({ example: '#1f2937' });

export const PassFieldSchema = z
  .object({
    key: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'letters, digits and _; starts with a letter')
      .openapi({ example: 'points' }),
    label: Text(40)
      .optional()
      .openapi({ description: 'Shown above the value; a pass.strings key can translate it' }),
    source: z.enum(fieldSources).optional().openapi({ description: 'The card fact shown here' }),
    text: Text(500).optional().openapi({ description: 'A fixed text instead of a card fact' }),
    changeMessage: Text(120)
      .regex(/%@/, 'must contain %@, where Wallet puts the new value')
      .optional()
      .openapi({ example: 'You now have %@ points' }),
  })
  .refine((f) => (f.source === undefined) !== (f.text === undefined), 'give exactly one of source and text')
  .openapi('ApplePassField');
export type PassField = z.infer<typeof PassFieldSchema>;

const Fields = (max: number) => z.array(PassFieldSchema).max(max);

export const TemplateDefinitionSchema = z
  .object({
    organizationName: Text(64),
    description: Text(120).openapi({ description: 'For accessibility (VoiceOver) and the lock screen' }),
    logoText: Text(40).optional(),
    foregroundColor: Color.default('rgb(255, 255, 255)'),
    backgroundColor: Color.default('rgb(31, 41, 55)'),
    labelColor: Color.default('rgb(209, 213, 219)'),
    headerFields: Fields(3).default([
      { key: 'points', label: 'Points', source: 'points', changeMessage: 'You now have %@ points' },
    ]),
    primaryFields: Fields(1).default([]),
    secondaryFields: Fields(4).default([
      { key: 'tier', label: 'Tier', source: 'tier', changeMessage: 'Your tier is now %@' },
    ]),
    auxiliaryFields: Fields(4).default([
      { key: 'vouchers', label: 'Vouchers', source: 'vouchers', changeMessage: 'Vouchers: %@' },
    ]),
    backFields: Fields(20).default([]),
    localizations: z
      .record(
        z.string().regex(/^[a-z]{2,3}(-[A-Z][A-Za-z]{1,3})?$/, 'a language code such as fr or pt-BR'),
        z.record(z.string().min(1).max(200), z.string().max(500)),
      )
      .refine((l) => Object.keys(l).length <= 40, 'at most 40 languages')
      .default({})
      .openapi({ example: { fr: { Points: 'Points', Tier: 'Statut' } } }),
  })
  .superRefine((d, ctx) => {
    const keys = [d.headerFields, d.primaryFields, d.secondaryFields, d.auxiliaryFields, d.backFields]
      .flat()
      .map((f) => f.key);
    const dupe = keys.find((k, i) => keys.indexOf(k) !== i);
    // Wallet refuses a pass whose field keys repeat.
    if (dupe)
      ctx.addIssue({ code: 'custom', message: `field key "${dupe}" is used twice`, path: ['fields'] });
  })
  .openapi('ApplePassDesign');
export type TemplateDefinition = z.infer<typeof TemplateDefinitionSchema>;

/** `#rrggbb` → `rgb(r, g, b)`, the only form Wallet reads. */
export function walletColor(color: string): string {
  if (!color.startsWith('#')) return color.replace(/\s+/g, ' ');
  const n = Number.parseInt(color.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** The `pass.strings` file: UTF-8 `"key" = "value";` lines, with `"` and `\` escaped. */
export function passStrings(strings: Record<string, string>): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return Object.entries(strings)
    .map(([k, v]) => `${quote(k)} = ${quote(v)};\n`)
    .join('');
}
