/**
 * Sign in with Apple server-to-server notifications, signed by the fake Apple's key like Apple's:
 * consent-revoked ends sessions, account-delete requests an erasure, email-disabled/enabled go to
 * the CRM through the relay; forged, misaddressed and malformed payloads are refused and change
 * nothing; an unknown customer is acknowledged.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { erasures } from '../../src/db/schema/index.ts';
import { generateRsaKey } from '../helpers/fake-apple.ts';
import type { Provisioned } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe(`Apple server-to-server notifications (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  let aud: string;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('s2s');
    aud = b.brand.appleClientIds[0] ?? '';
  });
  afterAll(() => t.close());

  const notify = async (
    type: string,
    sub: string,
    options: Parameters<TestApp['apple']['token']>[0] = {},
  ) => {
    const payload = await t.apple.token({
      aud,
      claims: { events: JSON.stringify({ type, sub, event_time: Date.now() }) },
      ...options,
    });
    return t.request('/v1/apple/notifications', { method: 'POST', json: { payload } });
  };
  const shopper = async () => {
    const sub = `001122.s2s${n++}${Date.now()}.0001`;
    return { sub, ...(await t.signIn(b.brand.slug, aud, sub)) };
  };

  it('consent-revoked ends every session', async () => {
    const s = await shopper();
    const res = await notify('consent-revoked', s.sub);
    expect(await res.json()).toEqual({ type: 'consent-revoked', action: 'sessions_ended' });
    expect((await t.request('/v1/me', { token: s.accessToken })).status).toBe(401);
  });

  it('account-delete requests an erasure (source apple) and unlinks the Apple account', async () => {
    const s = await shopper();
    const res = await notify('account-delete', s.sub);
    expect(await res.json()).toEqual({ type: 'account-delete', action: 'erasure_requested' });
    const rows = await t.database.db
      .select()
      .from(erasures)
      .where(and(eq(erasures.brandId, b.brand.id), eq(erasures.customerId, s.customerId)));
    expect(rows.map((row: { source: string }) => row.source)).toEqual(['apple']);
    const again = await t.signIn(b.brand.slug, aud, s.sub);
    expect(again.customerId).not.toBe(s.customerId);
  });

  it('email-disabled and email-enabled tell the CRM through the relay, without the address', async () => {
    const s = await shopper();
    t.relay.take();
    for (const type of ['email-disabled', 'email-enabled']) {
      expect((await (await notify(type, s.sub)).json()) as object).toEqual({ type, action: 'crm_told' });
    }
    const sent = t.relay.take();
    expect(sent).toEqual([
      expect.objectContaining({
        kind: 'contact.upsert',
        customerId: s.customerId,
        contact: { custom: { appleEmailForwarding: false } },
      }),
      expect.objectContaining({
        kind: 'contact.upsert',
        customerId: s.customerId,
        contact: { custom: { appleEmailForwarding: true } },
      }),
    ]);
  });

  it('an unknown customer or type is acknowledged and changes nothing', async () => {
    const s = await shopper();
    expect(await (await notify('consent-revoked', 'unknown.sub.0001')).json()).toEqual({
      type: 'consent-revoked',
      action: 'ignored',
    });
    expect(await (await notify('future-event', s.sub)).json()).toEqual({
      type: 'future-event',
      action: 'ignored',
    });
    expect((await t.request('/v1/me', { token: s.accessToken })).status).toBe(200);
  });

  it('refuses a forged signature, another audience, an old token and a malformed payload, changing nothing', async () => {
    const s = await shopper();
    const forged = await notify('consent-revoked', s.sub, { key: await generateRsaKey('apple-key-1') });
    expect((await problemOf(forged)).status).toBe(401);
    const otherAud = await notify('consent-revoked', s.sub, { aud: 'com.someone.else' });
    expect((await problemOf(otherAud)).status).toBe(400);
    const expired = await notify('consent-revoked', s.sub, { expiresIn: -3600 });
    expect((await problemOf(expired)).status).toBe(401);
    const noEvents = await t.request('/v1/apple/notifications', {
      method: 'POST',
      json: { payload: await t.apple.token({ aud, claims: { events: '{"type":1}' } }) },
    });
    expect((await problemOf(noEvents)).status).toBe(400);
    const junk = await t.request('/v1/apple/notifications', {
      method: 'POST',
      json: { payload: 'not.a.jwt' },
    });
    expect((await problemOf(junk)).status).toBe(400);
    expect((await t.request('/v1/me', { token: s.accessToken })).status).toBe(200);
  });
});
