/**
 * Rectification: PATCH /v1/me relays the corrected fields to the CRMs (Salesforce fake, webhook
 * receiver) as a contact.upsert with source `rectification`; bad input is a 400 that relays
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { problemOf } from '../helpers/test-app.ts';
import { type RichCustomer, richCustomer, rightsApp } from './fixtures.ts';

describe(`rectification (${runtime})`, () => {
  let r: Awaited<ReturnType<typeof rightsApp>>;
  let c: RichCustomer;
  beforeAll(async () => {
    r = await rightsApp();
    c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
  });
  afterAll(() => r.t.close());

  const patch = (json: unknown, token: string | null = c.accessToken) =>
    r.t.request('/v1/me', { method: 'PATCH', json, ...(token ? { token } : {}) });
  const upserts = () => r.hook.received.filter((w) => w.type === 'contact.upsert');

  it('relays the changed fields to every CRM', async () => {
    const email = `new.${c.canary}@example.org`;
    const res = await patch({ email, firstName: 'Renée' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ relayed: ['email', 'firstName'] });
    for (let i = 0; i < 3; i++) await r.t.runJobs();
    const contact = r.sf.records('Contact').find((x) => Object.values(x).includes(c.customerId));
    expect(contact).toMatchObject({ Email: email, FirstName: 'Renée' });
    const last = upserts().at(-1);
    expect(last?.data).toMatchObject({
      customerId: c.customerId,
      source: 'rectification',
      contact: { email },
    });
  });

  it('refuses bad input with a 400 and relays nothing', async () => {
    const before = upserts().length;
    for (const body of [{}, { nickname: 'x' }, { email: 'not-an-email' }, { birthDate: '31/12/1990' }]) {
      const res = await patch(body);
      expect((await problemOf(res)).status, JSON.stringify(body)).toBe(400);
    }
    for (let i = 0; i < 2; i++) await r.t.runJobs();
    expect(upserts()).toHaveLength(before);
  });

  it('needs a session', async () => {
    expect((await patch({ firstName: 'X' }, null)).status).toBe(401);
  });
});
