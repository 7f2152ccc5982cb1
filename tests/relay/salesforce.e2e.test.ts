/**
 * End to end, on both runtimes: a Sign in with Apple and a consent event reach the fake
 * Salesforce through the real relay (sealed envelopes on the outbox on Node, on the queue
 * consumer in workerd) as one Contact upsert plus the Consent-model records, exactly once each.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import {
  addConnector,
  consentEvent,
  createRelayApp,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`relay to Salesforce, end to end (${runtime})`, () => {
  let t: TestApp;
  const sf = new FakeSalesforce();
  const email = 'jane.e2e@privaterelay.appleid.com';
  let customerId: string;
  let brandId: string;
  let adminKey: string;
  const event = consentEvent({ method: 'doi' });

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
    const b = await t.brand('sfe2e');
    brandId = b.brand.id;
    adminKey = b.adminKey;
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf));
    const token = await t.apple.token({ aud: b.brand.appleClientIds[0] ?? '', sub: 'e2e-sub', email });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: {
        brand: b.brand.slug,
        identityToken: token,
        user: { name: { firstName: 'Jane', lastName: 'Doe' } },
      },
    });
    expect(res.status).toBe(200);
    customerId = ((await res.json()) as { customerId: string }).customerId;
    await t.deps.relay.publish({ kind: 'consent.recorded', brandId, customerId, event });
    await t.runJobs();
    // A second pass finds nothing left: delivered envelopes are gone.
    expect(await t.runJobs()).toBe(0);
  });
  afterAll(() => t.close());

  it('upserts the Contact once, by the customer ID, linked to its Individual', () => {
    const contacts = sf.records('Contact');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      Zeropass_Customer_Id__c: customerId,
      Email: email,
      FirstName: 'Jane',
      LastName: 'Doe',
    });
    expect(sf.upserts.filter((u) => u.sobject === 'Contact')).toHaveLength(1);
    const individuals = sf.records('Individual');
    expect(individuals).toHaveLength(1);
    expect(individuals[0]).toMatchObject({ Zeropass_Customer_Id__c: customerId, LastName: customerId });
    expect(contacts[0]?.IndividualId).toBe(individuals[0]?.Id);
  });

  it('writes the consent into the Consent data model once', () => {
    const individualId = sf.records('Individual')[0]?.Id;
    const typeConsents = sf.records('ContactPointTypeConsent');
    expect(typeConsents).toHaveLength(1);
    const purpose = sf.records('DataUsePurpose');
    expect(purpose).toEqual([expect.objectContaining({ Name: 'consents_email' })]);
    expect(typeConsents[0]).toMatchObject({
      Zeropass_Event_Id__c: event.eventId,
      PartyId: individualId,
      DataUsePurposeId: purpose[0]?.Id,
      ContactPointType: 'Email',
      PrivacyConsentStatus: 'OptIn',
      CaptureDate: event.capturedAt,
      CaptureSource: 'zeropass',
      DoubleConsentCaptureDate: event.capturedAt,
    });
    const formText = sf.records('AuthorizationFormText');
    expect(formText).toHaveLength(1);
    expect(sf.records('AuthorizationFormConsent')).toEqual([
      expect.objectContaining({
        Zeropass_Event_Id__c: event.eventId,
        ConsentGiverId: individualId,
        AuthorizationFormTextId: formText[0]?.Id,
        Status: 'Signed',
      }),
    ]);
    expect(sf.upserts.filter((u) => u.sobject === 'ContactPointTypeConsent')).toHaveLength(1);
    expect(sf.upserts.filter((u) => u.sobject === 'AuthorizationFormConsent')).toHaveLength(1);
  });

  it('leaves no envelope and no dead letter behind, and logs no contact data', async () => {
    const res = await t.request('/v1/admin/dead-letters', { token: adminKey });
    expect(await res.json()).toEqual({ data: [] });
    if (t.queue) expect(t.queue.pending).toHaveLength(0);
    const outbox = await t.database.db.all(sql`select id from jobs where brand_id = ${brandId}`);
    expect(outbox).toHaveLength(0);
    expect(t.logs.join('\n')).not.toContain(email);
  });
});
