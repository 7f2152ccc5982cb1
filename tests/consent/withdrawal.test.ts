import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLayout,
  type Provisioned,
  type SubmissionResponse,
  submit,
  verifyReport,
} from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

type States = { data: { purpose: string; status: string; method: string | null }[] };

describe('withdrawal: PUT /v1/me/consents/{purpose}', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: SubmissionResponse;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('withdraw');
    await createLayout(t, b);
    shopper = (await (
      await submit(t, b, {
        fields: { email: 'w@example.org' },
        consents: { marketing_email: true, profiling: true },
      })
    ).json()) as SubmissionResponse;
  });
  afterAll(() => t.close());

  const states = async (token: string) =>
    Object.fromEntries(
      ((await (await t.request('/v1/me/consents', { token })).json()) as States).data.map((s) => [
        s.purpose,
        s.status,
      ]),
    );

  it('GET /v1/me/consents shows the current state of each purpose', async () => {
    expect(await states(shopper.accessToken)).toEqual({
      marketing_email: 'pending',
      marketing_sms: 'not_given',
      push: 'not_given',
      profiling: 'granted',
      sale_or_share: 'not_given',
    });
  });

  it('withdraws with one call, records an api withdraw event pointing at the notice, and relays it', async () => {
    t.relay.take();
    const res = await t.request('/v1/me/consents/profiling', {
      method: 'PUT',
      token: shopper.accessToken,
      json: { granted: false },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      method: string;
      noticeVersion: string;
      eventId: string;
    };
    expect(body).toMatchObject({ status: 'withdrawn', method: 'api' });
    expect(body.noticeVersion).toBe(shopper.consents.find((c) => c.purpose === 'profiling')?.noticeVersion);
    const [message] = t.relay.take();
    expect(message).toMatchObject({
      kind: 'consent.recorded',
      customerId: shopper.customerId,
      event: { eventId: body.eventId, purpose: 'profiling', action: 'withdraw', method: 'api' },
    });
    expect((await states(shopper.accessToken)).profiling).toBe('withdrawn');
    expect((await verifyReport(t, b)).valid).toBe(true);
  });

  it('withdrawing a pending double opt-in cancels its link', async () => {
    const res = await t.request('/v1/me/consents/marketing_email', {
      method: 'PUT',
      token: shopper.accessToken,
      json: { granted: false },
    });
    expect(res.status).toBe(200);
    expect((await states(shopper.accessToken)).marketing_email).toBe('withdrawn');
  });

  it('refuses what it cannot do: nothing to withdraw, unknown purpose, granting through the API', async () => {
    const none = await t.request('/v1/me/consents/push', {
      method: 'PUT',
      token: shopper.accessToken,
      json: { granted: false },
    });
    expect(none.status).toBe(404);
    const unknown = await t.request('/v1/me/consents/made_up', {
      method: 'PUT',
      token: shopper.accessToken,
      json: { granted: false },
    });
    expect((await problemOf(unknown)).code).toBe('not_found');
    const grant = await t.request('/v1/me/consents/push', {
      method: 'PUT',
      token: shopper.accessToken,
      json: { granted: true },
    });
    expect(grant.status).toBe(400);
  });

  it('needs the shopper’s own session', async () => {
    expect(
      (await t.request('/v1/me/consents/profiling', { method: 'PUT', json: { granted: false } })).status,
    ).toBe(401);
    expect(
      (
        await t.request('/v1/me/consents/profiling', {
          method: 'PUT',
          token: b.adminKey,
          json: { granted: false },
        })
      ).status,
    ).toBe(401);
    // Another customer withdrawing only touches their own record.
    const other = (await (
      await submit(t, b, { fields: { email: 'v@example.org' }, consents: { marketing_sms: true } })
    ).json()) as SubmissionResponse;
    await t.request('/v1/me/consents/marketing_sms', {
      method: 'PUT',
      token: other.accessToken,
      json: { granted: false },
    });
    expect((await states(shopper.accessToken)).marketing_sms).toBe('not_given');
  });
});
