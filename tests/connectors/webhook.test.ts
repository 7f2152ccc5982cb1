/**
 * The Standard Webhooks connector through the real relay, on both runtimes. Signatures are
 * checked by the `standardwebhooks` library inside the fake receiver, not by our own code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import {
  FakeWebhookReceiver,
  fixedResolver,
  newWebhookSecret,
  PUBLIC_IP,
  WEBHOOK_URL,
} from '../helpers/fake-webhook-receiver.ts';
import { addConnector, consentEvent, createRelayApp } from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

// Receivers check the timestamp against their own clock, so the app clock stays put here.
describe(`webhook connector (${runtime})`, () => {
  let t: TestApp;
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret(24);
  const receiver = new FakeWebhookReceiver([newSecret]);
  let brandId: string;
  let adminKey: string;
  let connectorId: string;

  beforeAll(async () => {
    t = await createRelayApp({
      connectorFetch: receiver.fetch,
      resolveHost: fixedResolver({ 'hooks.brand.example': [PUBLIC_IP] }),
    });
    const b = await t.brand('hooks');
    brandId = b.brand.id;
    adminKey = b.adminKey;
    connectorId = (
      await addConnector(t, adminKey, 'webhook', {
        url: WEBHOOK_URL,
        secret: newSecret,
        previousSecret: oldSecret,
      })
    ).id;
  });
  afterAll(() => t.close());

  it('delivers each event once, signed so that standardwebhooks verifies it, keyed by event id', async () => {
    const event = consentEvent();
    await t.deps.relay.publish({
      kind: 'contact.upsert',
      brandId,
      customerId: 'cus_hook1',
      source: 'layout',
      contact: { email: 'a@example.com' },
    });
    await t.deps.relay.publish({ kind: 'consent.recorded', brandId, customerId: 'cus_hook1', event });
    await t.runJobs();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.duplicates).toEqual([]);
    expect(receiver.received.map((r) => r.type).sort()).toEqual(['consent.recorded', 'contact.upsert']);
    const consent = receiver.received.find((r) => r.type === 'consent.recorded');
    expect(consent?.id).toBe(event.eventId);
    expect(consent?.data).toMatchObject({ customerId: 'cus_hook1', event: { purpose: 'consents_email' } });
    expect(consent?.data).not.toHaveProperty('brandId');
  });

  it('signs with both secrets during rotation: a receiver holding only the old one verifies too', async () => {
    const oldOnly = new FakeWebhookReceiver([oldSecret]);
    const last = receiver.received.at(-1);
    expect(last?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    // Replay the exact request to a receiver that only knows the old secret.
    const body = JSON.stringify({ type: last?.type, timestamp: new Date().toISOString(), data: last?.data });
    const { WebhookClient } = await import('../../connectors/webhook/client.ts');
    const client = new WebhookClient(
      { url: WEBHOOK_URL, secret: newSecret, previousSecret: oldSecret, timeoutMs: 5_000 },
      { ...t.deps.relayDeps.runtime, now: Date.now, fetch: oldOnly.fetch },
    );
    expect((await client.send('evt_rotation', body)).status).toBe(204);
    expect(oldOnly.received.map((r) => r.id)).toEqual(['evt_rotation']);
  });

  it('a receiver with a wrong secret rejects the signature', async () => {
    const stranger = new FakeWebhookReceiver([newWebhookSecret()]);
    const { WebhookClient } = await import('../../connectors/webhook/client.ts');
    const client = new WebhookClient(
      { url: WEBHOOK_URL, secret: newSecret, timeoutMs: 5_000 },
      { ...t.deps.relayDeps.runtime, now: Date.now, fetch: stranger.fetch },
    );
    expect((await client.send('evt_x', '{}')).status).toBe(401);
  });

  it('410 Gone disables the endpoint and dead-letters the event; retry after re-enabling delivers it', async () => {
    receiver.answerStatus = 410;
    await t.deps.relay.publish({ kind: 'erasure.requested', brandId, customerId: 'cus_gone' });
    await t.runJobs();
    const connector = (await (
      await t.request(`/v1/admin/connectors/${connectorId}`, { token: adminKey })
    ).json()) as {
      enabled: boolean;
      disabledReason: string;
    };
    expect(connector).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    const dead = (await (await t.request('/v1/admin/dead-letters', { token: adminKey })).json()) as {
      data: { id: string; kind: string; connectorId: string; retryable: boolean }[];
    };
    expect(dead.data).toEqual([
      expect.objectContaining({ kind: 'erasure.requested', connectorId, retryable: true }),
    ]);

    receiver.answerStatus = 200;
    const enabled = await t.request(`/v1/admin/connectors/${connectorId}`, {
      method: 'PATCH',
      token: adminKey,
      json: { enabled: true },
    });
    expect(enabled.status).toBe(200);
    const retried = await t.request(`/v1/admin/dead-letters/${dead.data[0]?.id}/retry`, {
      method: 'POST',
      token: adminKey,
    });
    expect(retried.status).toBe(202);
    await t.runJobs();
    expect(receiver.received.filter((r) => r.type === 'erasure.requested')).toHaveLength(1);
    expect(await (await t.request('/v1/admin/dead-letters', { token: adminKey })).json()).toEqual({
      data: [],
    });
  });
});
