/**
 * The CRMs behind every fault (issue 16, Build 4), on both runtimes: Salesforce (OAuth token and
 * composite calls) and Cegid Y2 (SOAP) meet a timeout, a reset, a 503, a 429 with Retry-After, a
 * stalling body and malformed JSON on consecutive calls. Each attempt is retried, whatever went
 * wrong (tests/connectors/conformance.test.ts checks each connector's answer to each fault), and
 * in the end every contact arrives once: nothing lost, nothing doubled, no dead letter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { CEGID_URL, FakeCegidY2 } from '../helpers/fake-cegid-y2.ts';
import { EVERY_FAULT, FaultPlan } from '../helpers/fault-injection.ts';
import {
  addConnector,
  cegidConfig,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`CRM connectors through every fault (${runtime})`, () => {
  let t: TestApp;
  let adminKey = '';
  const sf = new FakeSalesforce();
  const y2 = new FakeCegidY2();
  const sfFaults = new FaultPlan();
  const y2Faults = new FaultPlan();
  const customers = ['cus_faults00000000000001', 'cus_faults00000000000002'];

  beforeAll(async () => {
    sfFaults.matches = (url) => url.startsWith(sf.baseUrl);
    y2Faults.matches = (url) => url.startsWith(CEGID_URL);
    const viaFaults = y2Faults.wrap(
      sfFaults.wrap((input, init) => {
        const url = new Request(input, init).url;
        return url.startsWith(CEGID_URL) ? y2.fetch(input, init) : sf.fetch(input, init);
      }),
    );
    t = await createRelayApp({ connectorFetch: viaFaults });
    const b = await t.brand('crm-faults');
    adminKey = b.adminKey;
    await addConnector(t, adminKey, 'salesforce', salesforceConfig(sf));
    await addConnector(t, adminKey, 'cegid-y2', cegidConfig(y2));
    sfFaults.inject(...EVERY_FAULT);
    y2Faults.inject(...EVERY_FAULT);
    for (const [i, customerId] of customers.entries()) {
      await t.deps.relay.publish({
        kind: 'contact.upsert',
        brandId: b.brand.id,
        customerId,
        source: 'layout',
        contact: { email: `faults${i}@example.com`, firstName: `F${i}`, lastName: `L${i}` },
      });
    }
    await deliverAll(t, 16);
  });
  afterAll(() => t.close());

  it('every fault was met', () => {
    expect(sfFaults.served).toHaveLength(EVERY_FAULT.length);
    expect(y2Faults.served).toHaveLength(EVERY_FAULT.length);
  });

  it('every contact arrived once at each CRM', () => {
    const keys = sf.records('Contact').map((c) => c.Zeropass_Customer_Id__c);
    expect([...keys].sort()).toEqual(customers);
    for (const customerId of customers) expect(sf.createdCount('Contact', customerId)).toBe(1);
    expect(y2.customers.size).toBe(customers.length);
    expect(y2.creates).toBe(customers.length);
  });

  it('nothing became a dead letter', async () => {
    const res = await t.request('/v1/admin/dead-letters', { token: adminKey });
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
