/**
 * End to end, on both runtimes: what a shopper submits through a layout reaches the brand's CRM
 * (the fake Salesforce) through the real relay — the contact once, each consent event once — and
 * the values are nowhere in the database or the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { createLayout, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`layout submission to the CRM (${runtime})`, () => {
  let t: TestApp;
  let adminKey: string;
  let body: SubmissionResponse;
  const sf = new FakeSalesforce();
  const canary = `cn${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const email = `${canary}@example.org`;
  const firstName = `Ada${canary}`;

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
    const b = await t.brand('to-crm');
    adminKey = b.adminKey;
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf));
    await createLayout(t, b);
    const res = await submit(t, b, {
      locale: 'en',
      fields: { email, firstName },
      consents: { marketing_sms: true, profiling: true, sale_or_share: false },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    body = (await res.json()) as SubmissionResponse;
    await deliverAll(t);
  });
  afterAll(() => t.close());

  it('upserts the contact once, keyed by the customer ID', () => {
    expect(sf.records('Contact')).toEqual([
      expect.objectContaining({
        Zeropass_Customer_Id__c: body.customerId,
        Email: email,
        FirstName: firstName,
      }),
    ]);
    expect(sf.upserts.filter((u) => u.sobject === 'Contact')).toHaveLength(1);
  });

  it('writes each recorded consent event once, by its ledger event id', () => {
    const granted = body.consents.filter((c) => c.status === 'granted').map((c) => c.eventId);
    expect(granted).toHaveLength(2);
    const written = sf.records('ContactPointTypeConsent').map((r) => r.Zeropass_Event_Id__c);
    expect(written.sort()).toEqual([...granted].sort());
    for (const eventId of granted) {
      expect(
        sf.upserts.filter((u) => u.sobject === 'ContactPointTypeConsent' && u.key === eventId),
      ).toHaveLength(1);
    }
  });

  it('leaves nothing undelivered, and the values nowhere in the database or the logs', async () => {
    const deadLetters = await t.request('/v1/admin/dead-letters', { token: adminKey });
    expect(await deadLetters.json()).toEqual({ data: [] });
    const haystack = await databaseHaystack(t.database);
    expect(haystack).toContain(body.customerId);
    for (const needle of [canary, email, firstName]) {
      expect(haystack).not.toContain(needle);
      expect(t.logs.join('\n')).not.toContain(needle);
    }
  });
});
