import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { appendEvents, verifyChain } from '../../src/consent/ledger.ts';
import {
  createLayout,
  type Provisioned,
  type SubmissionResponse,
  submit,
  verifyReport,
} from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe(`consent ledger (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  let other: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('ledger');
    other = await t.brand('ledger-other');
    await createLayout(t, b);
    await createLayout(t, other);
    for (let i = 0; i < 3; i++) {
      await submit(t, b, {
        fields: { email: `l${i}@example.org` },
        consents: { marketing_sms: true, profiling: true },
      });
    }
    await submit(t, other, { fields: { email: 'o@example.org' }, consents: { profiling: true } });
  });
  afterAll(() => t.close());

  it('chains each brand’s events from the genesis hash and verifies', async () => {
    const report = await verifyReport(t, b);
    expect(report).toMatchObject({ valid: true, events: 6 });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyReport(t, other)).toMatchObject({ valid: true, events: 1 });
  });

  it('stays one unbroken chain under concurrent appends', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        submit(t, b, {
          fields: { email: `c${i}@example.org` },
          consents: { marketing_sms: true, profiling: i % 2 === 0 },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const report = await verifyReport(t, b);
    expect(report).toMatchObject({ valid: true, events: 6 + 8 + 4 });
  });

  it('names the first broken link when one row is changed', async () => {
    const victim = await t.database.db.all<{ id: string; seq: number }>(
      sql`select id, seq from consent_events where brand_id = ${b.brand.id} and seq = 3`,
    );
    const id = victim[0]?.id ?? '';
    await t.database.db.run(sql`update consent_events set action = 'withdraw' where id = ${id}`);
    const report = await verifyReport(t, b);
    expect(report.valid).toBe(false);
    expect(report.events).toBe(2);
    expect(report.firstBroken).toEqual({
      seq: 3,
      eventId: id,
      reason: 'the event’s contents do not match its hash',
    });
    // The other brand's chain is untouched.
    expect(await verifyReport(t, other)).toMatchObject({ valid: true });
    await t.database.db.run(sql`update consent_events set action = 'grant' where id = ${id}`);
    expect((await verifyReport(t, b)).valid).toBe(true);
  });

  it('names a re-hashed row by its broken prev_hash, and a deleted row by the gap', async () => {
    // Someone who rewrites a row and its hash still breaks the next row's prev_hash.
    const [row] = await t.database.db.all<Record<string, unknown>>(
      sql`select * from consent_events where brand_id = ${b.brand.id} and seq = 4`,
    );
    const { eventHash } = await import('../../src/consent/ledger.ts');
    const forged: Record<string, unknown> = { ...row };
    const next = await t.database.db.all<{ id: string }>(
      sql`select id from consent_events where brand_id = ${b.brand.id} and seq = 5`,
    );
    const rehash = await eventHash({
      id: forged.id as string,
      brandId: forged.brand_id as string,
      seq: 4,
      customerId: forged.customer_id as string,
      purpose: 'sale_or_share',
      action: forged.action as 'grant',
      method: forged.method as 'checkbox',
      noticeVersion: forged.notice_version as string,
      jurisdiction: forged.jurisdiction as string,
      layoutId: forged.layout_id as string,
      gpc: Boolean(forged.gpc),
      ipPrefix: forged.ip_prefix as string | null,
      uaFamily: forged.ua_family as string | null,
      recordedAt: forged.recorded_at as number,
      prevHash: forged.prev_hash as string,
    });
    await t.database.db.run(
      sql`update consent_events set purpose = 'sale_or_share', hash = ${rehash} where id = ${forged.id as string}`,
    );
    const report = await verifyReport(t, b);
    expect(report.firstBroken).toEqual({
      seq: 5,
      eventId: next[0]?.id,
      reason: 'prev_hash does not match the hash of the event before',
    });

    // Deleting a row leaves a gap in the sequence.
    await submit(t, other, {
      fields: { email: 'p@example.org' },
      consents: { marketing_sms: true, profiling: true },
    });
    const [second] = await t.database.db.all<{ id: string }>(
      sql`select id from consent_events where brand_id = ${other.brand.id} and seq = 2`,
    );
    await t.database.db.run(sql`delete from consent_events where id = ${second?.id ?? ''}`);
    expect((await verifyChain(t.database, other.brand.id)).firstBroken).toEqual({
      seq: 2,
      eventId: null,
      reason: 'event 2 is missing',
    });
  });

  it('the verifier route is open to consent:read keys and scoped to the key’s brand', async () => {
    const created = (await (
      await t.request('/v1/admin/keys', {
        method: 'POST',
        token: other.adminKey,
        json: { scope: 'consent:read', label: 'dpo' },
      })
    ).json()) as { key: string };
    const res = await t.request('/v1/admin/consent/verify', { token: created.key });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { valid: boolean }).valid).toBe(false);
    expect((await t.request('/v1/admin/consent/verify', { token: other.posKey })).status).toBe(403);
    expect((await t.request('/v1/admin/consent/verify')).status).toBe(401);
    // Brand B's key cannot read brand A's customer events.
    const customer = (await (
      await submit(t, b, { fields: { email: 'q@example.org' }, consents: { profiling: true } })
    ).json()) as SubmissionResponse;
    const events = (await (
      await t.request(`/v1/admin/consent/events?customerId=${customer.customerId}`, { token: created.key })
    ).json()) as { data: unknown[] };
    expect(events.data).toEqual([]);
  });

  it('retries appends that lose the race for the same head', async () => {
    const fresh = await t.brand('ledger-race');
    const customerId = `cus_${'r'.repeat(26)}`;
    await t.database.db.run(
      sql`insert into customers (id, brand_id, created_at) values (${customerId}, ${fresh.brand.id}, 0)`,
    );
    const draft = {
      customerId,
      purpose: 'profiling',
      action: 'grant' as const,
      method: 'api' as const,
      noticeVersion: 'sha256:x',
      jurisdiction: 'EU',
      layoutId: null,
      gpc: false,
      ipPrefix: null,
      uaFamily: null,
    };
    const appended = await Promise.all(
      Array.from({ length: 20 }, () =>
        appendEvents(t.database, fresh.brand.id, [draft, { ...draft, action: 'withdraw' }], Date.now()),
      ),
    );
    expect(new Set(appended.flat().map((e) => e.seq)).size).toBe(40);
    expect(await verifyChain(t.database, fresh.brand.id)).toMatchObject({ valid: true, events: 40 });
  });

  it('appendEvents with no drafts writes nothing', async () => {
    expect(await appendEvents(t.database, b.brand.id, [], Date.now())).toEqual([]);
  });
});
