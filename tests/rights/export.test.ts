/**
 * Right of access: the export holds every section, the CRM parts come from the fakes at request
 * time, the XLSX opened with exceljs carries the same numbers as the JSON, and an admin gets the
 * same export by customer id while another brand's admin does not.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { problemOf } from '../helpers/test-app.ts';
import { type RichCustomer, richCustomer, rightsApp } from './fixtures.ts';

type Export = {
  customer: { customerId: string };
  card: { cardId: string; points: number; lifetimePoints: number };
  ledger: { kind: string; points: number; balanceAfter: number }[];
  vouchers: { voucherId: string; status: string }[];
  consentEvents: { purpose: string; noticeVersion: string; noticeText: string | null; ipPrefix: string }[];
  consentReceipt: { receipt: string };
  wallet: { wallet: string; id: string; devices: string }[];
  pushSubscriptions: unknown[];
  relayDeliveries: unknown[];
  crm: { type: string; status: string; record: Record<string, unknown> | null }[];
};

describe(`data export (${runtime})`, () => {
  let r: Awaited<ReturnType<typeof rightsApp>>;
  let c: RichCustomer;
  let data: Export;
  beforeAll(async () => {
    r = await rightsApp();
    c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
    const res = await r.t.request('/v1/me/export', { token: c.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    data = (await res.json()) as Export;
  });
  afterAll(() => r.t.close());

  it('holds every section', () => {
    expect(Object.keys(data).sort()).toEqual(
      [
        'card',
        'consentEvents',
        'consentReceipt',
        'crm',
        'customer',
        'exportedAt',
        'ledger',
        'pushSubscriptions',
        'relayDeliveries',
        'vouchers',
        'wallet',
      ].sort(),
    );
    expect(data.customer.customerId).toBe(c.customerId);
    expect(data.card.cardId).toBe(c.cardId);
    expect(data.ledger.map((e) => e.kind)).toEqual(['earn', 'convert']);
    expect(data.card.points).toBe(data.ledger.at(-1)?.balanceAfter);
    expect(data.vouchers).toHaveLength(1);
    expect(data.consentEvents.map((e) => e.purpose).sort()).toEqual(['marketing_sms', 'profiling']);
    expect(data.consentEvents[0]?.ipPrefix).toBe('203.0.113.0/24');
    expect(data.consentReceipt.receipt.split('.')).toHaveLength(3);
    expect(data.pushSubscriptions).toEqual([]);
    expect(data.relayDeliveries).toEqual([]);
  });

  it('gives the notice text each consent answered', () => {
    for (const event of data.consentEvents) {
      expect(event.noticeText, event.purpose).toBeTruthy();
    }
  });

  it('shows wallet artefacts: the device id truncated, the Google object id', () => {
    const apple = data.wallet.find((w) => w.wallet === 'apple');
    expect(apple?.id).toBe(c.serial);
    expect(apple?.devices).toBe(`${c.device.id.slice(0, 8)}…`);
    expect(JSON.stringify(data)).not.toContain(c.device.id);
    expect(JSON.stringify(data)).not.toContain(c.device.pushToken);
    expect(data.wallet.find((w) => w.wallet === 'google')?.id).toBe(`3388000000012345678.${c.cardId}`);
  });

  it('fetches what each CRM holds at request time, and stores none of it', async () => {
    const sf = data.crm.find((x) => x.type === 'salesforce');
    expect(sf?.status).toBe('found');
    expect(sf?.record?.Email).toBe(c.email);
    expect(sf?.record?.FirstName).toBe(c.firstName);
    const hook = data.crm.find((x) => x.type === 'webhook');
    expect(hook).toMatchObject({ status: 'found', record: { email: c.email } });
    const haystack = await databaseHaystack(r.t.database);
    expect(haystack).toContain(c.customerId);
    expect(haystack).not.toContain(c.canary);
    expect(r.t.logs.join('\n')).not.toContain(c.canary);
  });

  it('a CRM that knows nobody answers absent; one that fails shows failed, and the export still answers', async () => {
    r.hook.profiles.delete(c.customerId);
    r.sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
    try {
      const res = await r.t.request('/v1/me/export', { token: c.accessToken });
      expect(res.status).toBe(200);
      const again = (await res.json()) as Export;
      expect(again.crm.find((x) => x.type === 'webhook')?.status).toBe('absent');
      expect(again.crm.find((x) => x.type === 'salesforce')).toMatchObject({
        status: 'failed',
        record: null,
      });
    } finally {
      r.sf.outage = undefined;
      r.hook.profiles.set(c.customerId, { email: c.email });
    }
  });

  it('the XLSX has one sheet per section and the same numbers as the JSON', async () => {
    const res = await r.t.request('/v1/me/export?format=xlsx', { token: c.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const names = workbook.worksheets.map((w) => w.name).sort();
    expect(names).toEqual(
      Object.keys(data)
        .filter((k) => k !== 'exportedAt')
        .sort(),
    );
    const table = (name: string) => {
      const sheet = workbook.getWorksheet(name);
      const rows = (sheet?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
      const header = (rows[0] ?? []).slice(1) as string[];
      return rows.slice(1).map((row) => Object.fromEntries(header.map((h, i) => [h, row.slice(1)[i]])));
    };
    const card = Object.fromEntries(table('card').map((row) => [row.field, row.value]));
    expect(card.points).toBe(data.card.points);
    expect(card.lifetimePoints).toBe(data.card.lifetimePoints);
    const ledger = table('ledger');
    expect(ledger.map((e) => e.points)).toEqual(data.ledger.map((e) => e.points));
    expect(ledger.map((e) => e.balanceAfter)).toEqual(data.ledger.map((e) => e.balanceAfter));
    expect(table('vouchers')).toHaveLength(data.vouchers.length);
    expect(table('consentEvents').map((e) => e.noticeVersion)).toEqual(
      data.consentEvents.map((e) => e.noticeVersion),
    );
    expect(table('crm')).toHaveLength(data.crm.length);
  });

  it('an admin exports by customer id; another brand’s admin gets 404', async () => {
    const res = await r.t.request(`/v1/admin/customers/${c.customerId}/export`, { token: r.b.adminKey });
    expect(res.status).toBe(200);
    const admin = (await res.json()) as Export;
    expect(admin.card).toEqual(data.card);
    expect(admin.ledger).toEqual(data.ledger);
    const other = await r.t.brand('other');
    const denied = await r.t.request(`/v1/admin/customers/${c.customerId}/export`, { token: other.adminKey });
    expect((await problemOf(denied)).status).toBe(404);
    const pos = await r.t.request(`/v1/admin/customers/${c.customerId}/export`, { token: r.b.posKey });
    expect(pos.status).toBe(403);
  });

  it('refuses a bad format and a missing session', async () => {
    expect((await r.t.request('/v1/me/export?format=csv', { token: c.accessToken })).status).toBe(400);
    expect((await r.t.request('/v1/me/export')).status).toBe(401);
  });
});
