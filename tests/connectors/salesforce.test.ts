/**
 * The Salesforce connector against the fake: collection sizes, auth flows, token refresh, the
 * fault policy (REQUEST_LIMIT_EXCEEDED is a long backoff, 5xx retries, a bad request is final),
 * the cap on calls in flight, Lead instead of Contact, and erasure.
 */
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { SalesforceClient } from '../../connectors/salesforce/client.ts';
import { salesforceConfigSchema } from '../../connectors/salesforce/manifest.ts';
import { MAX_IN_FLIGHT } from '../../connectors/salesforce/rest.ts';
import type { DeliveryItem } from '../../connectors/types.ts';
import { createLogger } from '../../src/log/logger.ts';
import { FakeSalesforce } from '../helpers/fake-salesforce.ts';
import { consentEvent } from '../helpers/relay-fixtures.ts';

const runtime = (sf: FakeSalesforce) => ({
  fetch: sf.fetch,
  now: Date.now,
  logger: createLogger({ sink: () => {} }),
  resolveHost: async () => [],
  allowHosts: [],
});
const clientFor = (sf: FakeSalesforce, extra: Record<string, unknown> = {}, scope?: string) =>
  new SalesforceClient(
    salesforceConfigSchema.parse({
      authFlow: 'client_credentials',
      loginUrl: sf.baseUrl,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
      timeoutMs: 1_000,
      fieldMap: { loyaltyTier: 'Loyalty_Tier__c' },
      ...extra,
    }),
    { ...runtime(sf), ...(scope ? { scope } : {}) },
  );

let n = 0;
const contacts = (count: number, prefix = 'cus_sf'): DeliveryItem[] =>
  Array.from({ length: count }, (_, i) => ({
    envelopeId: `env_${n++}`,
    eventId: `evt_${n++}`,
    message: {
      kind: 'contact.upsert',
      brandId: 'brd_sf',
      customerId: `${prefix}${i.toString().padStart(8, '0')}`,
      source: 'layout',
      contact: {
        email: `c${i}@example.com`,
        lastName: `L${i}`,
        custom: { loyaltyTier: 'gold' },
      },
    },
  }));

describe('Salesforce connector', () => {
  it('sends 450 contacts in 3 composite calls of at most 200 records per collection', async () => {
    const sf = new FakeSalesforce();
    const results = await clientFor(sf).deliver(contacts(450));
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(sf.apiCalls.map((c) => c.records)).toEqual([400, 400, 100]);
    expect(sf.tokenRequests).toBe(1);
    expect(sf.records('Contact')[0]).toMatchObject({ Loyalty_Tier__c: 'gold' });
    expect(sf.records('Contact')[0]).not.toHaveProperty('loyaltyTier');
  });

  it('rejects a contact whose layout field has no fieldMap entry, naming the field', async () => {
    const sf = new FakeSalesforce();
    const [unmapped] = contacts(1, 'cus_sfunmapped');
    if (unmapped?.message.kind !== 'contact.upsert') throw new Error('fixture');
    unmapped.message.contact.custom = { loyaltyTier: 'gold', shoeSize: 42 };
    const results = await clientFor(sf).deliver([unmapped, ...contacts(1, 'cus_sfmapped')]);
    expect(results.find((r) => r.envelopeId === unmapped.envelopeId)).toEqual({
      envelopeId: unmapped.envelopeId,
      status: 'rejected',
      error: 'layout fields with no Salesforce field in config.fieldMap: shoeSize',
    });
    expect(results.filter((r) => r.status === 'delivered')).toHaveLength(1);
    expect(sf.records('Contact').map((r) => r.Zeropass_Customer_Id__c)).toEqual(['cus_sfmapped00000000']);
  });

  it('merges several messages of one customer into one record', async () => {
    const sf = new FakeSalesforce();
    const [a, b] = contacts(2, 'cus_same');
    if (a?.message.kind !== 'contact.upsert' || b?.message.kind !== 'contact.upsert')
      throw new Error('unreachable');
    b.message = { ...b.message, customerId: a.message.customerId, contact: { firstName: 'Later' } };
    await clientFor(sf).deliver([a, b]);
    expect(sf.records('Contact')).toEqual([
      expect.objectContaining({ Email: 'c0@example.com', FirstName: 'Later' }),
    ]);
    expect(sf.apiCalls.map((c) => c.records)).toEqual([2]);
  });

  it('authenticates with the JWT bearer flow', async () => {
    const sf = new FakeSalesforce();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const client = clientFor(sf, {
      authFlow: 'jwt_bearer',
      clientSecret: undefined,
      username: 'integration@brand.example',
      privateKey: await exportPKCS8(privateKey),
    });
    expect((await client.testConnection()).ok).toBe(true);
  });

  it('refreshes an expired token once and carries on', async () => {
    const sf = new FakeSalesforce();
    const client = clientFor(sf);
    await client.deliver(contacts(1, 'cus_t1'));
    sf.expireTokens();
    expect((await client.deliver(contacts(1, 'cus_t2')))[0]?.status).toBe('delivered');
    expect(sf.tokenRequests).toBe(2);
  });

  it('backs off for an hour on REQUEST_LIMIT_EXCEEDED, retries 5xx, and gives up on a bad request', async () => {
    const sf = new FakeSalesforce();
    sf.faults.push({ status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    expect(await clientFor(sf).deliver(contacts(1))).toEqual([
      expect.objectContaining({ status: 'retry', retryAfterMs: 3_600_000 }),
    ]);
    sf.faults.push({ status: 503, errorCode: 'SERVER_UNAVAILABLE' });
    expect((await clientFor(sf).deliver(contacts(1)))[0]).toMatchObject({ status: 'retry' });
    sf.faults.push({ status: 400, errorCode: 'JSON_PARSER_ERROR' });
    expect((await clientFor(sf).deliver(contacts(1)))[0]).toMatchObject({ status: 'rejected' });
    sf.faults.push('timeout');
    expect((await clientFor(sf).deliver(contacts(1)))[0]).toMatchObject({
      status: 'retry',
      error: 'timeout',
    });
  });

  it('never has more than 25 calls in flight to one org', async () => {
    const sf = new FakeSalesforce('https://inflight.salesforce.fake');
    sf.latencyMs = 30;
    const client = clientFor(sf);
    await client.rest.authenticate();
    await Promise.all(Array.from({ length: 60 }, () => client.rest.query('SELECT Id FROM Contact LIMIT 1')));
    expect(sf.peakInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(sf.peakInFlight).toBeGreaterThan(1);
  });

  it('keeps record ids apart for two brands on the same connected app', async () => {
    // Two orgs behind the same login URL and client ID (a packaged connected app).
    const orgA = new FakeSalesforce();
    const orgB = new FakeSalesforce();
    const consentOf = (brandId: string): DeliveryItem => ({
      envelopeId: `env_${n++}`,
      eventId: `evt_${n++}`,
      message: { kind: 'consent.recorded', brandId, customerId: 'cus_shared_app', event: consentEvent() },
    });
    await clientFor(orgA, {}, 'brd_a:con_a').deliver([consentOf('brd_a')]);
    await clientFor(orgB, {}, 'brd_b:con_b').deliver([consentOf('brd_b')]);
    const purposesOfB = orgB.records('DataUsePurpose');
    expect(purposesOfB).toHaveLength(1);
    expect(orgB.records('ContactPointTypeConsent')[0]?.DataUsePurposeId).toBe(purposesOfB[0]?.Id);
  });

  it('sends to a changed instance URL at once, though the credentials stayed the same', async () => {
    const sf = new FakeSalesforce();
    await clientFor(sf, { instanceUrl: 'https://first.salesforce.fake' }).deliver(contacts(1, 'cus_moved'));
    await clientFor(sf, { instanceUrl: 'https://moved.salesforce.fake' }).deliver(contacts(1, 'cus_moved'));
    expect(sf.apiCalls.map((c) => c.origin)).toEqual([
      'https://first.salesforce.fake',
      'https://moved.salesforce.fake',
    ]);
  });

  it('upserts Leads when configured to', async () => {
    const sf = new FakeSalesforce();
    await clientFor(sf, { contactObject: 'Lead' }).deliver(contacts(2, 'cus_lead'));
    expect(sf.records('Lead')).toHaveLength(2);
    expect(sf.records('Contact')).toHaveLength(0);
  });

  it('erases by anonymising, or by deleting Contact and Individual', async () => {
    const sf = new FakeSalesforce();
    const [item] = contacts(1, 'cus_erase');
    if (item?.message.kind !== 'contact.upsert') throw new Error('unreachable');
    const customerId = item.message.customerId;
    const erase = {
      envelopeId: 'env_x',
      eventId: 'evt_x',
      message: { kind: 'erasure.requested' as const, brandId: 'brd_sf', customerId },
    };
    await clientFor(sf).deliver([item]);
    expect(await clientFor(sf).deliver([erase])).toEqual([{ envelopeId: 'env_x', status: 'delivered' }]);
    expect(sf.records('Contact')[0]).toMatchObject({ Email: null, LastName: 'Erased' });
    expect(sf.records('Individual')[0]).toMatchObject({ ShouldForget: true });
    await clientFor(sf, { erasureMode: 'delete' }).deliver([erase]);
    expect(sf.records('Contact')).toHaveLength(0);
    expect(sf.records('Individual')).toHaveLength(0);
  });
});
