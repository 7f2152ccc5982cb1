import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Events = { data: { purpose: string; action: string; method: string; gpc: boolean }[] };

describe('Global Privacy Control', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('gpc');
    await createLayout(t, b, { template: 'ccpa', locales: ['en'] });
    await createLayout(t, b, { slug: 'no-sale', template: 'ccpa', locales: ['en'], purposes: ['profiling'] });
  });
  afterAll(() => t.close());

  const events = async (customerId: string) =>
    (
      (await (
        await t.request(`/v1/admin/consent/events?customerId=${customerId}`, { token: b.adminKey })
      ).json()) as Events
    ).data;

  it('serves /.well-known/gpc.json', async () => {
    const res = await t.request('/.well-known/gpc.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { gpc: boolean; lastUpdate: string };
    expect(body.gpc).toBe(true);
    expect(body.lastUpdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('Sec-GPC: 1 records an opt-out of sale_or_share with method gpc, even over a ticked box', async () => {
    t.relay.take();
    const res = await submit(
      t,
      b,
      { fields: { email: 'g@example.org' }, consents: { sale_or_share: true, profiling: true } },
      { headers: { 'sec-gpc': '1' } },
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as SubmissionResponse;
    expect(body.consents.find((c) => c.purpose === 'sale_or_share')).toMatchObject({
      status: 'withdrawn',
      method: 'gpc',
    });
    const recorded = await events(body.customerId);
    expect(recorded.map((e) => [e.purpose, e.action, e.method, e.gpc])).toEqual([
      ['profiling', 'grant', 'checkbox', true],
      ['sale_or_share', 'withdraw', 'gpc', true],
    ]);
    const relayed = t.relay.take().filter((m) => m.kind === 'consent.recorded');
    expect(
      relayed.some(
        (m) => m.kind === 'consent.recorded' && m.event.method === 'gpc' && m.event.action === 'withdraw',
      ),
    ).toBe(true);
  });

  it('navigator.globalPrivacyControl (gpc: true in the body) does the same', async () => {
    const res = await submit(t, b, { fields: { email: 'h@example.org' }, consents: {}, gpc: true });
    const body = (await res.json()) as SubmissionResponse;
    expect((await events(body.customerId)).map((e) => [e.purpose, e.method])).toEqual([
      ['sale_or_share', 'gpc'],
    ]);
  });

  it('records the opt-out even when the layout does not ask about sale_or_share', async () => {
    const res = await submit(
      t,
      b,
      { fields: { email: 'i@example.org' }, consents: { profiling: true } },
      { headers: { 'sec-gpc': '1' }, layout: 'no-sale' },
    );
    const body = (await res.json()) as SubmissionResponse;
    expect((await events(body.customerId)).map((e) => [e.purpose, e.action])).toEqual([
      ['profiling', 'grant'],
      ['sale_or_share', 'withdraw'],
    ]);
  });

  it('records no GPC event without a signal or with another header value', async () => {
    for (const headers of [{}, { 'sec-gpc': '0' }, { 'sec-gpc': 'true' }] as Record<string, string>[]) {
      const res = await submit(
        t,
        b,
        { fields: { email: 'j@example.org' }, consents: { sale_or_share: true } },
        { headers },
      );
      const body = (await res.json()) as SubmissionResponse;
      expect((await events(body.customerId)).map((e) => [e.purpose, e.action, e.method, e.gpc])).toEqual([
        ['sale_or_share', 'grant', 'checkbox', false],
      ]);
    }
  });
});
