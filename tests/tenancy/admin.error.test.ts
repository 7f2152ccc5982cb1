import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('brand admin API — bad input changes nothing', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await t.brand('err')).adminKey;
  });
  afterAll(() => t.close());

  const storeCount = async () =>
    ((await (await t.request('/v1/admin/stores', { token: admin })).json()) as { data: unknown[] }).data
      .length;

  it('answers 400 problem+json naming the fields at fault', async () => {
    const before = await storeCount();
    const res = await t.request('/v1/admin/stores', { method: 'POST', token: admin, json: { label: '' } });
    expect(res.status).toBe(400);
    const problem = (await problemOf(res)) as unknown as {
      code: string;
      errors: { path: string }[];
      requestId: string;
    };
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors[0]?.path).toBe('json.label');
    expect(problem.requestId).toBe(res.headers.get('x-request-id'));
    expect(await storeCount()).toBe(before);
  });

  it('answers 400 for malformed JSON and for a malformed id', async () => {
    const res = await t.request('/v1/admin/stores', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: '{"label": ',
    });
    expect((await problemOf(res)).code).toBe('invalid_request');
    expect((await t.request('/v1/admin/stores/not-an-id', { token: admin })).status).toBe(400);
  });

  it('refuses a pos key without a device, and an admin key bound to one', async () => {
    const noDevice = await t.request('/v1/admin/keys', {
      method: 'POST',
      token: admin,
      json: { scope: 'pos', label: 'x' },
    });
    expect(noDevice.status).toBe(400);
    const bound = await t.request('/v1/admin/keys', {
      method: 'POST',
      token: admin,
      json: { scope: 'admin', label: 'x', deviceId: 'dev_x' },
    });
    expect(bound.status).toBe(400);
    expect(
      (
        await t.request('/v1/admin/keys', {
          method: 'POST',
          token: admin,
          json: { scope: 'root', label: 'x' },
        })
      ).status,
    ).toBe(400);
  });

  it('answers 413 for an oversized body and 404 problem+json for unknown routes', async () => {
    const big = await t.request('/v1/admin/stores', {
      method: 'POST',
      token: admin,
      json: { label: 'x'.repeat(70_000) },
    });
    expect(big.status).toBe(413);
    expect((await problemOf(big)).code).toBe('payload_too_large');
    const missing = await t.request('/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('not_found');
  });

  it('answers 400 on a sign-in without a token and 404 for an unknown brand', async () => {
    expect((await t.request('/v1/auth/apple', { method: 'POST', json: { brand: 'x' } })).status).toBe(400);
    const unknown = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: 'no-such-brand', identityToken: 'a.b.c' },
    });
    expect(unknown.status).toBe(404);
  });
});
