/**
 * Hardening fault 9, connectors: a Salesforce `username` (an email address) and a Cegid Y2
 * `login` are identities that may be PII. They are sealed with the secrets: GET shows only that
 * they are set, no database row holds them, a PATCH without them keeps them, and a row written
 * before they were sealed is resealed when it is first read.
 */
import { and, eq } from 'drizzle-orm';
import { decodeJwt, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { utf8 } from '../../src/crypto.ts';
import { relayConnectors } from '../../src/db/schema/index.ts';
import { sealBytes } from '../../src/relay/envelope.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { CEGID_URL, FakeCegidY2 } from '../helpers/fake-cegid-y2.ts';
import { createRelayApp, FakeSalesforce } from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

type ConnectorBody = { id: string; settings: Record<string, unknown>; secretsSet: string[] };

const canary = `cn${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
const username = `integration.${canary}@brand.example`;
const login = `jane.${canary}@retail.example`;

describe(`connector identities are sealed, never returned (${runtime})`, () => {
  let t: TestApp;
  let admin: string;
  const sf = new FakeSalesforce();
  // The fake checks Basic auth against its own login: give it the canary one.
  const y2 = Object.assign(new FakeCegidY2(), { login });
  const subjects: string[] = [];
  let privateKey: string;

  beforeAll(async () => {
    privateKey = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    t = await createRelayApp({
      connectorFetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.url.startsWith(CEGID_URL)) return y2.fetch(request);
        if (new URL(request.url).pathname === '/services/oauth2/token') {
          const form = new URLSearchParams(new TextDecoder().decode(await request.clone().arrayBuffer()));
          subjects.push(String(decodeJwt(form.get('assertion') ?? '').sub));
        }
        return sf.fetch(request);
      },
    });
    admin = (await t.brand('conident')).adminKey;
  });
  afterAll(() => t.close());

  const create = async (type: string, config: Record<string, unknown>) => {
    const res = await t.request('/v1/admin/connectors', {
      method: 'POST',
      token: admin,
      json: { type, label: type, config },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as ConnectorBody;
  };
  const read = (id: string) => t.request(`/v1/admin/connectors/${id}`, { token: admin });
  const connectionTest = (id: string) =>
    t.request(`/v1/admin/connectors/${id}/test`, { method: 'POST', token: admin });

  it('Salesforce: username is write-only, kept by a PATCH without it, and used', async () => {
    const created = await create('salesforce', {
      authFlow: 'jwt_bearer',
      loginUrl: sf.baseUrl,
      clientId: sf.clientId,
      username,
      privateKey,
      timeoutMs: 1_000,
    });
    expect(created.settings).not.toHaveProperty('username');
    expect(created.secretsSet.sort()).toEqual(['privateKey', 'username']);
    const got = await read(created.id);
    expect(await got.text()).not.toContain(canary);
    const patched = await t.request(`/v1/admin/connectors/${created.id}`, {
      method: 'PATCH',
      token: admin,
      json: { label: 'renamed', config: { authFlow: 'jwt_bearer' } },
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as ConnectorBody).secretsSet.sort()).toEqual(['privateKey', 'username']);
    expect((await connectionTest(created.id)).status).toBe(200);
    expect(subjects.at(-1)).toBe(username);
  });

  it('Cegid Y2: login is write-only, kept by a PATCH without it, and used', async () => {
    const created = await create('cegid-y2', {
      baseUrl: CEGID_URL,
      database: y2.database,
      login,
      password: y2.password,
      timeoutMs: 1_000,
    });
    expect(created.settings).not.toHaveProperty('login');
    expect(created.secretsSet.sort()).toEqual(['login', 'password']);
    const listed = await t.request('/v1/admin/connectors', { token: admin });
    expect(await listed.text()).not.toContain(canary);
    const patched = await t.request(`/v1/admin/connectors/${created.id}`, {
      method: 'PATCH',
      token: admin,
      json: { enabled: true },
    });
    expect(((await patched.json()) as ConnectorBody).secretsSet.sort()).toEqual(['login', 'password']);
    expect((await connectionTest(created.id)).status).toBe(200);
  });

  it('no database row and no log line holds either identity', async () => {
    const haystack = await databaseHaystack(t.database);
    expect(haystack).toContain('DEMO_RETAIL');
    expect(haystack).not.toContain(canary);
    expect(t.logs.join('\n')).not.toContain(canary);
  });

  it('a row stored with the login in clear is resealed on first read, and still works', async () => {
    const created = await create('cegid-y2', {
      baseUrl: CEGID_URL,
      database: y2.database,
      login,
      password: y2.password,
    });
    // As an earlier version wrote it: login among the settings, only the password sealed.
    const brandId = (
      await t.database.db.select().from(relayConnectors).where(eq(relayConnectors.id, created.id))
    )[0]?.brandId as string;
    const where = and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.id, created.id));
    const aad = utf8(`zeropass.connector.v1\u0000${brandId}\u0000${created.id}`);
    await t.database.db
      .update(relayConnectors)
      .set({
        settings: { ...created.settings, login },
        sealedSecrets: await sealBytes(
          t.deps.relayDeps.key,
          utf8(JSON.stringify({ password: y2.password })),
          aad,
        ),
      })
      .where(where);

    const got = await read(created.id);
    const body = await got.text();
    expect(body).not.toContain(canary);
    expect((JSON.parse(body) as ConnectorBody).secretsSet.sort()).toEqual(['login', 'password']);
    const [row] = await t.database.db.select().from(relayConnectors).where(where);
    expect(JSON.stringify(row?.settings)).not.toContain(canary);
    expect(row?.sealedSecrets).not.toContain(canary);
    expect((await connectionTest(created.id)).status).toBe(200);
  });
});
