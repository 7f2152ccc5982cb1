/**
 * Canary: sign in with a unique email and name, then look for them in every byte the database
 * holds and in every log line. On Node the database files (main, WAL, SHM) are read raw; on D1
 * every row of every table is dumped.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe(`PII canary (${runtime})`, () => {
  let t: TestApp;
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  const email = `${canary}@privaterelay.appleid.com`;
  const firstName = `First${canary}`;
  const lastName = `Last${canary}`;
  const sub = `000999.${canary}.0001`;

  beforeAll(async () => {
    t = await createTestApp();
    const b = await t.brand('canary');
    const token = await t.apple.token({ aud: b.brand.appleClientIds[0] ?? '', sub, email });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: b.brand.slug, identityToken: token, user: { name: { firstName, lastName }, email } },
    });
    expect(res.status).toBe(200);
    const session = (await res.json()) as { accessToken: string };
    expect((await t.request('/v1/me', { token: session.accessToken })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('the data did reach the relay (so the scan below is meaningful)', () => {
    expect(JSON.stringify(t.relay.messages)).toContain(canary);
  });

  it('no canary in the database', async () => {
    const haystack = await databaseHaystack(t.database);
    // The dump is real: it holds the customer this sign-in created.
    if (t.database.files.length > 0) expect(haystack.length).toBeGreaterThan(4096);
    else expect(haystack).toContain('cus_');
    for (const needle of [canary, email, firstName, lastName, sub]) expect(haystack).not.toContain(needle);
  });

  it('no canary in the logs', () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(canary);
  });
});
