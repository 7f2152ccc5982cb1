import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provisioned } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('/v1/admin/loyalty (happy, error, security)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;
  const rules = {
    currency: 'GBP',
    pointsPerUnit: 1.5,
    rounding: 'round',
    voucherTtlDays: 60,
    tiers: [
      { code: 'gold', label: 'Gold', threshold: 1000 },
      { code: 'silver', label: 'Silver', threshold: 200 },
    ],
  };

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('loyal-a');
    b = await t.brand('loyal-b');
  });
  afterAll(() => t.close());

  it('answers defaults, then stores rules with tiers sorted by threshold', async () => {
    const initial = await t.request('/v1/admin/loyalty/rules', { token: a.adminKey });
    expect(await initial.json()).toEqual({
      currency: 'EUR',
      pointsPerUnit: 1,
      rounding: 'floor',
      voucherTtlDays: 90,
      tiers: [],
      spendCodes: 'rotating',
    });
    const put = await t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: a.adminKey, json: rules });
    expect(put.status).toBe(200);
    const stored = await (await t.request('/v1/admin/loyalty/rules', { token: a.adminKey })).json();
    expect(stored).toEqual({ ...rules, tiers: [rules.tiers[1], rules.tiers[0]], spendCodes: 'rotating' });
  });

  it('rejects invalid rules with 400 and keeps the old ones', async () => {
    for (const bad of [
      { ...rules, currency: 'pounds' },
      { ...rules, pointsPerUnit: -1 },
      { ...rules, pointsPerUnit: 0.0001 },
      { ...rules, rounding: 'bankers' },
      { ...rules, tiers: [rules.tiers[0], rules.tiers[0]] },
      { ...rules, extra: true },
    ]) {
      const res = await t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: a.adminKey, json: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await problemOf(res)).code).toBe('invalid_request');
    }
    const stored = (await (await t.request('/v1/admin/loyalty/rules', { token: a.adminKey })).json()) as {
      currency: string;
    };
    expect(stored.currency).toBe('GBP');
  });

  it('manages the rewards catalogue, scoped to the brand', async () => {
    const created = await t.request('/v1/admin/loyalty/rewards', {
      method: 'POST',
      token: a.adminKey,
      json: { label: 'Cake', costPoints: 40 },
    });
    expect(created.status).toBe(201);
    const reward = (await created.json()) as { id: string };
    const listB = await (await t.request('/v1/admin/loyalty/rewards', { token: b.adminKey })).text();
    expect(listB).not.toContain(reward.id);
    expect(
      (await t.request(`/v1/admin/loyalty/rewards/${reward.id}`, { method: 'DELETE', token: b.adminKey }))
        .status,
    ).toBe(404);
    const listA = (await (await t.request('/v1/admin/loyalty/rewards', { token: a.adminKey })).json()) as {
      data: { id: string }[];
    };
    expect(listA.data.map((r) => r.id)).toContain(reward.id);
    expect(
      (await t.request(`/v1/admin/loyalty/rewards/${reward.id}`, { method: 'DELETE', token: a.adminKey }))
        .status,
    ).toBe(204);
    const after = (await (await t.request('/v1/admin/loyalty/rewards', { token: a.adminKey })).json()) as {
      data: unknown[];
    };
    expect(after.data).toEqual([]);
  });

  it('brand B’s rules are untouched, and pos keys may not administer', async () => {
    const stored = (await (await t.request('/v1/admin/loyalty/rules', { token: b.adminKey })).json()) as {
      currency: string;
    };
    expect(stored.currency).toBe('EUR');
    expect(
      (await t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: a.posKey, json: rules })).status,
    ).toBe(403);
    expect((await t.request('/v1/admin/loyalty/rewards', { token: a.posKey })).status).toBe(403);
  });
});
