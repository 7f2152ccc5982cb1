import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  createLayout,
  DEFAULT_LAYOUT,
  type Provisioned,
  shownNoticeVersions,
  submit,
} from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('layouts: errors and data minimisation', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('minimise');
    await createLayout(t, b);
  });
  afterAll(() => t.close());

  /** Submits, expects a refusal, and checks that nothing was stored or relayed. */
  async function refused(
    body: Record<string, unknown>,
    status: number,
    code: string,
    init: { asShown?: boolean } = {},
  ) {
    t.relay.take();
    const before = {
      customers: await countRows(t, 'customers', b.brand.id),
      events: await countRows(t, 'consent_events', b.brand.id),
      pending: await countRows(t, 'consent_confirmations', b.brand.id),
    };
    const res = await submit(t, b, body, init);
    expect(res.status, JSON.stringify(body)).toBe(status);
    const problem = await problemOf(res);
    expect(problem.code).toBe(code);
    expect(t.relay.messages).toEqual([]);
    expect({
      customers: await countRows(t, 'customers', b.brand.id),
      events: await countRows(t, 'consent_events', b.brand.id),
      pending: await countRows(t, 'consent_confirmations', b.brand.id),
    }).toEqual(before);
    return problem as typeof problem & { errors?: { path: string; message: string }[] };
  }

  it('refuses an undeclared field with 422 and records nothing', async () => {
    const problem = await refused(
      { fields: { email: 'a@example.org', phone: '+33123456789' }, consents: { marketing_sms: true } },
      422,
      'unprocessable',
    );
    expect(problem.errors).toEqual([
      { path: 'json.fields.phone', message: 'this layout does not collect this field' },
    ]);
  });

  it('refuses over-long values and records nothing', async () => {
    const long = 'x'.repeat(101);
    const problem = await refused(
      { fields: { email: 'a@example.org', firstName: long }, consents: { profiling: true } },
      422,
      'unprocessable',
    );
    expect(problem.errors?.[0]).toEqual({
      path: 'json.fields.firstName',
      message: 'must be at most 100 characters',
    });
    // Beyond any field's limit, the body schema itself refuses.
    await refused(
      { fields: { email: 'a@example.org', firstName: 'y'.repeat(1001) }, consents: {} },
      400,
      'invalid_request',
    );
  });

  it('refuses values of the wrong type, missing required fields and undeclared purposes', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ fields: { email: 'not-an-email' } }, 'json.fields.email'],
      [{ fields: { firstName: 'Ada' } }, 'json.fields.email'],
      [{ fields: { email: 'a@example.org', birthDate: '2999-01-01' } }, 'json.fields.birthDate'],
      [{ fields: { email: 'a@example.org', birthDate: '1990-02-30' } }, 'json.fields.birthDate'],
      [{ fields: { email: 'a@example.org', shoeSize: '38' } }, 'json.fields.shoeSize'],
      [{ fields: { email: 'a@example.org', firstName: 'A\u0000da' } }, 'json.fields.firstName'],
      [{ fields: { email: 'a@example.org' }, consents: { push: true } }, 'json.consents.push'],
    ];
    for (const [body, path] of cases) {
      const problem = await refused(body, 422, 'unprocessable');
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });

  it('refuses unknown top-level keys and non-boolean consents', async () => {
    await refused({ fields: { email: 'a@example.org' }, extra: 1 }, 400, 'invalid_request');
    await refused(
      { fields: { email: 'a@example.org' }, consents: { profiling: 'yes' } },
      400,
      'invalid_request',
    );
  });

  it('refuses a stale notice version with 409: the shopper must see the current words', async () => {
    await refused(
      {
        fields: { email: 'a@example.org' },
        consents: { profiling: true },
        noticeVersions: { profiling: `sha256:${'0'.repeat(64)}` },
      },
      409,
      'conflict',
    );
  });

  it('refuses a ticked box without the version of the notice shown with it (422) and records nothing', async () => {
    const shown = (await shownNoticeVersions(t, b.brand.slug, 'join')) ?? {};
    const fields = { email: 'a@example.org' };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ fields, consents: { profiling: true } }, ['json.noticeVersions.profiling']],
      [{ fields, consents: { profiling: true }, noticeVersions: {} }, ['json.noticeVersions.profiling']],
      [
        { fields, consents: { profiling: true }, noticeVersions: { profiling: '' } },
        ['json.noticeVersions.profiling'],
      ],
      [
        {
          fields,
          consents: { marketing_sms: true, profiling: true, sale_or_share: false },
          noticeVersions: { marketing_sms: shown.marketing_sms, sale_or_share: shown.sale_or_share },
        },
        ['json.noticeVersions.profiling'],
      ],
      [
        { fields, consents: { marketing_sms: true, profiling: true } },
        ['json.noticeVersions.marketing_sms', 'json.noticeVersions.profiling'],
      ],
    ];
    for (const [body, paths] of cases) {
      const problem = await refused(body, 422, 'unprocessable', { asShown: false });
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toEqual(paths);
    }
    // An unticked box grants nothing, so it needs no version.
    const unticked = await submit(t, b, { fields, consents: { profiling: false } }, { asShown: false });
    expect(unticked.status).toBe(201);
  });

  it('answers 404 for unknown brands and layouts', async () => {
    expect((await t.request(`/v1/layouts/${b.brand.slug}/nope`)).status).toBe(404);
    expect((await t.request('/v1/layouts/no-such-brand/join')).status).toBe(404);
    const res = await t.request(`/v1/layouts/${b.brand.slug}/nope/submissions`, {
      method: 'POST',
      json: { fields: {} },
    });
    expect((await problemOf(res)).code).toBe('not_found');
  });

  it('admin: refuses unknown purposes, templates, locales, misused standard fields and duplicate slugs', async () => {
    const bad: Record<string, unknown>[] = [
      { purposes: ['no_such_purpose'] },
      { template: 'pipeda' },
      { fields: [{ key: 'email', required: true, type: 'text' }] },
      { fields: [{ key: 'favouriteColour', required: false }] },
      // Named like an Object.prototype member: a custom field like any other, so it needs a type.
      { fields: [{ key: 'toString', required: false }] },
      { fields: [{ key: 'size', required: false, type: 'choice', label: 'Size' }] },
      {
        fields: [
          { key: 'email', required: true },
          { key: 'email', required: false },
        ],
      },
    ];
    for (const [i, patch] of bad.entries()) {
      const res = await t.request('/v1/admin/layouts', {
        method: 'POST',
        token: b.adminKey,
        json: { ...DEFAULT_LAYOUT, slug: `bad-${i}`, ...patch },
      });
      expect(res.status, JSON.stringify(patch)).toBe(422);
      expect((await problemOf(res)).code).toBe('unprocessable');
    }
    const locale = await t.request('/v1/admin/layouts', {
      method: 'POST',
      token: b.adminKey,
      json: { ...DEFAULT_LAYOUT, slug: 'bad-locale', locales: ['xx'] },
    });
    expect(locale.status).toBe(400);
    const dup = await t.request('/v1/admin/layouts', {
      method: 'POST',
      token: b.adminKey,
      json: DEFAULT_LAYOUT,
    });
    expect(dup.status).toBe(409);
  });
});
