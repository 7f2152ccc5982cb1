/**
 * A real browser (Chromium through playwright-core, see tests/helpers/browser.ts) on a brand's page that embeds
 * `<zp-layout>` from the app, served on 127.0.0.1. The brand's page and the app are different
 * origins, as in production. Screenshots go to test-results/ (git-ignored) for people to look at.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { createLayout, type Provisioned } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const canary = `cn${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
const email = `${canary}@example.org`;
const firstName = `Ada${canary}`;
const EMAIL = 'Email (required)';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('<zp-layout> in a real browser', () => {
  let t: TestApp;
  let b: Provisioned;
  let browser: Browser;
  let page: Page;
  let appServer: Server;
  let siteServer: Server;
  let appOrigin: string;
  let siteOrigin: string;
  const requests: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('browser');
    await createLayout(t, b);
    appServer = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) =>
      appServer.listening ? resolve() : appServer.once('listening', resolve),
    );
    appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    siteServer = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (req.url === '/framed') {
        res.end(`<!doctype html><html lang="fr"><title>Framed</title><body>
<iframe title="Adhésion" src="${appOrigin}/l/${b.brand.slug}/join?locale=fr&accent=%237a1f5c" width="640" height="1500"></iframe></body></html>`);
        return;
      }
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${b.brand.label}</title>
<script src="${appOrigin}/embed.js"></script>
<style>body{font-family:Georgia,serif;margin:2rem} zp-layout{--zp-accent:#7a1f5c;--zp-radius:0;max-width:40rem}</style>
</head><body><h1>Join ${b.brand.label}</h1>
<zp-layout brand="${b.brand.slug}" layout="join" locale="en"></zp-layout></body></html>`);
    });
    siteOrigin = `http://127.0.0.1:${await listen(siteServer)}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
    page.on('request', (request) => requests.push(request.url()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => appServer?.close(resolve));
    await new Promise((resolve) => siteServer?.close(resolve));
    t?.close();
  });

  it('shows every purpose unticked with its own notice, and labelled fields', async () => {
    await page.goto(siteOrigin);
    const boxes = page.locator('zp-layout input[type=checkbox]');
    await expect.poll(() => boxes.count()).toBe(4);
    for (const box of await boxes.all()) {
      expect(await box.isChecked()).toBe(false);
      const noticeId = await box.getAttribute('aria-describedby');
      const notice = page.locator(`zp-layout [id="${noticeId}"]`);
      expect(await notice.textContent()).toContain(b.brand.label);
      const label = page.locator(`zp-layout label[for="${await box.getAttribute('id')}"]`);
      expect((await label.textContent())?.length).toBeGreaterThan(3);
    }
    for (const label of [
      EMAIL,
      'First name (optional)',
      'Date of birth (optional)',
      'Shoe size (optional)',
    ]) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    }
  });

  it('announces errors and moves focus to the first field at fault', async () => {
    await page.locator('zp-layout button[type=submit]').click();
    await expect
      .poll(() => page.locator('zp-layout [role=alert]').textContent())
      .toBe('Please check the highlighted fields.');
    const focused = await page.evaluate(() =>
      document.querySelector('zp-layout')?.shadowRoot?.activeElement?.getAttribute('name'),
    );
    expect(focused).toBe('email');
    expect(await page.getByLabel(EMAIL, { exact: true }).getAttribute('aria-invalid')).toBe('true');
  });

  it('is filled and submitted with the keyboard, and shows a receipt that verifies', async () => {
    t.relay.take();
    await page.getByLabel(EMAIL, { exact: true }).fill(email);
    // Correcting the field clears its error.
    expect(await page.getByLabel(EMAIL, { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('zp-layout .error:not([hidden])').count()).toBe(0);
    await page.getByLabel('First name (optional)', { exact: true }).fill(firstName);
    await page.getByLabel('Date of birth (optional)', { exact: true }).fill('1990-05-17');
    await page.getByLabel('Shoe size (optional)', { exact: true }).fill('38');
    for (const label of ['Text messages about offers', 'Personalised offers']) {
      await page.getByLabel(label).focus();
      await page.keyboard.press('Space');
      expect(await page.getByLabel(label).isChecked(), label).toBe(true);
    }
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/zp-layout-filled.png', fullPage: true });
    await page.locator('zp-layout button[type=submit]').focus();
    await page.keyboard.press('Enter');
    const receipt = page.locator('zp-layout pre.receipt');
    await receipt.waitFor();
    await page.screenshot({ path: 'test-results/zp-layout-embedded.png', fullPage: true });

    const jws = (await receipt.textContent()) ?? '';
    const jwks = (await (await fetch(`${appOrigin}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    expect(payload['zp:brand']).toBe(b.brand.slug);
    const statuses = await page
      .locator('zp-layout li')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(statuses).toEqual(['not_given', 'granted', 'granted', 'not_given']);

    // The values reached the relay (the CRM side)…
    const contact = t.relay.messages.find((m) => m.kind === 'contact.upsert');
    expect(contact).toMatchObject({
      contact: { email, firstName, birthDate: '1990-05-17', custom: { shoeSize: 38 } },
    });
    // …with the browser's network prefix and family recorded, not its address.
    const events = t.relay.messages.filter((m) => m.kind === 'consent.recorded');
    expect(events).toHaveLength(2);
  });

  it('made no third-party requests', () => {
    const foreign = requests.filter((url) => !url.startsWith(appOrigin) && !url.startsWith(siteOrigin));
    expect(requests.some((url) => url.startsWith(`${appOrigin}/v1/layouts/`))).toBe(true);
    expect(foreign).toEqual([]);
  });

  it('the submitted values appear nowhere in the database files or the logs', () => {
    let haystack = '';
    for (const file of t.database.files)
      if (existsSync(file)) haystack += readFileSync(file).toString('latin1');
    expect(haystack.length).toBeGreaterThan(4096);
    expect(haystack).toContain(b.brand.slug);
    for (const needle of [canary, email, firstName]) expect(haystack).not.toContain(needle);
    const logs = t.logs.join('\n');
    expect(logs).toContain('/v1/layouts/:brand/:layout/submissions');
    expect(logs).not.toContain(canary);
  });

  it('honours navigator.globalPrivacyControl: the sale box is disabled and a gpc opt-out is recorded', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    const gpcPage = await context.newPage();
    try {
      await gpcPage.goto(siteOrigin);
      const sale = gpcPage.getByLabel('Sharing with partners');
      await sale.waitFor();
      expect(await sale.isDisabled()).toBe(true);
      expect(await sale.isChecked()).toBe(false);
      t.relay.take();
      await gpcPage.getByLabel(EMAIL, { exact: true }).fill(`gpc${email}`);
      await gpcPage.locator('zp-layout button[type=submit]').click();
      await gpcPage.locator('zp-layout pre.receipt').waitFor();
      const recorded = t.relay.messages.filter((m) => m.kind === 'consent.recorded');
      expect(
        recorded.map(
          (m) => m.kind === 'consent.recorded' && [m.event.purpose, m.event.action, m.event.method],
        ),
      ).toEqual([['sale_or_share', 'withdraw', 'gpc']]);
    } finally {
      await context.close();
    }
  });

  it('the iframe page renders the same form, framed by another origin', async () => {
    await page.goto(`${siteOrigin}/framed`);
    const frame = page.frameLocator('iframe');
    const boxes = frame.locator('zp-layout input[type=checkbox]');
    await expect.poll(() => boxes.count()).toBe(4);
    for (const box of await boxes.all()) expect(await box.isChecked()).toBe(false);
    expect(await frame.getByLabel('E-mail (obligatoire)', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: 'test-results/zp-layout-iframe.png', fullPage: true });

    // A ticked box is recorded only with the version of the notice beside it: the page sends
    // the version of every notice it shows.
    await frame.getByLabel('E-mail (obligatoire)', { exact: true }).fill('framed@example.org');
    await boxes.nth(2).check();
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/submissions'));
    await frame.locator('zp-layout button[type=submit]').click();
    const body = (await posted).postDataJSON() as { consents: object; noticeVersions: object };
    const shown = (await (await t.request(`/v1/layouts/${b.brand.slug}/join?locale=fr`)).json()) as {
      purposes: { purpose: string; noticeVersion: string }[];
    };
    expect(body.noticeVersions).toEqual(
      Object.fromEntries(shown.purposes.map((p) => [p.purpose, p.noticeVersion])),
    );
    await frame.locator('zp-layout pre.receipt').waitFor();
    const statuses = await frame
      .locator('zp-layout li')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(statuses).toEqual(['not_given', 'not_given', 'granted', 'not_given']);
  });
});
