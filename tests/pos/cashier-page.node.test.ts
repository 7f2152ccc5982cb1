/**
 * The cashier page in a real browser (Chromium via playwright-core, see tests/helpers/browser.ts): paste the device
 * key, type a card code, earn, and see the new balance; a double press or a retry after a lost
 * answer earns once. Node only: it needs a TCP server.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import {
  addReward,
  earnOk,
  type Provisioned,
  posSpend,
  rotatingCodeFor,
  type Shopper,
  shopperWithCard,
} from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('GET /pos in chromium', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: Shopper;
  let server: ReturnType<typeof serve>;
  let origin: string;
  let browser: Browser;
  // Between the browser and the app, as a slow or flaky network would be: earns can be held
  // back, or have their answer lost after the app handled them (a proxy timing out).
  const network = { earnDelayMs: 0, loseEarnAnswers: 0, earnsInFlight: 0, earnsSeen: 0 };
  const throughNetwork = async (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname !== '/v1/pos/earn') return t.app.fetch(request);
    network.earnsSeen++;
    network.earnsInFlight++;
    try {
      await new Promise((resolve) => setTimeout(resolve, network.earnDelayMs));
      const answer = await t.app.fetch(request);
      if (network.loseEarnAnswers > 0) {
        network.loseEarnAnswers--;
        return new Response('{"detail":"Gateway timeout"}', { status: 504 });
      }
      return answer;
    } finally {
      network.earnsInFlight--;
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('till');
    shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 2000);
    const reward = await addReward(t, b, 10, 'Free espresso');
    expect(
      (await posSpend(t, b, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })).status,
    ).toBe(200);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: throughNetwork, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    t.close();
  });

  it('typed entry, earn, redeem, and the balance shown; no customer data on the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${origin}/pos`);
    await page.getByLabel('Device key').fill(b.posKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('binding').textContent()).toContain(b.device.id);

    // The rotating code the shopper's app shows (the step after the one setup's scan used):
    // redeeming spends, and by default only a rotating code lets a till spend.
    await page.getByLabel('Card code').fill(await rotatingCodeFor(t, shopper.cardId, t.deps.now() + 30_000));
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('points').textContent()).toBe('10');
    expect(await page.locator('#vouchers').textContent()).toContain('Free espresso');

    await page.getByLabel('Amount', { exact: true }).fill('24.50');
    await page.getByLabel('Receipt reference').fill('T-1001');
    await page.getByRole('button', { name: 'Earn' }).click();
    await expect.poll(() => page.getByTestId('points').textContent()).toBe('34');
    expect(await page.getByTestId('message').textContent()).toContain('+24 points');

    await page.getByRole('button', { name: 'Redeem' }).click();
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('Redeemed: Free espresso');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/pos-cashier.png', fullPage: true });

    const html = await page.content();
    expect(html).not.toContain(shopper.customerId);
    expect(html).not.toContain('cus_');
    expect(errors).toEqual([]);

    // The server agrees with what the page shows.
    const scan = await t.request('/v1/pos/scan', {
      method: 'POST',
      token: b.posKey,
      json: { code: shopper.code },
    });
    expect(await scan.json()).toMatchObject({ points: 34, vouchers: [] });
    await page.close();
  });

  it('a pass code shows the vouchers without Redeem, and asks for the rotating code', async () => {
    const card = await shopperWithCard(t, b);
    await earnOk(t, b, card.cardId, 1000);
    const reward = await addReward(t, b, 5, 'Free croissant');
    expect((await posSpend(t, b, '/v1/pos/convert', { card: card.cardId, reward: reward.id })).status).toBe(
      200,
    );
    const page = await browser.newPage();
    await page.goto(`${origin}/pos`);
    await page.getByLabel('Device key').fill(b.posKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByLabel('Card code').fill(card.code);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.locator('#vouchers').textContent()).toContain('Free croissant');
    expect(await page.locator('#vouchers').textContent()).toContain('scan the rotating code');
    expect(await page.getByRole('button', { name: 'Redeem' }).count()).toBe(0);
    await page.close();
  });

  const entriesOf = async (cardId: string): Promise<{ id: string }[]> =>
    t.database.db.all(
      sql`select id from ledger_entries where brand_id = ${b.brand.id} and card_id = ${cardId} and kind = 'earn'`,
    );

  /** A till page set up with the device key, showing a fresh shopper's card. */
  async function tillWithCard(): Promise<{ page: Page; card: Shopper }> {
    const card = await shopperWithCard(t, b);
    const page = await browser.newPage();
    await page.goto(`${origin}/pos`);
    await page.getByLabel('Device key').fill(b.posKey);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('binding').textContent()).toContain(b.device.id);
    await page.getByLabel('Card code').fill(card.code);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('points').textContent()).toBe('0');
    await page.getByLabel('Amount', { exact: true }).fill('12.00');
    await page.getByLabel('Receipt reference').fill('T-2002');
    return { page, card };
  }

  it('a double click on Earn, while the server is slow, earns once', async () => {
    const { page, card } = await tillWithCard();
    const seen = network.earnsSeen;
    network.earnDelayMs = 400;
    try {
      await page.getByRole('button', { name: 'Earn' }).dblclick();
      await expect.poll(() => page.getByTestId('message').textContent()).toContain('+12 points');
      await expect.poll(() => network.earnsInFlight).toBe(0);
    } finally {
      network.earnDelayMs = 0;
    }
    expect(await entriesOf(card.cardId)).toHaveLength(1);
    expect(network.earnsSeen - seen).toBe(1);
    expect(await page.getByTestId('points').textContent()).toBe('12');
    await page.close();
  });

  it('pressing Earn again after a lost answer retries the same purchase: one entry', async () => {
    const { page, card } = await tillWithCard();
    network.loseEarnAnswers = 1; // the app earns, but the till never hears so
    await page.getByRole('button', { name: 'Earn' }).click();
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('Gateway timeout');
    expect(await entriesOf(card.cardId)).toHaveLength(1);

    // The cashier presses again: the same Idempotency-Key replays the first entry.
    await page.getByRole('button', { name: 'Earn' }).click();
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('+12 points');
    expect(await entriesOf(card.cardId)).toHaveLength(1);

    // A new purchase after that success is a new key, and a new entry.
    await page.getByLabel('Amount', { exact: true }).fill('3.00');
    await page.getByLabel('Receipt reference').fill('T-2003');
    await page.getByRole('button', { name: 'Earn' }).click();
    await expect.poll(() => page.getByTestId('points').textContent()).toBe('15');
    expect(await entriesOf(card.cardId)).toHaveLength(2);
    await page.close();
  });

  it('serves the page under a strict CSP, and the fallback decoder', async () => {
    const res = await fetch(`${origin}/pos`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const decoder = await fetch(`${origin}/pos/qr-decoder.js`);
    expect(decoder.status).toBe(200);
    expect(await decoder.text()).toContain('jsQR');
  });
});
