/**
 * Erasure end to end on both runtimes: after DELETE /v1/me both fake CRMs got the erasure, the
 * fake APNs the void push, the fake Google the expired object; once the wallet grace has passed
 * no row anywhere links to the customer except the tombstone (the customers row, unlinked, the
 * consent events and the erasure row). Signing in again with the same Apple sub gives a new id.
 * And an erasure whose CRM step fails resumes and completes once the CRM recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { type RichCustomer, richCustomer, rightsApp } from './fixtures.ts';
import { tablesHolding } from './tables-linking.ts';

type ErasureView = {
  erasureId: string;
  status: string;
  erasedAt: string | null;
  steps: { name: string; status: string; attempts: number; error: string | null }[];
};

const GRACE_MS = 3_600_000;

describe(`erasure (${runtime})`, () => {
  let r: Awaited<ReturnType<typeof rightsApp>>;
  beforeAll(async () => {
    r = await rightsApp();
  });
  afterAll(() => r.t.close());

  const status = async (id: string) => {
    const res = await r.t.request(`/v1/admin/erasures/${id}`, { token: r.b.adminKey });
    expect(res.status).toBe(200);
    return (await res.json()) as ErasureView;
  };
  const step = (view: ErasureView, name: string) => view.steps.find((s) => s.name === name);
  const runRounds = async (n = 4) => {
    for (let i = 0; i < n; i++) await r.t.runJobs();
  };

  describe('DELETE /v1/me', () => {
    let c: RichCustomer;
    let erasure: ErasureView;
    const objectId = () => `3388000000012345678.${c.cardId}`;
    beforeAll(async () => {
      c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
      expect(r.t.google.objects.get(objectId())).toBeDefined();
      const res = await r.t.request('/v1/me', { method: 'DELETE', token: c.accessToken });
      expect(res.status).toBe(202);
      erasure = (await res.json()) as ErasureView;
      await runRounds();
    });

    it('answers the request with every step', () => {
      expect(erasure.steps.map((s) => s.name)).toEqual([
        `crm:${r.connectors.salesforce}`,
        `crm:${r.connectors.webhook}`,
        'apple-pass',
        'google-object',
        'push-subscriptions',
        'local-data',
      ]);
      expect(erasure.status).toBe('running');
    });

    it('ends the session at once', async () => {
      expect((await r.t.request('/v1/me', { token: c.accessToken })).status).toBe(401);
    });

    it('the CRMs got the erasure', () => {
      const contact = r.sf.records('Contact').find((x) => Object.values(x).includes(c.customerId));
      expect(contact).toMatchObject({ Email: null, FirstName: null, LastName: 'Erased' });
      expect(
        r.hook.received.filter((w) => w.type === 'erasure.requested').map((w) => w.data.customerId),
      ).toEqual([c.customerId]);
    });

    it('APNs got the void push, and the pass Wallet fetches is voided', async () => {
      const pushes = r.t.apns.pushes.filter((p) => p.deviceToken === c.device.pushToken && p.status === 200);
      expect(pushes.length).toBeGreaterThanOrEqual(1);
      const list = await r.t.request(`/wallet/apple/v1/devices/${c.device.id}/registrations/${r.passTypeId}`);
      expect(((await list.json()) as { serialNumbers: string[] }).serialNumbers).toEqual([c.serial]);
    });

    it('Google holds the object as expired', () => {
      expect(r.t.google.objects.get(objectId())?.state).toBe('EXPIRED');
    });

    it('every step shows; the local rows wait for the wallet grace, then go', async () => {
      let view = await status(erasure.erasureId);
      expect(step(view, 'local-data')?.status).toBe('pending');
      for (const name of ['apple-pass', 'google-object']) expect(step(view, name)?.status).toBe('done');
      expect(step(view, `crm:${r.connectors.salesforce}`)?.status).toBe('done');
      expect(step(view, 'push-subscriptions')).toMatchObject({ status: 'skipped' });
      r.t.clock.offsetMs += GRACE_MS + 60_000;
      await runRounds();
      view = await status(erasure.erasureId);
      expect(step(view, 'local-data')?.status).toBe('done');
      expect(view.status).toBe('done');
      expect(view.erasedAt).not.toBeNull();
    });

    it('no row links to the customer except the tombstone', async () => {
      expect(await tablesHolding(r.t.database, c.customerId)).toEqual([
        'consent_events',
        'customers',
        'rights_erasures',
      ]);
      for (const needle of [c.cardId, c.serial, c.device.id, c.device.pushToken]) {
        expect(await tablesHolding(r.t.database, needle), needle).toEqual([]);
      }
      const haystack = await databaseHaystack(r.t.database);
      expect(haystack).not.toContain(c.canary);
    });

    it('signing in again with the same Apple sub gives a new customer id', async () => {
      const again = await c.signIn();
      expect(again.customerId).not.toBe(c.customerId);
      expect((await r.t.request('/v1/me', { token: again.accessToken })).status).toBe(200);
    });
  });

  describe('a CRM that fails', () => {
    // A fresh app: its clock has not moved, so the webhook receiver's 5-minute timestamp
    // tolerance (standardwebhooks) holds for the first delivery.
    beforeAll(async () => {
      await r.t.close();
      r = await rightsApp();
    });

    it('the erasure resumes and completes once the CRM recovers, every step showing', async () => {
      const c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
      r.sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
      const res = await r.t.request(`/v1/admin/customers/${c.customerId}/erasure`, {
        method: 'POST',
        token: r.b.adminKey,
      });
      expect(res.status).toBe(202);
      const { erasureId } = (await res.json()) as ErasureView;
      await runRounds(2);
      r.t.clock.offsetMs += 20 * 60_000;
      await runRounds(2);
      let view = await status(erasureId);
      const sf = step(view, `crm:${r.connectors.salesforce}`);
      expect(sf?.status).toBe('pending');
      expect(sf?.attempts).toBeGreaterThanOrEqual(2);
      expect(sf?.error).toContain('503');
      expect(step(view, `crm:${r.connectors.webhook}`)?.status).toBe('done');
      expect(step(view, 'google-object')?.status).toBe('done');
      expect(view.status).toBe('running');

      r.sf.outage = undefined;
      r.t.clock.offsetMs += GRACE_MS + 20 * 60_000;
      await runRounds(3);
      view = await status(erasureId);
      expect(view.steps.map((s) => [s.name, s.status])).toEqual([
        [`crm:${r.connectors.salesforce}`, 'done'],
        [`crm:${r.connectors.webhook}`, 'done'],
        ['apple-pass', 'done'],
        ['google-object', 'done'],
        ['push-subscriptions', 'skipped'],
        ['local-data', 'done'],
      ]);
      expect(view.status).toBe('done');
      const contact = r.sf.records('Contact').find((x) => Object.values(x).includes(c.customerId));
      expect(contact?.Email).toBeNull();
    });

    it('a second request for the same customer answers the first; another brand cannot ask', async () => {
      const c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
      const ask = (token: string) =>
        r.t.request(`/v1/admin/customers/${c.customerId}/erasure`, { method: 'POST', token });
      const first = (await (await ask(r.b.adminKey)).json()) as ErasureView;
      const second = (await (await ask(r.b.adminKey)).json()) as ErasureView;
      expect(second.erasureId).toBe(first.erasureId);
      const other = await r.t.brand('other');
      expect((await ask(other.adminKey)).status).toBe(404);
      expect(
        (await r.t.request(`/v1/admin/erasures/${first.erasureId}`, { token: other.adminKey })).status,
      ).toBe(404);
    });
  });
});
