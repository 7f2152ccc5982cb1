/**
 * The whole-flow PII canary (issue 16, Build 3), on both runtimes: a shopper signs in with Apple
 * and joins through a layout while both CRMs are down; Salesforce recovers, Cegid stays down
 * until its envelopes become dead letters, then recovers and the brand retries them. After each
 * stage every database byte (raw files on Node, every row on D1), every queue body, every log
 * line and every dead letter the admin API lists is searched for the canary values. At the end
 * the values are asserted at both CRMs, so the searches were over data that really passed through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { createLayout, submit } from '../helpers/consent.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { CEGID_URL, FakeCegidY2 } from '../helpers/fake-cegid-y2.ts';
import {
  addConnector,
  cegidConfig,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`whole-flow PII canary: sign-in, layout, CRM outage, dead letters, recovery (${runtime})`, () => {
  let t: TestApp;
  const sf = new FakeSalesforce();
  const y2 = new FakeCegidY2();
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  const sub = `001234.${canary}.0042`;
  const appleEmail = `${canary}@privaterelay.appleid.com`;
  const fields = {
    email: `join.${canary}@example.org`,
    phone: '+33 6 98 76 54 32',
    firstName: `First${canary}`,
    lastName: `Last${canary}`,
    note: `Note${canary}`,
  };
  const ip = '203.0.113.77';
  const needles = [canary, sub, appleEmail, ...Object.values(fields), ip];
  let adminKey = '';
  const stages: Record<string, string> = {};

  const connectorFetch: typeof fetch = (input, init) => {
    const url = new Request(input, init).url;
    return url.startsWith(CEGID_URL) ? y2.fetch(input, init) : sf.fetch(input, init);
  };

  /** Everything at rest or emitted so far, as one string. */
  async function sweep(): Promise<string> {
    const deadLetters = await t.request('/v1/admin/dead-letters', { token: adminKey });
    const jobDeadLetters = await t.request('/v1/admin/jobs/dead-letters', { token: adminKey });
    return [
      await databaseHaystack(t.database),
      JSON.stringify(t.queue?.sentBodies ?? []),
      t.logs.join('\n'),
      await deadLetters.text(),
      await jobDeadLetters.text(),
    ].join('\n');
  }

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch, env: { ZP_RELAY_MAX_ATTEMPTS: '3' } });
    const b = await t.brand('wholeflow');
    adminKey = b.adminKey;
    await addConnector(t, adminKey, 'salesforce', salesforceConfig(sf, { fieldMap: { note: 'Note__c' } }));
    await addConnector(t, adminKey, 'cegid-y2', cegidConfig(y2));
    await createLayout(t, b, {
      fields: [
        { key: 'email', required: true },
        { key: 'phone', required: true },
        { key: 'firstName', required: true },
        { key: 'lastName', required: true },
        { key: 'note', required: true, type: 'text', label: 'A note' },
      ],
    });
    sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
    y2.outageStatus = 503;

    const token = await t.apple.token({ aud: b.brand.appleClientIds[0] ?? '', sub, email: appleEmail });
    const signIn = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: b.brand.slug, identityToken: token, user: { name: { firstName: fields.firstName } } },
      headers: { 'cf-connecting-ip': ip },
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const joined = await submit(
      t,
      b,
      { fields, consents: { marketing_sms: true, profiling: true } },
      { token: accessToken, headers: { 'cf-connecting-ip': ip } },
    );
    expect(joined.status, await joined.clone().text()).toBe(201);

    // Outage: both CRMs answer 503; two rounds of retries go by.
    for (let round = 0; round < 2; round++) {
      await t.runJobs();
      t.clock.offsetMs += 20 * 60_000;
    }
    stages.outage = await sweep();

    // Salesforce recovers; Cegid does not, so its envelopes run out of attempts.
    sf.outage = undefined;
    await deliverAll(t, 6);
    stages.deadLettered = await sweep();

    // Cegid recovers and the brand retries its dead letters, oldest first, so the layout's
    // contact lands after the sign-in's as it did at Salesforce.
    y2.outageStatus = undefined;
    const listed = await t.request('/v1/admin/dead-letters', { token: adminKey });
    const { data } = (await listed.json()) as { data: { id: string; createdAt: string }[] };
    expect(data.length).toBeGreaterThanOrEqual(2);
    for (const letter of data.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const retried = await t.request(`/v1/admin/dead-letters/${letter.id}/retry`, {
        method: 'POST',
        token: adminKey,
      });
      expect(retried.status).toBeLessThan(300);
      // One at a time: two retried upserts of one customer delivered together may land in either order.
      await deliverAll(t, 2);
    }
    stages.recovered = await sweep();
  });
  afterAll(() => t.close());

  it('the outage and the dead letters were real', async () => {
    expect(sf.apiCalls.length).toBeGreaterThanOrEqual(2);
    expect(stages.outage).toMatch(/"ciphertext":"[\w-]{40,}"/);
    // Cegid's envelopes ran out of attempts while Salesforce delivered.
    expect(stages.deadLettered).toMatch(/"data":\[\{"id":"/);
  });

  it.each(['outage', 'deadLettered', 'recovered'])('no canary at rest or in logs after stage %s', (stage) => {
    const haystack = stages[stage] ?? '';
    // The sweep is real: it holds the customer and its consent events.
    expect(haystack).toContain('cus_');
    if (t.database.files.length === 0) expect(haystack).toContain('cev_');
    for (const needle of needles) expect(haystack, `${needle} in stage ${stage}`).not.toContain(needle);
  });

  it('the canary reached both CRMs, so it was there to find', () => {
    expect(sf.records('Contact')).toEqual([
      expect.objectContaining({ Email: fields.email, FirstName: fields.firstName, Note__c: fields.note }),
    ]);
    const [y2Customer] = [...y2.customers.values()];
    expect(y2Customer).toMatchObject({ Email: fields.email, FirstName: fields.firstName });
  });
});
