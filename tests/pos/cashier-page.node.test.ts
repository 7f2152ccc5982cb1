/**
 * The cashier page in a real browser (Debian's chromium via playwright-core): paste the device
 * key, type a card code, earn, and see the new balance. Node only: it needs a TCP server.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addReward,
  earnOk,
  type Provisioned,
  posPost,
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

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('till');
    shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 2000);
    const reward = await addReward(t, b, 10, 'Free espresso');
    expect(
      (await posPost(t, b.posKey, '/v1/pos/convert', { card: shopper.cardId, reward: reward.id })).status,
    ).toBe(200);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
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

    await page.getByLabel('Card code').fill(shopper.code);
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

  it('serves the page under a strict CSP, and the fallback decoder', async () => {
    const res = await fetch(`${origin}/pos`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const decoder = await fetch(`${origin}/pos/qr-decoder.js`);
    expect(decoder.status).toBe(200);
    expect(await decoder.text()).toContain('jsQR');
  });
});
