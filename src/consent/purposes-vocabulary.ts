/**
 * @module consent/purposes-vocabulary
 * The standard purposes every brand has, the locales every template covers, and the default
 * mapping of each purpose to a CRM channel and CRM purpose. Brands override the mapping and add
 * custom purposes through `/v1/admin/purposes`.
 */

export const STANDARD_PURPOSES = [
  'marketing_email',
  'marketing_sms',
  'push',
  'profiling',
  'sale_or_share',
] as const;
export type StandardPurpose = (typeof STANDARD_PURPOSES)[number];

export const SUPPORTED_LOCALES = ['en', 'fr', 'de', 'da', 'pt-BR'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** Lowercase snake case, so a purpose key reads the same in the ledger, the CRM and a receipt. */
export const PURPOSE_KEY = /^[a-z][a-z0-9_]{1,39}$/;

export const isStandardPurpose = (key: string): key is StandardPurpose =>
  (STANDARD_PURPOSES as readonly string[]).includes(key);

export type PurposeMapping = { crmChannel: string; crmPurpose: string; doubleOptIn: boolean };

export const STANDARD_PURPOSE_DEFAULTS: Record<StandardPurpose, PurposeMapping> = {
  // Email is the one channel where a typo delivers to a stranger: confirm it (double opt-in).
  marketing_email: { crmChannel: 'email', crmPurpose: 'marketing', doubleOptIn: true },
  marketing_sms: { crmChannel: 'sms', crmPurpose: 'marketing', doubleOptIn: false },
  push: { crmChannel: 'push', crmPurpose: 'marketing', doubleOptIn: false },
  profiling: { crmChannel: 'all', crmPurpose: 'profiling', doubleOptIn: false },
  sale_or_share: { crmChannel: 'all', crmPurpose: 'sale_or_share', doubleOptIn: false },
};
