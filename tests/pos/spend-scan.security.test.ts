/**
 * Spending from a card (convert, redeem) needs a code scanned at that till just now: the card
 * number alone, which every code shows and the pass prints, must not be enough (hardening fault 2
 * of issue 16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDevice,
  addReward,
  earnOk,
  type LedgerResult,
  newKey,
  type Provisioned,
  posPost,
  rotatingCodeFor,
  type ScanResult,
  type Shopper,
  scan,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('spending needs a fresh scan at this till (security)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('spend-a');
    b = await t.brand('spend-b');
  });
  afterAll(() => t.close());

  /** A shopper with 50 points and a voucher they took in the app, so no till has spent yet. */
  async function shopperWithVoucher(p: Provisioned) {
    const shopper = await shopperWithCard(t, p);
    await earnOk(t, p, shopper.cardId, 6000);
    const reward = await addReward(t, p, 10, 'Coffee');
    const taken = await t.request('/v1/me/card/vouchers', {
      method: 'POST',
      token: shopper.accessToken,
      json: { reward: reward.id },
      headers: { 'idempotency-key': newKey() },
    });
    expect(taken.status).toBe(200);
    const voucher = ((await taken.json()) as LedgerResult).voucher?.id ?? '';
    return { shopper, reward, voucher };
  }

  const pointsOf = async (p: Provisioned, s: Shopper) =>
    ((await (await scan(t, p, s.code)).json()) as ScanResult).points;

  /** Scans the shopper's rotating code at `nowMs` on till `p` and answers the scan. */
  async function scanRotating(p: { posKey: string }, s: Shopper, nowMs = t.deps.now()) {
    const res = await scan(t, p as Provisioned, await rotatingCodeFor(t, s.cardId, nowMs));
    expect(res.status).toBe(200);
    return (await res.json()) as ScanResult;
  }

  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect((await problemOf(res)).code).toBe(code);
  };

  it('a till that knows only the card number can neither convert nor redeem', async () => {
    const { shopper, reward, voucher } = await shopperWithVoucher(a);
    const convert = await posPost(t, a.posKey, '/v1/pos/convert', {
      card: shopper.cardId,
      reward: reward.id,
    });
    await expectProblem(convert, 403, 'scan_required');
    const redeem = await posPost(t, a.posKey, '/v1/pos/redeem', { card: shopper.cardId, voucher });
    await expectProblem(redeem, 403, 'scan_required');
    // The pass code it may have seen is no better by default: a photo of the pass replays it.
    const staticScan = (await (await scan(t, a, shopper.code)).json()) as ScanResult;
    expect(staticScan.spend).toBeNull();
    const byPassCode = await posPost(t, a.posKey, '/v1/pos/redeem', { code: shopper.code, voucher });
    await expectProblem(byPassCode, 403, 'rotating_code_required');
    expect((await (await scan(t, a, shopper.code)).json()) as ScanResult).toMatchObject({
      points: 50,
      vouchers: [{ id: voucher }],
    });
    // Earning stays open to the card number: it adds points and cannot drain the card.
    expect((await earnOk(t, a, shopper.cardId, 100)).entry.balance).toBe(51);
  });

  it('a fresh rotating scan lets this till convert and redeem, and the code itself works too', async () => {
    const { shopper, reward, voucher } = await shopperWithVoucher(a);
    const scanned = await scanRotating(a, shopper);
    expect(scanned.spend?.token).toMatch(/^ZS1\./);
    const ttl = Date.parse(scanned.spend?.expiresAt ?? '') - t.deps.now();
    expect(ttl).toBeGreaterThan(4 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
    expect(JSON.stringify(scanned)).not.toContain(shopper.customerId);
    const scanToken = scanned.spend?.token;
    const redeem = await posPost(t, a.posKey, '/v1/pos/redeem', { card: shopper.cardId, scanToken, voucher });
    expect(redeem.status).toBe(200);
    expect(((await redeem.json()) as LedgerResult).entry.kind).toBe('redeem');
    // The same scan serves the rest of the sale.
    const convert = await posPost(t, a.posKey, '/v1/pos/convert', {
      card: shopper.cardId,
      scanToken,
      reward: reward.id,
    });
    expect(convert.status).toBe(200);
    expect(((await convert.json()) as LedgerResult).entry).toMatchObject({ kind: 'convert', balance: 40 });
    // Straight from the camera: the rotating code in the write (the step after the scan's).
    const code = await rotatingCodeFor(t, shopper.cardId, t.deps.now() + 30_000);
    const direct = await posPost(t, a.posKey, '/v1/pos/convert', { code, reward: reward.id });
    expect(direct.status).toBe(200);
    expect(((await direct.json()) as LedgerResult).entry.balance).toBe(30);
    // A token with a code, or a token without a card, is a malformed request.
    const both = await posPost(t, a.posKey, '/v1/pos/convert', { code, scanToken, reward: reward.id });
    await expectProblem(both, 400, 'invalid_request');
  });

  it('an expired scan is refused, and the same Idempotency-Key works after a new scan', async () => {
    const { shopper, voucher } = await shopperWithVoucher(a);
    const scanned = await scanRotating(a, shopper);
    const key = newKey();
    t.clock.offsetMs = 5 * 60_000 + 1000;
    try {
      const late = await posPost(
        t,
        a.posKey,
        '/v1/pos/redeem',
        { card: shopper.cardId, scanToken: scanned.spend?.token, voucher },
        key,
      );
      await expectProblem(late, 403, 'scan_expired');
      const fresh = await scanRotating(a, shopper);
      const retry = await posPost(
        t,
        a.posKey,
        '/v1/pos/redeem',
        { card: shopper.cardId, scanToken: fresh.spend?.token, voucher },
        key,
      );
      expect(retry.status).toBe(200);
    } finally {
      t.clock.offsetMs = 0;
    }
  });

  it('a scan token works only at the till that scanned, for that card, in that brand', async () => {
    const { shopper, voucher } = await shopperWithVoucher(a);
    const scanToken = (await scanRotating(a, shopper)).spend?.token ?? '';
    const spendWith = (posKey: string, card: string, token: string) =>
      posPost(t, posKey, '/v1/pos/redeem', { card, scanToken: token, voucher });
    // Another till of the same brand and store.
    const till2 = await addDevice(t, a, 'Till 2');
    await expectProblem(await spendWith(till2.posKey, shopper.cardId, scanToken), 403, 'scan_required');
    // Another brand's till.
    await expectProblem(await spendWith(b.posKey, shopper.cardId, scanToken), 403, 'scan_required');
    // Another card of the same brand, at the same till.
    const other = await shopperWithVoucher(a);
    const convertOther = await posPost(t, a.posKey, '/v1/pos/convert', {
      card: other.shopper.cardId,
      scanToken,
      reward: other.reward.id,
    });
    await expectProblem(convertOther, 403, 'scan_required');
    // A forged token: one MAC character changed to another.
    const last = scanToken.at(-1) === 'A' ? 'B' : 'A';
    await expectProblem(
      await spendWith(a.posKey, shopper.cardId, scanToken.slice(0, -1) + last),
      403,
      'scan_required',
    );
    // A later expiry with the old MAC.
    const [zs, kind, , mac] = scanToken.split('.');
    const stretched = [zs, kind, (t.deps.now() + 3_600_000).toString(36), mac].join('.');
    await expectProblem(await spendWith(a.posKey, shopper.cardId, stretched), 403, 'scan_required');
    // Nothing was spent, and the scanning till still can.
    expect(await pointsOf(a, shopper)).toBe(50);
    expect((await spendWith(a.posKey, shopper.cardId, scanToken)).status).toBe(200);
  });

  it('a brand may let the pass code spend; tightening the policy again refuses its tokens at once', async () => {
    const c = await t.brand('spend-static');
    const rules = (spendCodes?: string) => ({
      currency: 'EUR',
      pointsPerUnit: 1,
      rounding: 'floor',
      voucherTtlDays: 90,
      tiers: [],
      ...(spendCodes ? { spendCodes } : {}),
    });
    const put = (json: unknown) =>
      t.request('/v1/admin/loyalty/rules', { method: 'PUT', token: c.adminKey, json });
    const initial = await t.request('/v1/admin/loyalty/rules', { token: c.adminKey });
    expect(((await initial.json()) as { spendCodes: string }).spendCodes).toBe('rotating');
    expect((await put(rules('static'))).status).toBe(400);
    const opened = await put(rules('rotating_or_static'));
    expect(((await opened.json()) as { spendCodes: string }).spendCodes).toBe('rotating_or_static');

    const { shopper, reward, voucher } = await shopperWithVoucher(c);
    const scanned = (await (await scan(t, c, shopper.code)).json()) as ScanResult;
    expect(scanned.spend?.token).toMatch(/^ZS1\.s\./);
    const scanToken = scanned.spend?.token;
    const convert = await posPost(t, c.posKey, '/v1/pos/convert', {
      card: shopper.cardId,
      scanToken,
      reward: reward.id,
    });
    expect(convert.status).toBe(200);
    expect((await posPost(t, c.posKey, '/v1/pos/redeem', { code: shopper.code, voucher })).status).toBe(200);

    // PUT replaces the rules: leaving spendCodes out restores the default.
    expect(((await (await put(rules())).json()) as { spendCodes: string }).spendCodes).toBe('rotating');
    const again = await posPost(t, c.posKey, '/v1/pos/convert', {
      card: shopper.cardId,
      scanToken,
      reward: reward.id,
    });
    await expectProblem(again, 403, 'rotating_code_required');
    expect(((await (await scan(t, c, shopper.code)).json()) as ScanResult).spend).toBeNull();
  });

  it('documents the scan token and the new refusals in /openapi.json', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      paths: Record<string, { post: { description?: string; responses: Record<string, unknown> } }>;
    };
    const { schemas } = spec.components;
    // Entitlements and the proof of the scan (allOf).
    expect(JSON.stringify(schemas.ScanResult)).toContain('"spend"');
    for (const name of ['ConvertInput', 'RedeemInput']) {
      expect(Object.keys(schemas[name]?.properties ?? {})).toEqual(
        expect.arrayContaining(['card', 'code', 'scanToken']),
      );
    }
    for (const path of ['/v1/pos/convert', '/v1/pos/redeem']) {
      expect(spec.paths[path]?.post.responses).toHaveProperty('403');
      expect(spec.paths[path]?.post.description).toContain('scan_required');
    }
    expect(JSON.stringify(schemas.Problem)).toContain('scan_expired');
    expect(JSON.stringify(schemas.LoyaltyRules)).toContain('rotating_or_static');
  });
});
