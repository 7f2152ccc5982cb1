import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDevice,
  type Provisioned,
  rotatingCodeFor,
  type Shopper,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/pos/scan (security)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;
  let shopperA: Shopper;
  let shopperB: Shopper;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('scan-a');
    b = await t.brand('scan-b');
    shopperA = await shopperWithCard(t, a);
    shopperB = await shopperWithCard(t, b);
  });
  afterAll(() => t.close());

  const answer = async (res: Response) => {
    const p = await problemOf(res);
    return { status: res.status, code: p.code, detail: p.detail };
  };

  it('brand A’s till scanning brand B’s card gets the same answer as for an unknown card', async () => {
    const unknown = await t.deps.cardCodes.staticCode('crd_00000000000000000000000000');
    const crossBrand = await answer(await scan(t, a, shopperB.code));
    expect(crossBrand).toEqual(await answer(await scan(t, a, unknown)));
    expect(crossBrand.status).toBe(404);
    const rotating = await rotatingCodeFor(t, shopperB.cardId, t.deps.now());
    expect(await answer(await scan(t, a, rotating))).toEqual(crossBrand);
    // …and brand B's own till still sees it (the rotating code was not consumed by brand A).
    expect((await scan(t, b, rotating)).status).toBe(200);
  });

  it('rejects a code with one flipped bit, and a truncated code', async () => {
    const code = shopperA.code;
    const last = code.charCodeAt(code.length - 1);
    const flipped = code.slice(0, -1) + String.fromCharCode(last ^ 1);
    const middle = code.charCodeAt(10);
    const flippedId = `${code.slice(0, 10)}${String.fromCharCode(middle ^ 1)}${code.slice(11)}`;
    for (const bad of [
      flipped,
      flippedId,
      code.slice(0, -1),
      code.slice(0, -4),
      'ZP1.',
      '',
      'x'.repeat(500),
    ]) {
      const res = await scan(t, a, bad);
      expect([400, 422], bad).toContain(res.status);
      expect(['invalid_card_code', 'invalid_request']).toContain((await problemOf(res)).code);
    }
    expect((await scan(t, a, code)).status).toBe(200);
  });

  it('rejects an expired rotating code', async () => {
    const old = await rotatingCodeFor(t, shopperA.cardId, t.deps.now() - 95_000);
    const res = await scan(t, a, old);
    expect(res.status).toBe(422);
    expect((await problemOf(res)).code).toBe('invalid_card_code');
  });

  it('rejects a replayed rotating code, and an older one after a newer was used', async () => {
    const now = t.deps.now();
    const older = await rotatingCodeFor(t, shopperA.cardId, now - 30_000);
    const current = await rotatingCodeFor(t, shopperA.cardId, now);
    expect((await scan(t, a, current)).status).toBe(200);
    const replay = await scan(t, a, current);
    expect(replay.status).toBe(409);
    expect((await problemOf(replay)).code).toBe('card_code_used');
    expect((await scan(t, a, older)).status).toBe(409);
  });

  it('needs a pos key: none is 401, an admin key is 403', async () => {
    const none = await t.request('/v1/pos/scan', { method: 'POST', json: { code: shopperA.code } });
    expect(none.status).toBe(401);
    const admin = await t.request('/v1/pos/scan', {
      method: 'POST',
      token: a.adminKey,
      json: { code: shopperA.code },
    });
    expect(admin.status).toBe(403);
    const shopper = await t.request('/v1/pos/scan', {
      method: 'POST',
      token: shopperA.accessToken,
      json: { code: shopperA.code },
    });
    expect(shopper.status).toBe(401);
  });

  it('never answers anything about the customer', async () => {
    const body = await (await scan(t, a, shopperA.code)).text();
    expect(body).not.toContain(shopperA.customerId);
    expect(body).not.toContain('cus_');
  });
});

describe('scan rate limit per device', () => {
  it('refuses scans beyond the limit with 429, per device, until the window passes', async () => {
    const t = await createTestApp();
    const a = await t.brand('limit');
    const shopper = await shopperWithCard(t, a);
    const limit = t.deps.config.posScansPerMinute;
    // Start at a window boundary so the whole burst lands in one window.
    t.clock.offsetMs = 60_000 - (Date.now() % 60_000) + 100;
    for (let i = 0; i < limit; i++) expect((await scan(t, a, shopper.code)).status).toBe(200);
    const refused = await scan(t, a, shopper.code);
    expect(refused.status).toBe(429);
    expect((await problemOf(refused)).code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Forged codes count too: guessing is throttled before any check.
    expect((await scan(t, a, 'ZP1.crd_00000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(429);
    // Another device of the same brand is not affected: the window is counted per device, so a
    // limit counted per brand (or per store) would refuse this one too.
    const other = { ...a, posKey: (await addDevice(t, a, 'Till 2')).posKey };
    expect((await scan(t, other, 'ZP1.crd_00000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(
      422,
    );
    expect((await scan(t, other, shopper.code)).status).toBe(200);
    t.clock.offsetMs += 60_000;
    expect((await scan(t, a, shopper.code)).status).toBe(200);
    t.close();
  });
});
