/**
 * Apple's keys behind every fault (issue 16, Build 4), on both runtimes. A cold cache meeting a
 * fault answers the sign-in 503 problem+json and writes nothing; once Apple answers again the same
 * shopper signs in. A warm cache meeting a fault on refresh keeps signing shoppers in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { countRows } from '../helpers/consent.ts';
import { EVERY_FAULT, type Fault, FaultPlan, faultName } from '../helpers/fault-injection.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const faultApp = (plan: FaultPlan) =>
  createTestApp({ faults: { apple: plan }, env: { ZP_APPLE_JWKS_TIMEOUT_MS: '300' } });

async function signIn(t: TestApp, slug: string, aud: string, sub: string) {
  return t.request('/v1/auth/apple', {
    method: 'POST',
    // Minted by the fake on the real clock: good until 10 minutes past the app's own clock.
    json: {
      brand: slug,
      identityToken: await t.apple.token({ aud, sub, expiresIn: t.clock.offsetMs / 1000 + 600 }),
    },
  });
}

describe(`Apple JWKS faults (${runtime})`, () => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it.each(EVERY_FAULT.map((fault) => [faultName(fault), fault] as [string, Fault]))(
    'cold cache, %s: 503 problem+json, nothing written, then the sign-in succeeds',
    async (_, fault) => {
      const plan = new FaultPlan().inject(fault);
      t = await faultApp(plan);
      const b = await t.brand('jwks-fault');
      const aud = b.brand.appleClientIds[0] ?? '';
      const refused = await signIn(t, b.brand.slug, aud, 'sub-jwks-fault');
      expect(refused.status).toBe(503);
      expect((await problemOf(refused)).code).toBe('unavailable');
      expect(plan.served).toHaveLength(1);
      expect(await countRows(t, 'customers', b.brand.id)).toBe(0);
      expect(t.logs.join('\n')).toContain('apple jwks fetch failed');
      // A cold cache tries Apple again after a short pause, not on every sign-in.
      t.clock.offsetMs += 6_000;
      const accepted = await signIn(t, b.brand.slug, aud, 'sub-jwks-fault');
      expect(accepted.status).toBe(200);
      expect(await countRows(t, 'customers', b.brand.id)).toBe(1);
    },
  );

  it('warm cache: every fault on refresh, and sign-ins go on with the keys held', async () => {
    const plan = new FaultPlan();
    t = await faultApp(plan);
    const b = await t.brand('jwks-warm');
    const aud = b.brand.appleClientIds[0] ?? '';
    expect((await signIn(t, b.brand.slug, aud, 'sub-warm-0')).status).toBe(200);
    plan.inject(...EVERY_FAULT);
    for (const [i] of EVERY_FAULT.entries()) {
      // Past the keys' lifetime (at most 24 h) each time: every sign-in starts a refresh that meets a fault.
      t.clock.offsetMs += 25 * 3_600_000;
      const res = await signIn(t, b.brand.slug, aud, `sub-warm-${i + 1}`);
      expect(res.status, await res.clone().text()).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 350));
    }
    expect(plan.pending).toEqual([]);
    expect(await countRows(t, 'customers', b.brand.id)).toBe(EVERY_FAULT.length + 1);
  });
});
