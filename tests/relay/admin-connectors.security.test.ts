import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedResolver, newWebhookSecret, PUBLIC_IP } from '../helpers/fake-webhook-receiver.ts';
import { addConnector, createRelayApp } from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

describe('connectors and dead letters admin API — security', () => {
  let t: TestApp;
  let a: { adminKey: string; posKey: string; brand: { id: string } };
  let b: { adminKey: string };
  let connectorId: string;
  let deadLetterId: string;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    t = await createRelayApp({ resolveHost: fixedResolver({ 'hooks.example': [PUBLIC_IP] }) });
    a = await t.brand('seca');
    b = await t.brand('secb');
    connectorId = (await addConnector(t, a.adminKey, 'webhook', { url: 'https://hooks.example/a', secret }))
      .id;
    await t.request(`/v1/admin/connectors/${connectorId}`, {
      method: 'PATCH',
      token: a.adminKey,
      json: { enabled: false },
    });
    await t.deps.relay.publish({ kind: 'erasure.requested', brandId: a.brand.id, customerId: 'cus_sec' });
    // The connector is disabled, so the message becomes brand A's dead letter (connector `none`).
    // Brand B's attempts below only prove something if it really exists: no '' fallback.
    const list = await deadLettersOf(a.adminKey);
    expect(list).toHaveLength(1);
    const [letter] = list;
    if (!letter) throw new Error('brand A has no dead letter to attack');
    deadLetterId = letter.id;
  });
  afterAll(() => t.close());

  const deadLettersOf = async (token: string) =>
    ((await (await t.request('/v1/admin/dead-letters', { token })).json()) as { data: { id: string }[] })
      .data;

  it('needs an admin key: none is 401, a POS key is 403', async () => {
    expect((await t.request('/v1/admin/connectors')).status).toBe(401);
    expect((await t.request('/v1/admin/connectors', { token: a.posKey })).status).toBe(403);
    expect((await t.request('/v1/admin/dead-letters', { token: a.posKey })).status).toBe(403);
  });

  it('another brand sees, changes, tests, retries and discards nothing of brand A', async () => {
    const token = b.adminKey;
    expect((await t.request(`/v1/admin/connectors/${connectorId}`, { token })).status).toBe(404);
    expect(
      (
        await t.request(`/v1/admin/connectors/${connectorId}`, {
          method: 'PATCH',
          token,
          json: { label: 'x' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await t.request(`/v1/admin/connectors/${connectorId}/test`, { method: 'POST', token })).status,
    ).toBe(404);
    expect((await t.request(`/v1/admin/connectors/${connectorId}`, { method: 'DELETE', token })).status).toBe(
      404,
    );
    expect(await (await t.request('/v1/admin/connectors', { token })).json()).toEqual({ data: [] });
    expect(await (await t.request('/v1/admin/dead-letters', { token })).json()).toEqual({ data: [] });
    expect(deadLetterId).toMatch(/^dlq_/);
    expect(
      (await t.request(`/v1/admin/dead-letters/${deadLetterId}/retry`, { method: 'POST', token })).status,
    ).toBe(404);
    expect(
      (await t.request(`/v1/admin/dead-letters/${deadLetterId}`, { method: 'DELETE', token })).status,
    ).toBe(404);
    expect((await t.request(`/v1/admin/connectors/${connectorId}`, { token: a.adminKey })).status).toBe(200);
    // Brand A's dead letter survived brand B's retry and DELETE, and is still A's to act on.
    expect((await deadLettersOf(a.adminKey)).map((d) => d.id)).toEqual([deadLetterId]);
  });

  it('will not send stored secrets to a new destination: retargeting needs the secrets again', async () => {
    const path = `/v1/admin/connectors/${connectorId}`;
    const moved = await t.request(path, {
      method: 'PATCH',
      token: a.adminKey,
      json: { config: { url: 'https://attacker.example/steal' } },
    });
    expect(moved.status).toBeGreaterThanOrEqual(400);
    expect(moved.status).toBeLessThan(500);
    const kept = (await (await t.request(path, { token: a.adminKey })).json()) as {
      settings: { url: string };
      secretsSet: string[];
    };
    expect(kept.settings.url).toBe('https://hooks.example/a');
    expect(kept.secretsSet).toContain('secret');
    // A change that leaves the destination alone keeps the stored secret.
    const relabelled = await t.request(path, {
      method: 'PATCH',
      token: a.adminKey,
      json: { label: 'renamed' },
    });
    expect(relabelled.status).toBe(200);
    expect(((await relabelled.json()) as { secretsSet: string[] }).secretsSet).toContain('secret');
  });

  it('stores the connector secret sealed, never in clear', async () => {
    const rows = await t.database.db.all(sql`select * from relay_connectors where id = ${connectorId}`);
    const dump = JSON.stringify(rows);
    expect(dump).toContain('hooks.example');
    expect(dump).not.toContain(secret.slice(6));
  });

  it('dead letters show metadata only, never the sealed data', async () => {
    const text = await (await t.request('/v1/admin/dead-letters', { token: a.adminKey })).text();
    expect(text).toContain('erasure.requested');
    expect(text).not.toContain('ciphertext');
  });
});
