/**
 * Third-party decryption (Node only): `http_ece` cannot load in workerd (it needs node:crypto's
 * createECDH), so there the WebCrypto decryptor of tests/helpers/push-decrypt.ts, itself checked
 * against the RFC vector, stands in (ece.test.ts, campaigns.test.ts). Here `http_ece` decrypts
 * both what src/push/ece.ts makes and what the app actually sent to the fake push service, and
 * our decryptor opens what `web-push` makes, so the three implementations agree.
 */
import { createECDH } from 'node:crypto';
import * as ece from 'http_ece';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webPush from 'web-push';
import { fromBase64url, utf8 } from '../../src/crypto.ts';
import { encryptPushPayload } from '../../src/push/ece.ts';
import { type BrowserKeys, decryptPush, makeBrowserKeys } from '../helpers/push-decrypt.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createCampaign, drainJobs, pushBrand, pushShopper } from './push-fixtures.ts';

function httpEceDecrypt(body: Uint8Array, browser: BrowserKeys) {
  const receiver = createECDH('prime256v1');
  receiver.setPrivateKey(Buffer.from(browser.d, 'base64url'));
  expect(receiver.getPublicKey('base64url')).toBe(browser.p256dh);
  return ece.decrypt(Buffer.from(body), {
    version: 'aes128gcm',
    privateKey: receiver,
    authSecret: browser.auth,
  });
}

describe('push encryption against http_ece and web-push (node)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('http_ece decrypts what src/push/ece encrypts, for keys made in the test', async () => {
    for (const text of ['hi', JSON.stringify({ title: 'Été', body: 'x'.repeat(3000) })]) {
      const browser = await makeBrowserKeys();
      const body = await encryptPushPayload(
        { p256dh: fromBase64url(browser.p256dh), auth: fromBase64url(browser.auth) },
        utf8(text),
      );
      expect(httpEceDecrypt(body, browser).toString('utf8')).toBe(text);
    }
  });

  it('the test decryptor opens what web-push encrypts (the oracles agree with each other)', async () => {
    const browser = await makeBrowserKeys();
    const vapid = webPush.generateVAPIDKeys();
    const details = webPush.generateRequestDetails(
      { endpoint: 'https://push.fake/x', keys: { p256dh: browser.p256dh, auth: browser.auth } },
      'from web-push',
      { vapidDetails: { subject: 'mailto:a@b.test', ...vapid }, contentEncoding: 'aes128gcm' },
    );
    expect(new TextDecoder().decode(await decryptPush(new Uint8Array(details.body), browser))).toBe(
      'from web-push',
    );
    expect(httpEceDecrypt(new Uint8Array(details.body), browser).toString()).toBe('from web-push');
  });

  it('http_ece decrypts the campaign message zeropass sent to the push service', async () => {
    const b = await pushBrand(t, 'push-oracle');
    const shopper = await pushShopper(t, b, { locale: 'fr-CA' });
    await createCampaign(t, b, {
      message: { title: 'Sale', body: 'Default text' },
      variants: { fr: { title: 'Soldes', body: 'Texte en français', url: 'https://shop.example/fr' } },
    });
    await drainJobs(t);
    const [sent] = t.push.to(shopper.subscription.endpoint);
    expect(sent?.status).toBe(201);
    expect(sent?.headers['content-encoding']).toBe('aes128gcm');
    const payload = JSON.parse(
      httpEceDecrypt(sent?.body ?? new Uint8Array(), shopper.subscription.browser).toString(),
    );
    expect(payload).toMatchObject({
      title: 'Soldes',
      body: 'Texte en français',
      url: 'https://shop.example/fr',
    });
  });
});
