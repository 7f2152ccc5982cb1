/**
 * The shopper demo in a real browser (Chromium via playwright-core, tests/helpers/browser.ts),
 * on a demo brand seeded by `ensureDemoBrand` as the Node entry seeds it: sign in with the dev
 * Apple provider, join through the `join` layout, see the card and its rotating QR (decoded with
 * jsQR and scanned at the POS), download the .pkpass (verified by the openssl oracle against the
 * dev CA), see the clear failure of Google with the seeded self-made key, then, with an issuer
 * the fake Google trusts, open a save link whose JWT verifies. Screenshots go to test-results/.
 * Node only: it needs a TCP server.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { jwtVerify } from 'jose';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevApplePki } from '../../src/node/dev-apple-pki.ts';
import { DEV_PASS_TYPE_ID } from '../../src/node/dev-apple-pki.ts';
import { ensureDemoBrand } from '../../src/node/dev-files.ts';
import { launchChromium } from '../helpers/browser.ts';
import { GOOGLE_SAVE_URL } from '../helpers/fake-google.ts';
import { ISSUER_ID, setUpGoogleIssuer } from '../helpers/google-wallet.ts';
import type { Provisioned } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { checkDevPass } from './dev-pass-oracle.ts';

/** The QR image's pixels and the code shown under it, read together so they belong to one step. */
async function shownQr(page: Page): Promise<{ text: string; decoded: string | undefined }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const shot = await page.evaluate(async () => {
      const text = document.getElementById('rotating-code')?.textContent ?? '';
      const img = document.getElementById('qr') as HTMLImageElement;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.drawImage(img, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      const after = document.getElementById('rotating-code')?.textContent ?? '';
      return { text, after, width: canvas.width, height: canvas.height, data: Array.from(pixels.data) };
    });
    if (shot.text !== shot.after) continue; // the code turned over while the image was read
    const decoded = jsQR(Uint8ClampedArray.from(shot.data), shot.width, shot.height)?.data;
    return { text: shot.text, decoded };
  }
  throw new Error('the rotating code kept changing');
}

describe('GET /demo in chromium', () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pki: DevApplePki;
  let credentials: { adminKey: string; posKey: string };
  const errors: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ dev: true });
    // Seeded as `npm start` seeds it, into a data dir of its own.
    const dataDir = mkdtempSync(join(tmpdir(), 'zeropass-demo-page-'));
    const setup = await ensureDemoBrand(t.deps, dataDir, join(dataDir, 'dev-secrets.json'));
    pki = JSON.parse(readFileSync(setup.applePkiPath, 'utf8')) as DevApplePki;
    credentials = JSON.parse(readFileSync(setup.credentialsPath ?? '', 'utf8'));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: 'en-US' });
    // Google's save page is not on this network: answer it here, so the tab it opens loads.
    await context.route(`${GOOGLE_SAVE_URL}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<p>Saved (fake Google)</p>' }),
    );
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    mkdirSync('test-results', { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
    t?.close();
  });

  it('signs in with the dev Apple provider and joins through the join layout', async () => {
    await page.goto(`${origin}/demo`);
    await page.getByRole('button', { name: 'Sign in with Apple (dev)' }).click();
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('Signed in');
    // The <zp-layout> form (in its shadow root) talks to the same origin.
    await page.getByRole('textbox', { name: /^Email/ }).fill('ada@example.org');
    await page.locator('[data-purpose="profiling"]').check();
    await page.screenshot({ path: 'test-results/demo-join.png', fullPage: true });
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('Here is your card');
    await expect.poll(() => page.getByTestId('points').textContent()).toBe('0');
    expect(await page.getByRole('button', { name: 'Add to Apple Wallet' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save to Google Wallet' }).isVisible()).toBe(true);
  });

  it('shows the rotating code as a QR that scans once at the POS', async () => {
    await expect.poll(() => page.getByTestId('rotating-code').textContent()).toMatch(/^ZT1\.crd_/);
    const { text, decoded } = await shownQr(page);
    expect(decoded).toBe(text);
    await page.screenshot({ path: 'test-results/demo-card.png', fullPage: true });
    const scan = (code: string) =>
      t.request('/v1/pos/scan', { method: 'POST', token: credentials.posKey, json: { code } });
    const first = await scan(text);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ card: text.split('.')[1], points: 0 });
    expect((await scan(text)).status).toBe(409);
  });

  it('downloads a .pkpass that verifies against the dev CA', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Add to Apple Wallet' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('loyalty.pkpass');
    const bytes = new Uint8Array(readFileSync(await download.path()));
    const verified = await checkDevPass(bytes, pki);
    const cardNumber = await page.locator('#card-number').textContent();
    expect(verified.passJson).toMatchObject({
      passTypeIdentifier: DEV_PASS_TYPE_ID,
      organizationName: 'Demo Brand',
    });
    const barcodes = verified.passJson.barcodes as { message: string }[];
    expect(barcodes[0]?.message).toMatch(new RegExp(`^ZP1\\.${cardNumber}\\.`));
    await expect.poll(() => page.getByTestId('message').textContent()).toContain('Pass downloaded');
  });

  it('says clearly why Google Wallet fails with the seeded self-made key', async () => {
    const pagesBefore = context.pages().length;
    await page.getByRole('button', { name: 'Save to Google Wallet' }).click();
    await expect
      .poll(() => page.getByTestId('message').textContent())
      .toMatch(/^Google Wallet is not available: .*Google Wallet/);
    expect(await page.getByTestId('message').getAttribute('class')).toBe('error');
    expect(context.pages().length).toBe(pagesBefore);
    await page.screenshot({ path: 'test-results/demo-google-unavailable.png', fullPage: true });
  });

  it('opens a save link whose JWT verifies once the brand has an issuer Google trusts', async () => {
    const account = await setUpGoogleIssuer(t, { adminKey: credentials.adminKey } as Provisioned);
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('button', { name: 'Save to Google Wallet' }).click(),
    ]);
    await tab.waitForLoadState();
    const saveUrl = tab.url();
    expect(saveUrl.startsWith(`${GOOGLE_SAVE_URL}/`)).toBe(true);
    const { payload } = await jwtVerify(saveUrl.slice(GOOGLE_SAVE_URL.length + 1), account.publicKey, {
      audience: 'google',
      issuer: account.key.client_email,
      algorithms: ['RS256'],
    });
    expect(payload.typ).toBe('savetowallet');
    const cardNumber = await page.locator('#card-number').textContent();
    const objectId = `${ISSUER_ID}.${cardNumber}`;
    expect(payload.payload).toMatchObject({ loyaltyObjects: [{ id: objectId }] });
    expect(t.google.objects.get(objectId)).toMatchObject({ accountId: cardNumber });
    expect(await page.locator('#google-link').getAttribute('href')).toBe(saveUrl);
    await tab.close();
    await page.screenshot({ path: 'test-results/demo-wallets.png', fullPage: true });
    // The page loaded nothing from elsewhere and logged no error along the way (the failed
    // Google call is a 4xx/5xx answer the page handled, which Chromium logs as a resource error).
    expect(errors.filter((e) => !e.includes('the server responded with a status of'))).toEqual([]);
  });
});
