/**
 * Google (OAuth token endpoint and Wallet REST API) behind every fault (issue 16, Build 4), on
 * both runtimes. A save link asked for during a fault is a 503 problem+json, never a refusal
 * blamed on the brand's set-up, and works on the next try; a card change meeting a fault on
 * every call of its job still reaches the object once Google answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { GOOGLE_API_URL, GOOGLE_TOKEN_URL } from '../helpers/fake-google.ts';
import { EVERY_FAULT, type Fault, FaultPlan, faultName } from '../helpers/fault-injection.ts';
import { ISSUER_ID, saveLink, setUpGoogleIssuer } from '../helpers/google-wallet.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const cases = (url: string) =>
  EVERY_FAULT.map((fault) => [faultName(fault), fault, url] as [string, Fault, string]);

describe(`Google Wallet faults (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  const plan = new FaultPlan();

  beforeAll(async () => {
    t = await createTestApp({ faults: { google: plan }, env: { ZP_GOOGLE_TIMEOUT_MS: '300' } });
    b = await t.brand('google-faults');
    await setUpGoogleIssuer(t, b);
  });
  afterAll(() => t.close());

  it.each([...cases(GOOGLE_TOKEN_URL), ...cases(GOOGLE_API_URL)])(
    'save link meeting %s at %s: 503 problem+json, then the link',
    async (_, fault, url) => {
      // A new issuer account each time, so the token endpoint is really called (tokens are cached).
      await setUpGoogleIssuer(t, b);
      const shopper = await shopperWithCard(t, b);
      plan.matches = (called) => called.startsWith(url);
      plan.inject(fault);
      const refused = await t.request('/v1/me/wallet/google', { token: shopper.accessToken });
      expect(plan.pending).toEqual([]);
      expect(refused.status, await refused.clone().text()).toBe(503);
      expect((await problemOf(refused)).code).toBe('unavailable');
      const link = await saveLink(t, shopper.accessToken);
      expect(link).toMatch(/^https:/);
      expect(t.google.objects.has(`${ISSUER_ID}.${shopper.cardId}`)).toBe(true);
    },
  );

  it('a card change whose job meets every fault still reaches the object', async () => {
    await setUpGoogleIssuer(t, b);
    const shopper = await shopperWithCard(t, b);
    await saveLink(t, shopper.accessToken);
    plan.matches = (called) => called.startsWith(GOOGLE_TOKEN_URL) || called.startsWith(GOOGLE_API_URL);
    // The cached token is dropped so that the first faults meet the token endpoint.
    await setUpGoogleIssuer(t, b);
    plan.inject(...EVERY_FAULT);
    await earnOk(t, b, shopper.cardId, 4200);
    for (let round = 0; round < 12 && t.google.callsOf('PATCH', 'loyaltyObject').length === 0; round++) {
      await t.runJobs();
      t.clock.offsetMs += 20 * 60_000;
    }
    expect(plan.pending).toEqual([]);
    const object = t.google.objects.get(`${ISSUER_ID}.${shopper.cardId}`) as
      | { loyaltyPoints?: { balance: { int: number } } }
      | undefined;
    expect(object?.loyaltyPoints?.balance.int).toBe(42);
    const dead = await t.request('/v1/admin/jobs/dead-letters', { token: b.adminKey });
    expect(((await dead.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
