/**
 * Outage, on both runtimes: the fake Salesforce fails (5xx, then timeouts, then a locked row)
 * for a stretch of deliveries and recovers. Every record arrives, none twice, nothing is left
 * behind and nothing became a dead letter.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`relay through a CRM outage (${runtime})`, () => {
  let t: TestApp;
  const sf = new FakeSalesforce();
  const customers = Array.from({ length: 30 }, (_, i) => `cus_outage${i.toString().padStart(16, '0')}`);
  let brandId: string;
  let adminKey: string;

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
    const b = await t.brand('outage');
    brandId = b.brand.id;
    adminKey = b.adminKey;
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf));
    sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
    for (const [i, customerId] of customers.entries()) {
      await t.deps.relay.publish({
        kind: 'contact.upsert',
        brandId,
        customerId,
        source: 'layout',
        contact: { email: `shopper${i}@example.com`, lastName: `L${i}` },
      });
    }
    // Three rounds of 5xx, then two of timeouts, then one record's row is locked once.
    for (let round = 0; round < 3; round++) {
      await t.runJobs();
      t.clock.offsetMs += 20 * 60_000;
    }
    sf.outage = 'timeout';
    for (let round = 0; round < 2; round++) {
      await t.runJobs();
      t.clock.offsetMs += 20 * 60_000;
    }
    sf.outage = undefined;
    sf.recordErrors.set(`Contact:${customers[7]}`, ['UNABLE_TO_LOCK_ROW']);
    await deliverAll(t, 5);
  });
  afterAll(() => t.close());

  it('the outage was real: calls failed before anything was written', () => {
    expect(sf.apiCalls.length).toBeGreaterThanOrEqual(4);
    expect(sf.upserts.filter((u) => u.sobject === 'Contact').length).toBe(customers.length);
  });

  it('every record arrived exactly once', () => {
    const keys = sf.records('Contact').map((c) => c.Zeropass_Customer_Id__c);
    expect([...keys].sort()).toEqual([...customers].sort());
    for (const customerId of customers) expect(sf.createdCount('Contact', customerId)).toBe(1);
  });

  it('the locked row was retried at once in a call of its own (with the Individual it links to)', () => {
    const composites = sf.apiCalls.filter((c) => c.path.endsWith('/composite'));
    const full = composites.findLastIndex((c) => c.records === 2 * customers.length);
    expect(composites[full + 1]?.records).toBe(2);
  });

  it('an envelope past its TTL is not attempted: it becomes a dead letter', async () => {
    const before = sf.apiCalls.length;
    await t.deps.relay.publish({ kind: 'erasure.requested', brandId, customerId: 'cus_expired' });
    t.clock.offsetMs += 4 * 86_400_000;
    await t.runJobs();
    expect(sf.apiCalls.length).toBe(before);
    const res = await t.request('/v1/admin/dead-letters', { token: adminKey });
    const { data } = (await res.json()) as { data: { id: string; kind: string; lastError: string }[] };
    expect(data).toEqual([
      expect.objectContaining({ kind: 'erasure.requested', lastError: expect.stringMatching(/^expired/) }),
    ]);
    await t.request(`/v1/admin/dead-letters/${data[0]?.id}`, { method: 'DELETE', token: adminKey });
  });

  it('nothing is left waiting and nothing died', async () => {
    const left = await t.database.db.all(sql`select id from jobs where brand_id = ${brandId}`);
    expect(left).toHaveLength(0);
    if (t.queue) expect(t.queue.pending).toHaveLength(0);
    const res = await t.request('/v1/admin/dead-letters', { token: adminKey });
    expect(await res.json()).toEqual({ data: [] });
  });
});
