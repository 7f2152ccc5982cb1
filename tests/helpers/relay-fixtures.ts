/**
 * Fixtures for relay tests: a test app on the runtime's own transport (outbox on Node, the queue
 * consumer in workerd), a brand with a connector configured through the real admin API, and
 * consent events as the consent feature will publish them.
 */
import { runtime } from '#test-runtime';
import type { ConsentEventPayload } from '../../src/relay/relay.ts';
import { CEGID_URL, type FakeCegidY2 } from './fake-cegid-y2.ts';
import { FakeSalesforce, SALESFORCE_URL } from './fake-salesforce.ts';
import { PUBLIC_IP } from './fake-webhook-receiver.ts';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

export const transportOfRuntime = runtime === 'workers' ? ('queue' as const) : ('outbox' as const);

/** Host names of the local fakes, resolved to a public address so the SSRF guard lets them by. */
export const FAKE_HOSTS: Record<string, string[]> = {
  'salesforce.fake': [PUBLIC_IP],
  'inflight.salesforce.fake': [PUBLIC_IP],
  'y2.fake': [PUBLIC_IP],
  'hooks.brand.example': [PUBLIC_IP],
};

export async function createRelayApp(options: TestAppOptions = {}) {
  const own = options.resolveHost;
  return createTestApp({
    relay: transportOfRuntime,
    ...options,
    resolveHost: async (host) => FAKE_HOSTS[host] ?? (own ? own(host) : []),
  });
}

export async function addConnector(
  t: TestApp,
  adminKey: string,
  type: string,
  config: Record<string, unknown>,
) {
  const res = await t.request('/v1/admin/connectors', {
    method: 'POST',
    token: adminKey,
    json: { type, label: `${type} connector`, config },
  });
  if (res.status !== 201) throw new Error(`connector creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

export function salesforceConfig(sf: FakeSalesforce, extra: Record<string, unknown> = {}) {
  return {
    authFlow: 'client_credentials',
    loginUrl: sf.baseUrl,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
    timeoutMs: 1_000,
    ...extra,
  };
}

export function cegidConfig(y2: FakeCegidY2) {
  return {
    baseUrl: CEGID_URL,
    database: y2.database,
    login: y2.login,
    password: y2.password,
    timeoutMs: 1_000,
  };
}

export { FakeSalesforce, SALESFORCE_URL };

let n = 0;
export function consentEvent(overrides: Partial<ConsentEventPayload> = {}): ConsentEventPayload {
  return {
    eventId: `cev_${Date.now().toString(36)}${(n++).toString(36).padStart(6, '0')}`,
    purpose: 'consents_email',
    action: 'grant',
    method: 'checkbox',
    noticeVersion: 'sha256-4f1c2a',
    jurisdiction: 'FR',
    capturedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Delivers until nothing is due, moving the app clock past backoffs; bounded. */
export async function deliverAll(t: TestApp, rounds = 40) {
  for (let i = 0; i < rounds; i++) {
    await t.runJobs();
    t.clock.offsetMs += 20 * 60_000;
  }
}
