/**
 * Canary across the rights: a shopper signs in with canary values, exports (JSON and XLSX, the
 * CRMs answering with the canary record), rectifies to new canary values, and erases with the
 * brand keeping a keyed hash of the email. After each stage no canary value is in any database
 * byte (raw files on Node, every row on D1), queue body, dead letter or log line; the tombstone
 * holds the keyed hash and never the address.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { erasures } from '../../src/db/schema/index.ts';
import { tombstoneEmailHash } from '../../src/rights/erasure.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { type RichCustomer, richCustomer, rightsApp } from './fixtures.ts';

describe(`rights PII canary (${runtime})`, () => {
  let r: Awaited<ReturnType<typeof rightsApp>>;
  let c: RichCustomer;
  const stages: Record<string, string> = {};
  const rectified = { email: '', lastName: '' };
  const sweep = async () => {
    const deadLetters = await r.t.request('/v1/admin/dead-letters', { token: r.b.adminKey });
    return [
      await databaseHaystack(r.t.database),
      JSON.stringify(r.t.queue?.sentBodies ?? []),
      await deadLetters.text(),
      r.t.logs.join('\n'),
    ].join('\n');
  };
  const needles = () => [c.canary, c.email, c.firstName, c.sub, rectified.email, rectified.lastName];

  beforeAll(async () => {
    r = await rightsApp();
    c = await richCustomer(r.t, r.b, r.hook, r.passTypeId);
    rectified.email = `fixed.${c.canary}@example.org`;
    rectified.lastName = `Fixed${c.canary}`;
    const settings = await r.t.request('/v1/admin/rights/settings', {
      method: 'PUT',
      token: r.b.adminKey,
      json: { keepEmailHash: true },
    });
    expect(settings.status).toBe(200);

    const json = await r.t.request('/v1/me/export', { token: c.accessToken });
    expect(await json.text()).toContain(c.email);
    const xlsx = await r.t.request('/v1/me/export?format=xlsx', { token: c.accessToken });
    expect(xlsx.status).toBe(200);
    await xlsx.arrayBuffer();
    stages.exported = await sweep();

    const patch = await r.t.request('/v1/me', {
      method: 'PATCH',
      token: c.accessToken,
      json: { email: rectified.email, lastName: rectified.lastName },
    });
    expect(patch.status).toBe(202);
    for (let i = 0; i < 3; i++) await r.t.runJobs();
    stages.rectified = await sweep();

    const erase = await r.t.request('/v1/me', {
      method: 'DELETE',
      token: c.accessToken,
      json: { email: rectified.email },
    });
    expect(erase.status).toBe(202);
    for (let i = 0; i < 3; i++) await r.t.runJobs();
    r.t.clock.offsetMs += 2 * 3_600_000;
    for (let i = 0; i < 3; i++) await r.t.runJobs();
    stages.erased = await sweep();
  });
  afterAll(() => r.t.close());

  it('the values did reach the CRMs (so the sweeps are meaningful)', () => {
    const contact = r.sf.records('Contact').find((x) => Object.values(x).includes(c.customerId));
    expect(contact?.LastName).toBe('Erased');
    const sent = JSON.stringify(r.hook.received);
    expect(sent).toContain(rectified.email);
    expect(sent).toContain('erasure.requested');
  });

  it.each(['exported', 'rectified', 'erased'])(
    'no canary at rest, in queues or in logs after %s',
    (stage) => {
      const haystack = stages[stage] ?? '';
      expect(haystack).toContain('cus_');
      for (const needle of needles()) expect(haystack, `${needle} after ${stage}`).not.toContain(needle);
    },
  );

  it('the tombstone keeps the keyed hash of the email, not the email', async () => {
    const [row] = await r.t.database.db.select().from(erasures).where(eq(erasures.customerId, c.customerId));
    expect(row?.status).toBe('done');
    expect(row?.contactProof).toBe(await tombstoneEmailHash(r.t.deps.pepper, r.b.brand.id, rectified.email));
    expect(row?.contactProof).toMatch(/^[0-9a-f]{64}$/);
  });
});
