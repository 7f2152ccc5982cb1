import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  createLayout,
  type Provisioned,
  type SubmissionResponse,
  submit,
} from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Presented = {
  locale: string;
  title: string;
  fields: { key: string; label: string; required: boolean; type: string }[];
  purposes: { purpose: string; label: string; notice: string; noticeVersion: string; doubleOptIn: boolean }[];
  intro: { text: string };
  template: { id: string; jurisdiction: string };
  submitUrl: string;
};

describe('layouts: happy paths', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('layouts');
    await createLayout(t, b);
  });
  afterAll(() => t.close());

  it('the admin API lists, gets and replaces layouts', async () => {
    const list = (await (await t.request('/v1/admin/layouts', { token: b.adminKey })).json()) as {
      data: { slug: string }[];
    };
    expect(list.data.map((l) => l.slug)).toEqual(['join']);
    const got = (await (await t.request('/v1/admin/layouts/join', { token: b.adminKey })).json()) as {
      fields: { key: string; type: string; custom: boolean }[];
    };
    expect(got.fields.find((f) => f.key === 'email')).toMatchObject({ type: 'email', custom: false });
    expect(got.fields.find((f) => f.key === 'shoeSize')).toMatchObject({ type: 'number', custom: true });
    await createLayout(t, b, { slug: 'tmp', purposes: ['push'] });
    const put = await t.request('/v1/admin/layouts/tmp', {
      method: 'PUT',
      token: b.adminKey,
      json: {
        slug: 'tmp',
        title: 'Renamed',
        fields: [],
        purposes: ['profiling'],
        template: 'ccpa',
        locales: ['en'],
      },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ title: 'Renamed', template: 'ccpa', purposes: ['profiling'] });
  });

  it('GET /v1/layouts/{brand}/{layout} renders the notices in the requested locale', async () => {
    const res = await t.request(`/v1/layouts/${b.brand.slug}/join?locale=fr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as Presented;
    expect(body.locale).toBe('fr');
    expect(body.template).toEqual({ id: 'gdpr', version: 1, jurisdiction: 'EU' });
    expect(body.fields.map((f) => f.label)).toEqual(['E-mail', 'Prénom', 'Date de naissance', 'Shoe size']);
    expect(body.purposes.map((p) => p.purpose)).toEqual([
      'marketing_email',
      'marketing_sms',
      'profiling',
      'sale_or_share',
    ]);
    for (const p of body.purposes) {
      expect(p.notice).toContain(b.brand.label);
      expect(p.noticeVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(body.purposes[0]?.doubleOptIn).toBe(true);
    expect(body.intro.text).toContain('CNIL');
    // Accept-Language picks a locale when none is asked for; an unknown one falls back.
    const de = (await (
      await t.request(`/v1/layouts/${b.brand.slug}/join`, {
        headers: { 'accept-language': 'de-AT,de;q=0.9' },
      })
    ).json()) as Presented;
    expect(de.locale).toBe('de');
    const fallback = (await (
      await t.request(`/v1/layouts/${b.brand.slug}/join?locale=ja`)
    ).json()) as Presented;
    expect(fallback.locale).toBe('en');
  });

  it('a submission creates a customer, records one grant per ticked box and relays the values', async () => {
    const presented = (await (
      await t.request(`/v1/layouts/${b.brand.slug}/join?locale=en`)
    ).json()) as Presented;
    const versions = Object.fromEntries(presented.purposes.map((p) => [p.purpose, p.noticeVersion]));
    t.relay.take();
    const res = await submit(t, b, {
      locale: 'en',
      fields: { email: 'ada@example.org', firstName: 'Ada', shoeSize: 38 },
      consents: { marketing_sms: true, profiling: true, sale_or_share: false },
      noticeVersions: versions,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as SubmissionResponse;
    expect(body.customerId).toMatch(/^cus_/);
    expect(body.created).toBe(true);
    expect(body.card.number).toMatch(/^crd_/);
    // The card handed back works at this brand's till at once.
    const scan = await t.request('/v1/pos/scan', {
      method: 'POST',
      token: b.posKey,
      json: { code: body.card.code },
    });
    expect(scan.status).toBe(200);
    expect(((await scan.json()) as { card: string }).card).toBe(body.card.number);
    expect(Object.fromEntries(body.consents.map((c) => [c.purpose, c.status]))).toEqual({
      marketing_email: 'not_given',
      marketing_sms: 'granted',
      profiling: 'granted',
      sale_or_share: 'not_given',
    });
    expect(body.consents.find((c) => c.purpose === 'profiling')?.noticeVersion).toBe(versions.profiling);

    // The access token is a real session.
    const me = await t.request('/v1/me', { token: body.accessToken });
    expect(((await me.json()) as { customerId: string }).customerId).toBe(body.customerId);

    const messages = t.relay.take();
    const contact = messages.find((m) => m.kind === 'contact.upsert');
    expect(contact).toMatchObject({
      customerId: body.customerId,
      source: 'layout:join',
      contact: { email: 'ada@example.org', firstName: 'Ada', custom: { shoeSize: 38 } },
    });
    const recorded = messages.filter((m) => m.kind === 'consent.recorded');
    expect(
      recorded.map((m) => m.kind === 'consent.recorded' && [m.event.purpose, m.event.action, m.event.method]),
    ).toEqual([
      ['marketing_sms', 'grant', 'checkbox'],
      ['profiling', 'grant', 'checkbox'],
    ]);

    const events = (await (
      await t.request(`/v1/admin/consent/events?customerId=${body.customerId}`, { token: b.adminKey })
    ).json()) as {
      data: Record<string, unknown>[];
    };
    expect(events.data).toHaveLength(2);
    expect(events.data[0]).toMatchObject({
      purpose: 'marketing_sms',
      action: 'grant',
      method: 'checkbox',
      jurisdiction: 'EU',
      noticeVersion: versions.marketing_sms,
      gpc: false,
      ipPrefix: null,
    });
  });

  it('a submission with a shopper session links to that customer', async () => {
    const first = (await (
      await submit(t, b, { fields: { email: 'x@example.org' }, consents: {} })
    ).json()) as SubmissionResponse;
    const before = await countRows(t, 'customers', b.brand.id);
    const res = await submit(
      t,
      b,
      { fields: { email: 'x@example.org' }, consents: { profiling: true } },
      { token: first.accessToken },
    );
    expect(res.status).toBe(201);
    const linked = (await res.json()) as SubmissionResponse;
    expect(linked.customerId).toBe(first.customerId);
    expect(linked.created).toBe(false);
    expect(await countRows(t, 'customers', b.brand.id)).toBe(before);
  });

  it('records the truncated IP and the browser family, never more', async () => {
    const res = await submit(
      t,
      b,
      { fields: { email: 'ip@example.org' }, consents: { profiling: true } },
      {
        headers: {
          'cf-connecting-ip': '198.51.100.77',
          'user-agent':
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        },
      },
    );
    const { customerId } = (await res.json()) as SubmissionResponse;
    const events = (await (
      await t.request(`/v1/admin/consent/events?customerId=${customerId}`, { token: b.adminKey })
    ).json()) as {
      data: { ipPrefix: string; uaFamily: string }[];
    };
    expect(events.data[0]).toMatchObject({ ipPrefix: '198.51.100.0/24', uaFamily: 'Chrome' });
    expect(JSON.stringify(events.data)).not.toContain('198.51.100.77');
  });
});
