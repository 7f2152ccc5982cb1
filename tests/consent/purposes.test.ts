import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

type Purpose = {
  purpose: string;
  kind: string;
  label: string | null;
  crmChannel: string;
  crmPurpose: string;
  doubleOptIn: boolean;
};

describe('purposes', () => {
  let t: TestApp;
  let b: Provisioned;
  let other: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('purposes');
    other = await t.brand('purposes-other');
  });
  afterAll(() => t.close());

  const list = async (key: string) =>
    ((await (await t.request('/v1/admin/purposes', { token: key })).json()) as { data: Purpose[] }).data;

  it('every brand has the five standard purposes, each mapped to a CRM channel and purpose', async () => {
    const purposes = await list(b.adminKey);
    expect(purposes.map((p) => p.purpose)).toEqual([
      'marketing_email',
      'marketing_sms',
      'push',
      'profiling',
      'sale_or_share',
    ]);
    expect(purposes[0]).toEqual({
      purpose: 'marketing_email',
      kind: 'standard',
      label: null,
      crmChannel: 'email',
      crmPurpose: 'marketing',
      doubleOptIn: true,
    });
  });

  it('a brand adds custom purposes and remaps standard ones; layouts can use them', async () => {
    const custom = await t.request('/v1/admin/purposes/vip_events', {
      method: 'PUT',
      token: b.adminKey,
      json: { label: 'Invitations to VIP events', crmChannel: 'email', crmPurpose: 'events' },
    });
    expect(custom.status).toBe(200);
    expect(await custom.json()).toMatchObject({
      purpose: 'vip_events',
      kind: 'custom',
      label: 'Invitations to VIP events',
    });
    await t.request('/v1/admin/purposes/push', {
      method: 'PUT',
      token: b.adminKey,
      json: { crmChannel: 'MobilePush', crmPurpose: 'Offers' },
    });
    const purposes = await list(b.adminKey);
    expect(purposes.find((p) => p.purpose === 'push')).toMatchObject({
      crmChannel: 'MobilePush',
      crmPurpose: 'Offers',
    });
    expect(purposes.map((p) => p.purpose)).toContain('vip_events');

    await createLayout(t, b, { purposes: ['vip_events'], locales: ['fr'] });
    const presented = (await (await t.request(`/v1/layouts/${b.brand.slug}/join`)).json()) as {
      purposes: { purpose: string; label: string; notice: string }[];
    };
    expect(presented.purposes[0]).toMatchObject({
      purpose: 'vip_events',
      label: 'Invitations to VIP events',
    });
    expect(presented.purposes[0]?.notice).toContain('Invitations to VIP events');
    const res = await submit(t, b, { fields: { email: 'vip@example.org' }, consents: { vip_events: true } });
    expect(((await res.json()) as SubmissionResponse).consents[0]).toMatchObject({
      purpose: 'vip_events',
      status: 'granted',
    });
  });

  it('custom purposes are per brand', async () => {
    expect((await list(other.adminKey)).map((p) => p.purpose)).not.toContain('vip_events');
  });

  it('refuses bad purpose definitions', async () => {
    const cases: [string, Record<string, unknown>, number][] = [
      ['vip_events2', { crmChannel: 'email', crmPurpose: 'x' }, 422],
      ['push', { label: 'Nope', crmChannel: 'push', crmPurpose: 'x' }, 422],
      ['intro', { label: 'Intro', crmChannel: 'x', crmPurpose: 'x' }, 400],
      ['Bad-Key', { label: 'x', crmChannel: 'x', crmPurpose: 'x' }, 400],
      ['ok_key', { label: 'x', crmChannel: 'x', crmPurpose: 'x', extra: true }, 400],
    ];
    for (const [key, json, status] of cases) {
      const res = await t.request(`/v1/admin/purposes/${key}`, { method: 'PUT', token: b.adminKey, json });
      expect(res.status, key).toBe(status);
      await problemOf(res);
    }
    expect((await t.request('/v1/admin/purposes', { token: b.posKey })).status).toBe(403);
  });
});
