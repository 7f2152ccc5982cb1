/**
 * @module layouts/presentation
 * What a shopper's screen needs to show a layout in one locale: fields with labels, and one
 * purpose per checkbox with its notice text and that text's version hash. The headless API, the
 * web component and the submission check all render notices through here, so they agree.
 */
import type { Purpose } from '../consent/purposes.ts';
import type { Locale } from '../consent/purposes-vocabulary.ts';
import {
  bundledTemplates,
  type NoticeTemplate,
  type RenderedNotice,
  renderNotice,
} from '../consent/templates.ts';
import type { Brand } from '../tenancy/brands.ts';
import type { Layout } from './definitions.ts';
import { isStandardField, STANDARD_FIELDS, UI_WORDS } from './vocabulary.ts';

export type PresentedPurpose = {
  purpose: string;
  label: string;
  notice: string;
  noticeVersion: string;
  doubleOptIn: boolean;
};

export type Presentation = {
  template: NoticeTemplate;
  locale: Locale;
  intro: RenderedNotice;
  purposes: PresentedPurpose[];
};

/** Picks the requested locale if the layout offers it, else the best Accept-Language match. */
export function pickLocale(
  layout: Layout,
  requested: string | undefined,
  acceptLanguage: string | undefined,
): Locale {
  const offered = layout.locales as Locale[];
  const wanted = [
    ...(requested ? [requested] : []),
    ...(acceptLanguage ?? '')
      .split(',')
      .map((part) => part.split(';')[0]?.trim() ?? '')
      .filter(Boolean),
  ];
  for (const want of wanted) {
    const exact = offered.find((l) => l.toLowerCase() === want.toLowerCase());
    if (exact) return exact;
    const base = offered.find((l) => l.split('-')[0] === want.split('-')[0]?.toLowerCase());
    if (base) return base;
  }
  return offered[0] ?? 'en';
}

export async function presentNotices(
  brand: Brand,
  layout: Layout,
  purposes: Map<string, Purpose>,
  locale: Locale,
  extraPurposes: string[] = [],
): Promise<Presentation> {
  const template = bundledTemplates().get(layout.templateId);
  if (!template) throw new Error(`layout ${layout.id} names a template that is not bundled`);
  const intro = await renderNotice(template, locale, 'intro', { brand: brand.label });
  const keys = [...layout.purposes, ...extraPurposes.filter((p) => !layout.purposes.includes(p))];
  const presented = await Promise.all(
    keys.map(async (key): Promise<PresentedPurpose> => {
      const purpose = purposes.get(key);
      const notice = await renderNotice(template, locale, key, {
        brand: brand.label,
        purposeLabel: purpose?.label ?? key,
      });
      return {
        purpose: key,
        label: notice.label,
        notice: notice.text,
        noticeVersion: notice.version,
        doubleOptIn: purpose?.doubleOptIn ?? false,
      };
    }),
  );
  return { template, locale, intro, purposes: presented };
}

export function presentFields(layout: Layout, locale: Locale) {
  const words = UI_WORDS[locale];
  return layout.fields.map((field) => ({
    key: field.key,
    type: field.type,
    required: field.required,
    label: isStandardField(field.key) ? words[field.key] : (field.label ?? field.key),
    maxLength: field.maxLength ?? null,
    options: field.options ?? null,
    autocomplete: isStandardField(field.key) ? STANDARD_FIELDS[field.key].autocomplete : 'off',
  }));
}

/** The full public definition, as `GET /v1/layouts/{brand}/{layout}` answers it. */
export async function presentLayout(
  brand: Brand,
  layout: Layout,
  purposes: Map<string, Purpose>,
  locale: Locale,
) {
  const notices = await presentNotices(brand, layout, purposes, locale);
  const { required, optional, submit, invalid, failed, done, receipt, consents, gpc, statuses } =
    UI_WORDS[locale];
  return {
    brand: brand.slug,
    brandLabel: brand.label,
    layout: layout.slug,
    title: layout.title,
    locale,
    locales: layout.locales,
    template: {
      id: notices.template.id,
      version: notices.template.version,
      jurisdiction: notices.template.jurisdiction,
    },
    intro: { label: notices.intro.label, text: notices.intro.text, noticeVersion: notices.intro.version },
    fields: presentFields(layout, locale),
    purposes: notices.purposes,
    ui: { required, optional, submit, invalid, failed, done, receipt, consents, gpc, statuses },
    submitUrl: `/v1/layouts/${brand.slug}/${layout.slug}/submissions`,
  };
}
