/**
 * APNs behind every fault (issue 16, Build 4), on both runtimes, over the fetch transport: an
 * earn's wallet push meets a timeout, a reset, a 503, a 429 with Retry-After and a 500 whose body
 * is a proxy's page, one per attempt (APNs answers 200 with no body, so body faults on a 200 are
 * none); the push still reaches the device once, no device is dropped as gone, and nothing
 * becomes a dead letter.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { EVERY_FAULT, type Fault, FaultPlan } from '../helpers/fault-injection.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const APNS_FAULTS: Fault[] = [
  ...EVERY_FAULT.filter((fault) => fault !== 'slow-body' && fault !== 'malformed-json'),
  { status: 500, body: '<html><body>502 Bad Gateway</body></html>' },
];

describe(`APNs faults (${runtime})`, () => {
  let t: TestApp;
  let b: Provisioned;
  const plan = new FaultPlan();
  const pushToken = `${'0f'.repeat(4)}${'cd'.repeat(28)}`;
  let accepted = 0;

  beforeAll(async () => {
    t = await createTestApp({ faults: { apns: plan }, env: { ZP_APNS_TIMEOUT_MS: '300' } });
    b = await t.brand('apns-faults');
    const { passTypeId } = (await setUpApplePass(t, b, { apnsToken: true })).identity;
    const shopper = await shopperWithCard(t, b);
    const pass = passJsonOf(await myApplePass(t, shopper.accessToken));
    const registered = await t.request(
      `/wallet/apple/v1/devices/devfaults1/registrations/${passTypeId}/${pass.serialNumber}`,
      {
        method: 'POST',
        headers: { authorization: `ApplePass ${pass.authenticationToken}` },
        json: { pushToken },
      },
    );
    expect(registered.status).toBe(201);
    plan.inject(...APNS_FAULTS);
    await earnOk(t, b, shopper.cardId, 1800);
    for (let round = 0; round < 12; round++) {
      await t.runJobs();
      accepted = t.apns.pushes.filter((p) => p.status === 200 && p.deviceToken === pushToken).length;
      if (accepted > 0) break;
      t.clock.offsetMs += 20 * 60_000;
    }
  });
  afterAll(() => t.close());

  it('met every fault, then delivered the push once', () => {
    expect(plan.pending).toEqual([]);
    expect(plan.served).toHaveLength(APNS_FAULTS.length);
    expect(accepted).toBe(1);
  });

  it('kept the device and left no dead letter', async () => {
    const dead = await t.request('/v1/admin/jobs/dead-letters', { token: b.adminKey });
    expect(((await dead.json()) as { data: unknown[] }).data).toEqual([]);
    // The registration survives: no fault may read as APNs' 410 Unregistered.
    const rows = await t.database.db.all<{ n: number }>(
      sql`select count(*) as n from apple_registrations where brand_id = ${b.brand.id}`,
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });
});
