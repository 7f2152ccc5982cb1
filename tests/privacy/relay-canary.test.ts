/**
 * Canary through the relay: while the CRM is down, contact data waits sealed. A unique email and
 * name go in through Sign in with Apple; the database (raw files on Node, every row on D1), the
 * queue bodies (workerd) and the logs are searched for them while deliveries fail. Then the CRM
 * recovers and the canary does arrive, so the search was over data that was really there.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe(`relay PII canary while the CRM is down (${runtime})`, () => {
  let t: TestApp;
  const sf = new FakeSalesforce();
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  const email = `${canary}@privaterelay.appleid.com`;
  const firstName = `First${canary}`;
  let haystack = '';

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
    const b = await t.brand('relaycanary');
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf));
    sf.outage = { status: 500, errorCode: 'UNKNOWN_EXCEPTION' };
    const token = await t.apple.token({ aud: b.brand.appleClientIds[0] ?? '', sub: `sub.${canary}`, email });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: b.brand.slug, identityToken: token, user: { name: { firstName, lastName: 'Canary' } } },
    });
    expect(res.status).toBe(200);
    await t.runJobs();
    t.clock.offsetMs += 20 * 60_000;
    await t.runJobs();

    haystack += await databaseHaystack(t.database);
    haystack += JSON.stringify(t.queue?.sentBodies ?? []);
    haystack += t.logs.join('\n');
  });
  afterAll(() => t.close());

  it('the envelope is waiting (sealed) while the CRM is down', async () => {
    expect(sf.records('Contact')).toHaveLength(0);
    expect(sf.apiCalls.length).toBeGreaterThanOrEqual(2);
    // A `relay.deliver` job: in the outbox's rows on Node, in the queue's bodies on Workers.
    expect(haystack).toMatch(/"ciphertext":"[\w-]{40,}"/);
  });

  it('no canary in the database, the queue bodies or the logs', () => {
    for (const needle of [canary, email, firstName]) expect(haystack).not.toContain(needle);
  });

  it('after recovery the canary reaches the CRM, so it was there to find', async () => {
    sf.outage = undefined;
    await deliverAll(t, 3);
    expect(sf.records('Contact')).toEqual([expect.objectContaining({ Email: email, FirstName: firstName })]);
  });
});
