/**
 * The SSRF guard: the address classifier, and refusals at registration (admin API) and at send
 * time after DNS resolution (a host that re-resolves to a private address after registration).
 * DNS is the injected resolver port; no test needs real DNS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl, guardedFetch, isBlockedIp } from '../../connectors/ssrf.ts';
import { FakeWebhookReceiver, newWebhookSecret, PUBLIC_IP } from '../helpers/fake-webhook-receiver.ts';
import { addConnector, createRelayApp } from '../helpers/relay-fixtures.ts';
import { problemOf, type TestApp } from '../helpers/test-app.ts';

describe('isBlockedIp', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::10.0.0.1',
    '192.0.2.10',
    '192.0.0.9',
    '198.51.100.7',
    '203.0.113.250',
    '::ffff:203.0.113.1',
    'not-an-ip',
  ])('blocks %s', (ip) => {
    expect(isBlockedIp(ip)).toBe(true);
  });

  // IPv6 forms that embed an IPv4 address or lead into non-public space; the embedded address
  // is public in most of them on purpose: the whole prefix is refused, not decoded.
  it.each([
    ['::ffff:0:127.0.0.1', 'IPv4-translated ::ffff:0:0/96'],
    ['::ffff:0:8.8.8.8', 'IPv4-translated ::ffff:0:0/96'],
    ['::ffff:0:a9fe:a9fe', 'IPv4-translated, hex'],
    ['64:ff9b::8.8.8.8', 'NAT64 64:ff9b::/96'],
    ['64:ff9b::a9fe:a9fe', 'NAT64, hex'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 64:ff9b:1::/48'],
    ['64:ff9b:1:abcd::808:808', 'local-use NAT64 64:ff9b:1::/48'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a9fe:a9fe::1', '6to4 of 169.254.169.254'],
    ['2002:808:808::1', '6to4 of a public address'],
    ['2001::1', 'Teredo 2001::/32'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:2::1', 'benchmarking 2001:2::/48'],
    ['fec0::1', 'site-local fec0::/10'],
    ['feff:ffff::1', 'site-local, top of fec0::/10'],
    ['100::1', 'discard-only 100::/64'],
    ['100::ffff:ffff:ffff:ffff', 'discard-only 100::/64'],
    ['3fff::1', 'documentation 3fff::/20'],
    ['[fec0::1]', 'bracketed'],
  ])('blocks %s (%s)', (ip) => {
    expect(isBlockedIp(ip)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '192.0.78.9',
    '3fff:1000::1',
    '3ffe:1::1',
    '198.51.101.1',
    '203.0.112.9',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2001:4860:4860::8888',
    '2a00:1450:4007:80e::200e',
  ])('allows %s', (ip) => {
    expect(isBlockedIp(ip)).toBe(false);
  });
});

describe('checkOutboundUrl', () => {
  const resolve = async (host: string) =>
    ({
      'public.example': [PUBLIC_IP],
      'sneaky.example': [PUBLIC_IP, '10.0.0.7'],
      // A DNS answer may hand out an IPv6 form of an internal address just as well.
      'sixtofour.example': [PUBLIC_IP, '2002:a00:7::1'],
    })[host] ?? [];

  it('refuses http, credentials, internal names, private literals and mixed answers', async () => {
    for (const url of [
      'http://public.example/hook',
      'https://user:pw@public.example/hook',
      'https://localhost/hook',
      'https://metadata.google.internal/computeMetadata/v1',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[::ffff:0:7f00:1]/hook',
      'https://[64:ff9b::7f00:1]/hook',
      'https://[2002:7f00:1::]/hook',
      'https://[fec0::1]/hook',
      'https://sixtofour.example/hook',
      'https://2130706433/hook',
      'https://0x7f.1/hook',
      'https://sneaky.example/hook',
      'https://nowhere.example/hook',
    ]) {
      expect((await checkOutboundUrl(url, resolve, [])).ok, url).toBe(false);
    }
  });

  it('lets a public host through, and an allowlisted loopback host over http', async () => {
    expect(await checkOutboundUrl('https://public.example/hook', resolve, [])).toEqual({ ok: true });
    expect(await checkOutboundUrl('http://127.0.0.1:9999/hook', resolve, ['127.0.0.1'])).toEqual({
      ok: true,
    });
  });
});

describe('SSRF guard on the webhook connector', () => {
  let t: TestApp;
  let adminKey: string;
  const answers: Record<string, string[]> = { 'hooks.rebind.example': [PUBLIC_IP] };
  const receiver = new FakeWebhookReceiver([]);
  const secret = newWebhookSecret();

  beforeAll(async () => {
    receiver.secrets = [secret];
    t = await createRelayApp({
      connectorFetch: receiver.fetch,
      resolveHost: async (host) => answers[host] ?? [],
    });
    adminKey = (await t.brand('ssrf')).adminKey;
  });
  afterAll(() => t.close());

  it.each([
    'https://127.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data/iam',
    'https://10.0.0.1/hook',
    'https://[fd00:ec2::254]/hook',
    'http://hooks.rebind.example/hook',
  ])('refuses to register %s', async (url) => {
    const res = await t.request('/v1/admin/connectors', {
      method: 'POST',
      token: adminKey,
      json: { type: 'webhook', label: 'evil', config: { url, secret } },
    });
    expect(res.status).toBe(422);
    expect((await problemOf(res)).code).toBe('unprocessable');
  });

  it('refuses at send time when the host has since resolved to a private address', async () => {
    const b = await t.brand('rebind');
    await addConnector(t, b.adminKey, 'webhook', { url: 'https://hooks.rebind.example/hook', secret });
    answers['hooks.rebind.example'] = ['127.0.0.1'];
    await t.deps.relay.publish({ kind: 'erasure.requested', brandId: b.brand.id, customerId: 'cus_rebind' });
    await t.runJobs();
    expect(receiver.requests).toBe(0);
    const dead = (await (await t.request('/v1/admin/dead-letters', { token: b.adminKey })).json()) as {
      data: { lastError: string }[];
    };
    expect(dead.data).toEqual([
      expect.objectContaining({ lastError: expect.stringContaining('ssrf guard') }),
    ]);
  });
});

describe('SSRF guard on the CRM connectors', () => {
  it('refuses Salesforce and Y2 URLs that point inward, at registration and at send time', async () => {
    const answers: Record<string, string[]> = { 'crm.rebind.example': [PUBLIC_IP] };
    const t = await createRelayApp({ resolveHost: async (host) => answers[host] ?? [] });
    const b = await t.brand('crmssrf');
    const create = (type: string, config: Record<string, unknown>) =>
      t.request('/v1/admin/connectors', {
        method: 'POST',
        token: b.adminKey,
        json: { type, label: 'x', config },
      });
    const sf = { authFlow: 'client_credentials', clientId: 'c', clientSecret: 's' };
    expect((await create('salesforce', { ...sf, loginUrl: 'https://169.254.169.254' })).status).toBe(422);
    expect((await create('salesforce', { ...sf, instanceUrl: 'https://10.0.0.5' })).status).toBe(422);
    const y2 = { database: 'D', login: 'l', password: 'p' };
    expect((await create('cegid-y2', { ...y2, baseUrl: 'https://127.0.0.1/Y2' })).status).toBe(422);

    expect((await create('salesforce', { ...sf, loginUrl: 'https://crm.rebind.example' })).status).toBe(201);
    answers['crm.rebind.example'] = ['169.254.169.254'];
    await t.deps.relay.publish({
      kind: 'erasure.requested',
      brandId: b.brand.id,
      customerId: 'cus_crmrebind',
    });
    await t.runJobs();
    const dead = (await (await t.request('/v1/admin/dead-letters', { token: b.adminKey })).json()) as {
      data: { lastError: string }[];
    };
    expect(dead.data).toEqual([
      expect.objectContaining({ lastError: expect.stringContaining('ssrf guard') }),
    ]);
    t.close();
  });
});

describe('SSRF allowlist for development', () => {
  it('lets an explicitly allowlisted loopback endpoint register', async () => {
    const t = await createRelayApp({ env: { ZP_CONNECTOR_ALLOW_HOSTS: '127.0.0.1' } });
    const { adminKey } = await t.brand('allow');
    const created = await addConnector(t, adminKey, 'webhook', {
      url: 'http://127.0.0.1:8788/hook',
      secret: newWebhookSecret(),
    });
    expect(created.id).toMatch(/^con_/);
    t.close();
  });
});

describe('guardedFetch', () => {
  it('never follows a redirect: a 3xx comes back to the connector', async () => {
    const seen: (RequestRedirect | undefined)[] = [];
    const inner: typeof fetch = async (_input, init) => {
      seen.push(init?.redirect);
      return new Response(null, {
        status: 307,
        headers: { location: 'http://169.254.169.254/latest/meta-data' },
      });
    };
    const guarded = guardedFetch(inner, async () => [PUBLIC_IP], []);
    const res = await guarded('https://hooks.brand.example/in', { method: 'POST', redirect: 'follow' });
    expect(res.status).toBe(307);
    expect(seen).toEqual(['manual']);
  });
});
