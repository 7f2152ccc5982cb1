import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedResolver, newWebhookSecret, PUBLIC_IP } from '../helpers/fake-webhook-receiver.ts';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

type ConnectorBody = {
  id: string;
  label: string;
  settings: Record<string, unknown>;
  secretsSet: string[];
  enabled: boolean;
};

describe('connectors admin API — happy paths', () => {
  let t: TestApp;
  let admin: string;
  const sf = new FakeSalesforce();

  beforeAll(async () => {
    t = await createRelayApp({
      connectorFetch: sf.fetch,
      resolveHost: fixedResolver({ 'hooks.example': [PUBLIC_IP] }),
    });
    admin = (await t.brand('conhappy')).adminKey;
  });
  afterAll(() => t.close());

  it('creates, lists, reads, renames and removes a connector; secrets are write-only', async () => {
    const secret = newWebhookSecret();
    const created = await t.request('/v1/admin/connectors', {
      method: 'POST',
      token: admin,
      json: { type: 'webhook', label: 'Hook', config: { url: 'https://hooks.example/in', secret } },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as ConnectorBody;
    expect(body).toMatchObject({
      label: 'Hook',
      enabled: true,
      settings: { url: 'https://hooks.example/in', timeoutMs: 10_000 },
      secretsSet: ['secret'],
    });
    const listed = await (await t.request('/v1/admin/connectors', { token: admin })).text();
    expect(listed).toContain(body.id);
    expect(listed).not.toContain(secret.slice(6));
    const renamed = await t.request(`/v1/admin/connectors/${body.id}`, {
      method: 'PATCH',
      token: admin,
      json: { label: 'Renamed', config: { previousSecret: newWebhookSecret() } },
    });
    expect(await renamed.json()).toMatchObject({
      label: 'Renamed',
      secretsSet: ['secret', 'previousSecret'],
    });
    expect(
      (await t.request(`/v1/admin/connectors/${body.id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(204);
    expect((await t.request(`/v1/admin/connectors/${body.id}`, { token: admin })).status).toBe(404);
  });

  it('tests a Salesforce connection against the fake without writing anything', async () => {
    const created = (await (
      await t.request('/v1/admin/connectors', {
        method: 'POST',
        token: admin,
        json: { type: 'salesforce', label: 'SF', config: salesforceConfig(sf) },
      })
    ).json()) as ConnectorBody;
    const res = await t.request(`/v1/admin/connectors/${created.id}/test`, { method: 'POST', token: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, detail: 'authenticated and queried' });
    expect(sf.upserts).toHaveLength(0);
  });
});

describe('dead letters of a brand that had no connector', () => {
  let t: TestApp;
  const crm = new FakeSalesforce();

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: crm.fetch });
  });
  afterAll(() => t.close());

  it('a message relayed before any connector existed reaches the CRM once one is added and it is retried', async () => {
    const late = await t.brand('late-crm');
    await t.deps.relay.publish({
      kind: 'contact.upsert',
      brandId: late.brand.id,
      customerId: 'cus_before_any_connector',
      source: 'apple',
      contact: { email: 'early@privaterelay.appleid.com' },
    });
    const letters = (await (await t.request('/v1/admin/dead-letters', { token: late.adminKey })).json()) as {
      data: { id: string; connectorId: string }[];
    };
    expect(letters.data).toEqual([expect.objectContaining({ connectorId: 'none' })]);
    const retryPath = `/v1/admin/dead-letters/${letters.data[0]?.id}/retry`;
    // Nothing to send it to yet: a clear 409, and the dead letter stays.
    expect((await t.request(retryPath, { method: 'POST', token: late.adminKey })).status).toBe(409);
    await addConnector(t, late.adminKey, 'salesforce', salesforceConfig(crm));
    expect((await t.request(retryPath, { method: 'POST', token: late.adminKey })).status).toBe(202);
    await deliverAll(t, 5);
    expect(crm.records('Contact')).toContainEqual(
      expect.objectContaining({ Zeropass_Customer_Id__c: 'cus_before_any_connector' }),
    );
    const after = (await (await t.request('/v1/admin/dead-letters', { token: late.adminKey })).json()) as {
      data: unknown[];
    };
    expect(after.data).toEqual([]);
  });
});
