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

export function submit(
  t: TestApp,
  b: Provisioned,
  body: Record<string, unknown>,
  init: { headers?: Record<string, string>; token?: string; layout?: string } = {},
) {
  return t.request(`/v1/layouts/${b.brand.slug}/${init.layout ?? 'join'}/submissions`, {
    method: 'POST',
    json: body,
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
