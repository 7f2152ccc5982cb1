import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayApp, FakeSalesforce, salesforceConfig } from '../helpers/relay-fixtures.ts';
import { problemOf, type TestApp } from '../helpers/test-app.ts';

describe('connectors and dead letters admin API — errors', () => {
  let t: TestApp;
  let admin: string;
  const sf = new FakeSalesforce();

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
    admin = (await t.brand('conerr')).adminKey;
  });
  afterAll(() => t.close());

  const create = (json: unknown) => t.request('/v1/admin/connectors', { method: 'POST', token: admin, json });

  it('names each invalid config field', async () => {
    const res = await create({
      type: 'webhook',
      label: 'x',
      config: { url: 'not a url', secret: 'whsec_c2hvcnQ=' },
    });
    expect(res.status).toBe(400);
    const problem = (await problemOf(res)) as unknown as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['config.secret', 'config.url']);
  });

  it('refuses an unknown connector type and an incomplete auth flow', async () => {
    expect((await create({ type: 'hubspot', label: 'x', config: {} })).status).toBe(400);
    const res = await create({
      type: 'salesforce',
      label: 'x',
      config: { authFlow: 'jwt_bearer', clientId: 'c' },
    });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).detail).toMatch(/username and privateKey/);
    const badKey = await create({
      type: 'salesforce',
      label: 'x',
      config: {
        authFlow: 'jwt_bearer',
        clientId: 'c',
        username: 'integration@brand.example',
        privateKey: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----',
      },
    });
    expect(badKey.status).toBe(422);
    expect((await problemOf(badKey)).detail).toMatch(/PKCS#8/);
  });

  it('answers 404 for unknown connectors and dead letters', async () => {
    const id = 'con_00000000000000000000000000';
    expect((await t.request(`/v1/admin/connectors/${id}`, { token: admin })).status).toBe(404);
    expect(
      (await t.request(`/v1/admin/connectors/${id}`, { method: 'PATCH', token: admin, json: {} })).status,
    ).toBe(404);
    const dlq = 'dlq_00000000000000000000000000';
    expect(
      (await t.request(`/v1/admin/dead-letters/${dlq}/retry`, { method: 'POST', token: admin })).status,
    ).toBe(404);
    expect(
      (await t.request(`/v1/admin/dead-letters/${dlq}`, { method: 'DELETE', token: admin })).status,
    ).toBe(404);
  });

  it('reports a failing connection test as 503 without leaking the secret', async () => {
    const created = (await (
      await create({
        type: 'salesforce',
        label: 'bad',
        config: salesforceConfig(sf, { clientSecret: 'wrong-secret-value' }),
      })
    ).json()) as { id: string };
    const res = await t.request(`/v1/admin/connectors/${created.id}/test`, { method: 'POST', token: admin });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('wrong-secret-value');
  });

  it('a dead letter past its retention keeps its metadata but can no longer be retried (410)', async () => {
    const b = await t.brand('retention');
    await t.deps.relay.publish({ kind: 'erasure.requested', brandId: b.brand.id, customerId: 'cus_old' });
    const { purgeDeadLetterData } = await import('../../src/relay/dead-letters.ts');
    t.clock.offsetMs += 31 * 86_400_000;
    expect(await purgeDeadLetterData(t.deps.relayDeps)).toBeGreaterThanOrEqual(1);
    t.clock.offsetMs = 0;
    const list = (await (await t.request('/v1/admin/dead-letters', { token: b.adminKey })).json()) as {
      data: { id: string; retryable: boolean }[];
    };
    expect(list.data).toEqual([expect.objectContaining({ retryable: false })]);
    const res = await t.request(`/v1/admin/dead-letters/${list.data[0]?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(res.status).toBe(410);
    expect((await problemOf(res)).code).toBe('gone');
  });
});
