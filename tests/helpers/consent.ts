/**
 * Consent and layout fixtures: a brand with a layout over the real admin API, submissions, and
 * raw ledger access for tamper tests.
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

export type Provisioned = Awaited<ReturnType<TestApp['brand']>>;

export const DEFAULT_LAYOUT = {
  slug: 'join',
  title: 'Join the club',
  fields: [
    { key: 'email', required: true },
    { key: 'firstName', required: false },
    { key: 'birthDate', required: false },
    { key: 'shoeSize', required: false, type: 'number', label: 'Shoe size' },
  ],
  purposes: ['marketing_email', 'marketing_sms', 'profiling', 'sale_or_share'],
  template: 'gdpr',
  locales: ['en', 'fr', 'de', 'da', 'pt-BR'],
};

export async function createLayout(t: TestApp, b: Provisioned, overrides: Record<string, unknown> = {}) {
  const res = await t.request('/v1/admin/layouts', {
    method: 'POST',
    token: b.adminKey,
    json: { ...DEFAULT_LAYOUT, ...overrides },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; slug: string };
}

export type SubmissionResponse = {
  customerId: string;
  created: boolean;
  accessToken: string;
  card: { number: string; code: string };
  receipt: string;
  consents: {
    purpose: string;
    status: string;
    method: string | null;
    noticeVersion: string;
    eventId: string | null;
  }[];
};

/**
 * The notice versions a screen showing this layout carries, read from the public definition the
 * way the web component does; undefined when there is no such layout.
 */
export async function shownNoticeVersions(
  t: TestApp,
  brandSlug: string,
  layout: string,
  locale?: string,
  acceptLanguage?: string | null,
): Promise<Record<string, string> | undefined> {
  const query = locale ? `?locale=${encodeURIComponent(locale)}` : '';
  const res = await t.request(`/v1/layouts/${brandSlug}/${layout}${query}`, {
    headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
  });
  if (res.status !== 200) return undefined;
  const presented = (await res.json()) as { purposes: { purpose: string; noticeVersion: string }[] };
  return Object.fromEntries(presented.purposes.map((p) => [p.purpose, p.noticeVersion]));
}

/**
 * Submits a layout as the web component does: unless the body names its own `noticeVersions`
 * (or `asShown: false` asks for the body exactly as given), the versions of every notice on
 * screen go with it, since a ticked box without them is refused.
 */
export async function submit(
  t: TestApp,
  b: Provisioned,
  body: Record<string, unknown>,
  init: { headers?: Record<string, string>; token?: string; layout?: string; asShown?: boolean } = {},
) {
  const layout = init.layout ?? 'join';
  let json = body;
  if (init.asShown !== false && !('noticeVersions' in body)) {
    const locale = typeof body.locale === 'string' ? body.locale : undefined;
    const acceptLanguage = new Headers(init.headers).get('accept-language');
    const noticeVersions = await shownNoticeVersions(t, b.brand.slug, layout, locale, acceptLanguage);
    if (noticeVersions) json = { ...body, noticeVersions };
  }
  return t.request(`/v1/layouts/${b.brand.slug}/${layout}/submissions`, {
    method: 'POST',
    json,
    headers: init.headers,
    token: init.token,
  });
}

export async function countRows(t: TestApp, table: string, brandId: string): Promise<number> {
  const rows = await t.database.db.all<{ n: number }>(
    sql`select count(*) as n from ${sql.identifier(table)} where brand_id = ${brandId}`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function verifyReport(t: TestApp, b: Provisioned) {
  const res = await t.request('/v1/admin/consent/verify', { token: b.adminKey });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    valid: boolean;
    events: number;
    headHash: string;
    firstBroken?: { seq: number; eventId: string | null; reason: string };
  };
}
