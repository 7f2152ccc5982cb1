import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  createLayout,
  type Provisioned,
  type SubmissionResponse,
  submit,
} from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('layouts: tenancy and sessions', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('lay-a');
    b = await t.brand('lay-b');
    await createLayout(t, a);
    await createLayout(t, b, { slug: 'b-only' });
  });
  afterAll(() => t.close());

  it('brand A’s admin key cannot see or change brand B’s layouts', async () => {
    expect((await t.request('/v1/admin/layouts/b-only', { token: a.adminKey })).status).toBe(404);
    const list = await (await t.request('/v1/admin/layouts', { token: a.adminKey })).text();
    expect(list).not.toContain('b-only');
    const put = await t.request('/v1/admin/layouts/b-only', {
      method: 'PUT',
      token: a.adminKey,
      json: { slug: 'b-only', title: 'x', fields: [], purposes: [], template: 'gdpr', locales: ['en'] },
    });
    expect(put.status).toBe(404);
    // Brand A's layout slug does not resolve under brand B.
    expect((await t.request(`/v1/layouts/${b.brand.slug}/join`)).status).toBe(404);
  });

  it('layout admin needs an admin key', async () => {
    expect((await t.request('/v1/admin/layouts')).status).toBe(401);
    expect((await t.request('/v1/admin/layouts', { token: a.posKey })).status).toBe(403);
  });

  it('a session of brand B cannot link a submission at brand A', async () => {
    const bShopper = (await (
      await submit(t, b, { fields: { email: 'b@example.org' } }, { layout: 'b-only' })
    ).json()) as SubmissionResponse;
    const before = await countRows(t, 'consent_events', a.brand.id);
    const res = await submit(
      t,
      a,
      { fields: { email: 'b@example.org' }, consents: { profiling: true } },
      { token: bShopper.accessToken },
    );
    expect(res.status).toBe(403);
    expect(await countRows(t, 'consent_events', a.brand.id)).toBe(before);
  });

  it('a bad or revoked session is refused, not silently replaced by a new customer', async () => {
    const before = await countRows(t, 'customers', a.brand.id);
    for (const token of ['garbage', a.adminKey]) {
      const res = await submit(t, a, { fields: { email: 'c@example.org' } }, { token });
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('unauthorized');
    }
    const shopper = (await (
      await submit(t, a, { fields: { email: 'd@example.org' } })
    ).json()) as SubmissionResponse;
    await t.request('/v1/me/sessions/revoke', { method: 'POST', token: shopper.accessToken });
    t.clock.offsetMs += 5;
    const revoked = await submit(
      t,
      a,
      { fields: { email: 'd@example.org' } },
      { token: shopper.accessToken },
    );
    expect(revoked.status).toBe(401);
    expect(await countRows(t, 'customers', a.brand.id)).toBe(before + 1);
  });

  it('answers CORS preflights for embedding sites, without credentials', async () => {
    const res = await t.request(`/v1/layouts/${a.brand.slug}/join/submissions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('layouts: the client address in the consent proof', () => {
  it('ignores address headers that no trusted proxy sets', async () => {
    const t = await createTestApp({ env: { ZP_CLIENT_IP_HEADER: undefined } });
    const b = await t.brand('ip-trust');
    await createLayout(t, b);
    const res = await submit(
      t,
      b,
      { fields: { email: 'forged@example.org' }, consents: { profiling: true } },
      { headers: { 'cf-connecting-ip': '198.51.100.77', 'x-forwarded-for': '198.51.100.78' } },
    );
    const { customerId } = (await res.json()) as SubmissionResponse;
    const events = (await (
      await t.request(`/v1/admin/consent/events?customerId=${customerId}`, { token: b.adminKey })
    ).json()) as { data: { ipPrefix: string | null }[] };
    expect(events.data).toHaveLength(1);
    expect(JSON.stringify(events.data)).not.toContain('198.51.100');
    t.close();
  });
});
