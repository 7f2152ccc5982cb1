/**
 * Dead letters never outlive the envelope's TTL with the data, on both runtimes (outbox on Node,
 * the queue consumer in workerd). PII in flight may wait only as ciphertext with a TTL: dying
 * (no connector, expired in transport) must not turn that TTL into the 30-day dead-letter
 * retention, and a retry must not give the data a fresh TTL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { purgeDeadLetterData } from '../../src/relay/dead-letters.ts';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import { problemOf, type TestApp } from '../helpers/test-app.ts';

const TTL_MS = 3 * 86_400_000; // ZP_RELAY_TTL_SECONDS default
const HOUR = 3_600_000;

type Letter = { id: string; connectorId: string; retryable: boolean; lastError: string };

describe(`dead letters and the relay TTL (${runtime})`, () => {
  let t: TestApp;
  const crm = new FakeSalesforce();

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: crm.fetch });
  });
  afterAll(() => t.close());

  const letters = async (adminKey: string) =>
    ((await (await t.request('/v1/admin/dead-letters', { token: adminKey })).json()) as { data: Letter[] })
      .data;
  const storedCiphertexts = async (brandId: string) => {
    const rows: { ciphertext: string | null }[] = await t.database.db.all(
      sql`select ciphertext from relay_dead_letters where brand_id = ${brandId}`,
    );
    return rows.map((r) => r.ciphertext);
  };
  const publishContact = (brandId: string, customerId: string) =>
    t.deps.relay.publish({
      kind: 'contact.upsert',
      brandId,
      customerId,
      source: 'layout:join',
      contact: { email: `${customerId}@example.org` },
    });
  const reachedCrm = (customerId: string) =>
    crm.records('Contact').some((r) => r.Zeropass_Customer_Id__c === customerId);

  it('a dead letter with no connector keeps its data only until the envelope expires, not for the retention', async () => {
    t.clock.offsetMs = 0;
    const b = await t.brand('ttl-none');
    await publishContact(b.brand.id, 'cus_ttl_none');
    expect(await letters(b.adminKey)).toEqual([
      expect.objectContaining({ connectorId: 'none', retryable: true }),
    ]);

    // Day 24: well inside the 30-day retention, far past the 3-day TTL.
    t.clock.offsetMs = 24 * 86_400_000;
    const [letter] = await letters(b.adminKey);
    expect(letter?.retryable).toBe(false);
    expect(await purgeDeadLetterData(t.deps.relayDeps)).toBeGreaterThanOrEqual(1);
    expect(await storedCiphertexts(b.brand.id)).toEqual([null]);

    // A connector now exists, but the data is gone: a clear 410, and nothing reaches the CRM.
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(crm));
    const res = await t.request(`/v1/admin/dead-letters/${letter?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(res.status).toBe(410);
    expect((await problemOf(res)).code).toBe('gone');
    await deliverAll(t, 3);
    expect(reachedCrm('cus_ttl_none')).toBe(false);
    expect(await letters(b.adminKey)).toHaveLength(1);
  });

  it('an envelope that expires in transport becomes a dead letter without its data', async () => {
    t.clock.offsetMs = 0;
    const b = await t.brand('ttl-transit');
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(crm));
    await publishContact(b.brand.id, 'cus_ttl_transit');
    // The process (or the CRM) was away for longer than the TTL.
    t.clock.offsetMs = TTL_MS + 60_000;
    await t.runJobs();
    expect(reachedCrm('cus_ttl_transit')).toBe(false);
    const [letter] = await letters(b.adminKey);
    expect(letter).toMatchObject({ retryable: false, lastError: expect.stringMatching(/^expired/) });
    // Written without the ciphertext: no purge needed for the PII to be gone.
    expect(await storedCiphertexts(b.brand.id)).toEqual([null]);
    const res = await t.request(`/v1/admin/dead-letters/${letter?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(res.status).toBe(410);
  });

  it('a retry keeps the original expiry: the data is not delivered after the first TTL', async () => {
    t.clock.offsetMs = 0;
    const b = await t.brand('ttl-retry');
    await publishContact(b.brand.id, 'cus_ttl_retry');
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(crm));
    // An hour before the envelope expires, the admin retries; delivery only runs after it.
    t.clock.offsetMs = TTL_MS - HOUR;
    const [letter] = await letters(b.adminKey);
    expect(letter?.retryable).toBe(true);
    const res = await t.request(`/v1/admin/dead-letters/${letter?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(res.status).toBe(202);
    t.clock.offsetMs = TTL_MS + HOUR;
    await deliverAll(t, 3);
    expect(reachedCrm('cus_ttl_retry')).toBe(false);
    expect(await letters(b.adminKey)).toEqual([expect.objectContaining({ retryable: false })]);
    expect(await storedCiphertexts(b.brand.id)).toEqual([null]);
  });

  it('a retry inside the TTL still delivers', async () => {
    t.clock.offsetMs = 0;
    const b = await t.brand('ttl-ok');
    await publishContact(b.brand.id, 'cus_ttl_ok');
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(crm));
    t.clock.offsetMs = TTL_MS - HOUR;
    const [letter] = await letters(b.adminKey);
    const res = await t.request(`/v1/admin/dead-letters/${letter?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(res.status).toBe(202);
    await t.runJobs();
    expect(reachedCrm('cus_ttl_ok')).toBe(true);
    expect(await letters(b.adminKey)).toEqual([]);
  });
});
