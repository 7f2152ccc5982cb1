import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../src/relay/relay.ts';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Events = { data: { purpose: string; action: string; method: string; recordedAt: string }[] };

describe('double opt-in for email purposes', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('doi');
    await createLayout(t, b);
  });
  afterAll(() => t.close());

  async function signUp() {
    t.relay.take();
    const body = (await (
      await submit(t, b, { fields: { email: 'doi@example.org' }, consents: { marketing_email: true } })
    ).json()) as SubmissionResponse;
    const messages = t.relay.take();
    const request = messages.find(
      (m): m is Extract<RelayMessage, { kind: 'consent.confirmation_requested' }> =>
        m.kind === 'consent.confirmation_requested',
    );
    if (!request) throw new Error('no confirmation requested');
    return { body, request, messages, path: new URL(request.confirmUrl).pathname };
  }
  const events = async (customerId: string) =>
    (
      (await (
        await t.request(`/v1/admin/consent/events?customerId=${customerId}`, { token: b.adminKey })
      ).json()) as Events
    ).data;

  it('keeps the consent pending and relays a signed, expiring link for the CRM to send', async () => {
    const { body, request, messages } = await signUp();
    expect(body.consents.find((c) => c.purpose === 'marketing_email')).toMatchObject({
      status: 'pending',
      method: 'doi',
    });
    expect(request).toMatchObject({
      brandId: b.brand.id,
      customerId: body.customerId,
      purpose: 'marketing_email',
    });
    expect(request.confirmUrl.startsWith(`${t.deps.config.publicUrl}/consent/confirm/dci_`)).toBe(true);
    expect(Date.parse(request.expiresAt) - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
    // The link goes to the CRM with the address; the confirmation message itself holds none.
    expect(JSON.stringify(request)).not.toContain('doi@example.org');
    expect(messages.some((m) => m.kind === 'contact.upsert')).toBe(true);
    expect(await events(body.customerId)).toEqual([]);
  });

  it('opening the link records nothing; confirming records a doi grant once, with its time', async () => {
    const { body, path } = await signUp();
    const page = await t.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await events(body.customerId)).toEqual([]);

    const confirmed = await t.request(path, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('data-confirmed-at=');
    const recorded = await events(body.customerId);
    expect(recorded.map((e) => [e.purpose, e.action, e.method])).toEqual([
      ['marketing_email', 'grant', 'doi'],
    ]);
    expect(Date.parse(recorded[0]?.recordedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const again = await t.request(path, { method: 'POST' });
    expect(await again.text()).toContain('already confirmed');
    expect(await events(body.customerId)).toHaveLength(1);
    const states = (await (await t.request('/v1/me/consents', { token: body.accessToken })).json()) as {
      data: { purpose: string; status: string; method: string }[];
    };
    expect(states.data.find((s) => s.purpose === 'marketing_email')).toMatchObject({
      status: 'granted',
      method: 'doi',
    });
  });

  it('refuses forged, tampered and expired links', async () => {
    const { body, path } = await signUp();
    const [id, exp, mac] = (path.split('/').at(-1) ?? '').split('.') as [string, string, string];
    const forged = [
      `/consent/confirm/${id}.${Number(exp) + 3600}.${mac}`,
      `/consent/confirm/${id}.${exp}.${mac.slice(0, -2)}AA`,
      '/consent/confirm/nonsense',
    ];
    for (const bad of forged) {
      expect((await t.request(bad, { method: 'POST' })).status, bad).toBe(404);
    }
    t.clock.offsetMs += 8 * 24 * 3600 * 1000;
    try {
      expect((await t.request(path, { method: 'POST' })).status).toBe(410);
    } finally {
      t.clock.offsetMs -= 8 * 24 * 3600 * 1000;
    }
    expect(await events(body.customerId)).toEqual([]);
  });

  it('a brand can turn double opt-in off for a purpose', async () => {
    const put = await t.request('/v1/admin/purposes/marketing_email', {
      method: 'PUT',
      token: b.adminKey,
      json: { crmChannel: 'Email', crmPurpose: 'Newsletter', doubleOptIn: false },
    });
    expect(put.status).toBe(200);
    const body = (await (
      await submit(t, b, { fields: { email: 'nodoi@example.org' }, consents: { marketing_email: true } })
    ).json()) as SubmissionResponse;
    expect(body.consents.find((c) => c.purpose === 'marketing_email')).toMatchObject({
      status: 'granted',
      method: 'checkbox',
    });
  });
});
