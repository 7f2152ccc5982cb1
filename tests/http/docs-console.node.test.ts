/**
 * The `/docs` console in a real browser: a POS write sent from it carries a fresh
 * Idempotency-Key and succeeds, and each send is a new write. Node only: it needs a TCP server.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { type Entitlements, type Provisioned, type Shopper, scan, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('GET /docs in chromium', () => {
  let t: TestApp;
  let b: Provisioned;
  let shopper: Shopper;
  let server: ReturnType<typeof serve>;
  let origin: string;
  let browser: Browser;
  const sentKeys: (string | null)[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('docs-console');
    shopper = await shopperWithCard(t, b);
    const fetch = (request: Request) => {
      if (new URL(request.url).pathname === '/v1/pos/earn')
        sentKeys.push(request.headers.get('idempotency-key'));
      return t.app.fetch(request);
    };
    await new Promise<void>((resolve) => {
      server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    t.close();
  });

  it('sends POST /v1/pos/earn with a new Idempotency-Key each time, and both earns land', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/docs`);
    await page.locator('#token').fill(b.posKey);
    await page.locator('#token').dispatchEvent('change');
    const earn = page.locator('details', { has: page.locator('code', { hasText: /^\/v1\/pos\/earn$/ }) });
    await earn.locator('summary').click();
    await expect.poll(() => earn.getByLabel(/idempotency-key/i).count()).toBe(1);
    const body = { code: shopper.code, amount: 2450, currency: 'EUR', receiptRef: 'D-1' };
    await earn.getByLabel('request body').fill(JSON.stringify(body));
    const answer = earn.locator('pre[aria-live]');
    await earn.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => answer.textContent()).toMatch(/^idempotency-key: docs-[0-9a-f]{32}\n200 /);
    await earn.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => sentKeys.length).toBe(2);
    await expect.poll(() => answer.textContent()).toMatch(/\n200 /);

    expect(sentKeys[0]).toMatch(/^docs-[0-9a-f]{32}$/);
    expect(sentKeys[1]).not.toBe(sentKeys[0]);
    const scanned = await scan(t, b, shopper.code);
    expect(((await scanned.json()) as Entitlements).points).toBe(48);
    expect(errors).toEqual([]);
  });
});
