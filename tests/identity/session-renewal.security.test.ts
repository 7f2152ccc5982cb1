/**
 * A layout submission with a shopper's Bearer token answers a fresh token (hardening fault 6 of
 * issue 16): renewing that way must not outlive the original sign-in's maximum age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const TTL_S = 900;
const MAX_AGE_S = 3_600;

describe('session renewal through layout submissions', () => {
  let t: TestApp;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp({ env: { ZP_SESSION_MAX_AGE_SECONDS: String(MAX_AGE_S) } });
    b = await t.brand('renew');
    await createLayout(t, b);
    // Nothing required: a submission with an empty body is accepted, the renewal loop.
    await createLayout(t, b, { slug: 'prefs', fields: [], purposes: ['profiling'] });
  });
  afterAll(() => t.close());

  const renew = (token: string) => submit(t, b, {}, { token, layout: 'prefs', asShown: false });
  const claimsOf = (token: string) =>
    JSON.parse(atob(token.split('.')[1] ?? '')) as { exp: number; auth_time: number; sub: string };

  it('keeps the sign-in time and refuses renewal past the maximum age, however often it renews', async () => {
    const session = await t.signIn(b.brand.slug, b.brand.appleClientIds[0] ?? '');
    const signedInAt = claimsOf(session.accessToken).auth_time;
    const bound = signedInAt + MAX_AGE_S;
    let token = session.accessToken;
    let renewals = 0;
    let last: Response | undefined;
    // Renew a little before each token expires, for well past the bound.
    for (let step = 0; step < 8; step++) {
      t.clock.offsetMs += (TTL_S - 100) * 1000;
      last = await renew(token);
      if (last.status !== 201) break;
      const body = (await last.json()) as SubmissionResponse & { expiresIn: number };
      expect(body.customerId).toBe(session.customerId);
      const claims = claimsOf(body.accessToken);
      expect(claims.auth_time).toBe(signedInAt);
      expect(claims.exp).toBeLessThanOrEqual(bound);
      expect(body.expiresIn).toBeLessThanOrEqual(TTL_S);
      token = body.accessToken;
      renewals++;
    }
    // 800 s steps: renewals at 800, 1,600, 2,400 and 3,200 s; the last is cut to the 3,600 s bound.
    expect(renewals).toBe(4);
    expect(last?.status).toBe(401);
    expect((await problemOf(last as Response)).code).toBe('unauthorized');
    expect((await t.request('/v1/me', { token })).status).toBe(401);
  });

  it('answers a new shopper (no session sent) a token of a fresh sign-in', async () => {
    const res = await submit(t, b, { fields: { email: 'new@example.org' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as SubmissionResponse & { expiresIn: number };
    const claims = claimsOf(body.accessToken);
    expect(body.expiresIn).toBe(TTL_S);
    const nowS = (Date.now() + t.clock.offsetMs) / 1000;
    expect(Math.abs(claims.auth_time - nowS)).toBeLessThan(2);
  });
});
