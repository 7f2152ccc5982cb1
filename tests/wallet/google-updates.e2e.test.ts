import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER_ID, saveLink, setUpGoogleIssuer } from '../helpers/google-wallet.ts';
import { earnOk, type Provisioned, type Shopper, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const pointsOf = (body: Record<string, unknown> | undefined) =>
  (body?.loyaltyPoints as { balance: { int: number } } | undefined)?.balance.int;

describe('card changes reach Google Wallet through the job queue', () => {
  let t: TestApp;
  let b: Provisioned;
  const saved = async (): Promise<Shopper & { objectId: string }> => {
    const shopper = await shopperWithCard(t, b);
    await saveLink(t, shopper.accessToken);
    return { ...shopper, objectId: `${ISSUER_ID}.${shopper.cardId}` };
  };
  const patchesOf = (objectId: string) =>
    t.google.callsOf('PATCH', 'loyaltyObject').filter((c) => c.id === objectId);

  // Shoppers for the tests that move the clock on: signed in while Apple's tokens are fresh.
  let late: Record<'retried' | 'notified' | 'quota', Shopper & { objectId: string }>;

  beforeAll(async () => {
    t = await createTestApp({ env: { ZP_GOOGLE_REQUESTS_PER_SECOND: '10' } });
    b = await t.brand('gw-updates');
    await setUpGoogleIssuer(t, b);
    late = { retried: await saved(), notified: await saved(), quota: await saved() };
  });
  afterAll(() => t.close());

  it('earn at the POS → one PATCH with the new balance, notifying the shopper', async () => {
    const shopper = await saved();
    const before = patchesOf(shopper.objectId).length;
    await earnOk(t, b, shopper.cardId, 2500);
    await t.runJobs();
    const patches = patchesOf(shopper.objectId).slice(before);
    expect(patches).toHaveLength(1);
    expect(pointsOf(patches[0]?.body)).toBe(25);
    expect(patches[0]?.body.notifyPreference).toBe('NOTIFY_ON_UPDATE');
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(25);
  });

  it('a burst of 10 earns is at most 2 PATCHes, ending on the final balance', async () => {
    const shopper = await saved();
    for (let i = 0; i < 10; i++) await earnOk(t, b, shopper.cardId, 1000);
    await t.runJobs();
    const patches = patchesOf(shopper.objectId);
    expect(patches.length).toBeGreaterThanOrEqual(1);
    expect(patches.length).toBeLessThanOrEqual(2);
    expect(pointsOf(patches.at(-1)?.body)).toBe(100);
  });

  it('recreates an object Google no longer has (404)', async () => {
    const shopper = await saved();
    t.google.objects.delete(shopper.objectId);
    await earnOk(t, b, shopper.cardId, 3000);
    await t.runJobs();
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(30);
    expect(t.google.objects.get(shopper.objectId)?.accountId).toBe(shopper.cardId);
  });

  it('spaces one brand’s calls at the configured rate (10/s here)', async () => {
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => saved()));
    const since = t.google.calls.length;
    for (const s of shoppers) await earnOk(t, b, s.cardId, 1000);
    await t.runJobs();
    const times = t.google.calls.slice(since).map((c) => c.at);
    expect(times).toHaveLength(6);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it('exchanged one OAuth token for all of the above', () => {
    expect(t.google.tokenRequests).toBe(1);
  });
  it('429 with Retry-After and 500 come back later, then deliver; nothing is lost', async () => {
    const shopper = late.retried;
    t.google.faults.push({ status: 429, retryAfter: '120' });
    await earnOk(t, b, shopper.cardId, 700);
    await t.runJobs();
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(0);
    t.clock.offsetMs += 60_000;
    await t.runJobs();
    expect(patchesOf(shopper.objectId)).toHaveLength(1);
    t.google.faults.push({ status: 500 });
    t.clock.offsetMs += 61_000;
    await t.runJobs();
    expect(patchesOf(shopper.objectId)).toHaveLength(2);
    t.clock.offsetMs += 10 * 60_000;
    await t.runJobs();
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(7);
  });

  it('notifies at most 3 times per object per 24 h; the rest update silently, and a day later it notifies again', async () => {
    const shopper = late.notified;
    for (let i = 0; i < 6; i++) {
      await earnOk(t, b, shopper.cardId, 1000);
      await t.runJobs();
    }
    expect(patchesOf(shopper.objectId)).toHaveLength(6);
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(60);
    expect(t.google.notifications.filter((n) => n.id === shopper.objectId)).toHaveLength(3);
    t.clock.offsetMs += 86_400_000 + 1000;
    await earnOk(t, b, shopper.cardId, 1000);
    await t.runJobs();
    expect(t.google.notifications.filter((n) => n.id === shopper.objectId)).toHaveLength(4);
    // A day on, the first token had expired: exactly one new exchange.
    expect(t.google.tokenRequests).toBe(2);
  });
  it('over Google’s own notification budget (403 quotaExceeded) the update still lands, silently', async () => {
    const shopper = late.quota;
    // Three notifications Google counted that zeropass did not send (another sender, a restore).
    const at = t.deps.now();
    for (let i = 0; i < 3; i++) t.google.notifications.push({ id: shopper.objectId, at, kind: 'message' });
    await earnOk(t, b, shopper.cardId, 1500);
    await t.runJobs();
    const patches = patchesOf(shopper.objectId);
    expect(patches.map((p) => p.body.notifyPreference)).toEqual(['NOTIFY_ON_UPDATE', undefined]);
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(15);
    // The budget is now known to be spent: the next change does not even try to notify.
    await earnOk(t, b, shopper.cardId, 1500);
    await t.runJobs();
    expect(patchesOf(shopper.objectId).at(-1)?.body).not.toHaveProperty('notifyPreference');
    expect(pointsOf(t.google.objects.get(shopper.objectId))).toBe(30);
  });
});
