import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf, myApplePass, passFiles, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { checkPass } from '../helpers/check-pass.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('GET /v1/me/wallet/apple', () => {
  let t: TestApp;
  let b: Provisioned;
  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('wallet');
    await setUpApplePass(t, b);
  });
  afterAll(() => t.close());

  it('answers a storeCard with the card code, the card facts and the web service', async () => {
    const shopper = await shopperWithCard(t, b);
    const earned = await earnOk(t, b, shopper.cardId, 4000);
    expect(earned.entry.balance).toBeGreaterThan(0);
    const bytes = await myApplePass(t, shopper.accessToken);
    const verified = await checkPass(bytes);
    expect(verified.certificateSubjects.join('\n')).toMatch(/Worldwide Developer Relations/);
    expect(verified.languages).toEqual(['fr']);
    const pass = passJsonOf(bytes);
    // No customer id, and no PII of the sign-in, anywhere in the archive.
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).not.toContain(shopper.customerId);
    expect(pass.serialNumber).toMatch(/^aps_/);
    expect(pass.authenticationToken.length).toBeGreaterThanOrEqual(32);
    expect(pass.webServiceURL).toBe(`${t.deps.config.publicUrl}/wallet/apple`);
    expect(pass.barcodes).toEqual([
      { format: 'PKBarcodeFormatQR', message: shopper.code, messageEncoding: 'iso-8859-1' },
    ]);
    const fields = fieldsOf(pass);
    expect(fields.points).toMatchObject({
      value: earned.entry.balance,
      changeMessage: 'You now have %@ points',
    });
    expect(fields.tier?.changeMessage).toContain('%@');
    expect(fields.vouchers?.changeMessage).toContain('%@');
    expect(Object.keys(passFiles(bytes)).sort()).toEqual([
      'fr.lproj/pass.strings',
      'icon.png',
      'icon@2x.png',
      'logo.png',
      'manifest.json',
      'pass.json',
      'signature',
    ]);
  });

  it('the oracle refuses a tampered pass: a changed image, a manifest re-hashed without re-signing', async () => {
    const shopper = await shopperWithCard(t, b);
    const bytes = await myApplePass(t, shopper.accessToken);
    const files = passFiles(bytes);
    const icon = files['icon.png'] as Uint8Array;
    icon[40] = (icon[40] ?? 0) ^ 1;
    await expect(checkPass(zipSync(files, { level: 0 }))).rejects.toThrow(/manifest hash of icon.png/);
    // A consistent manifest for a changed image: every hash matches, the signature does not.
    const again = passFiles(bytes);
    const manifest = JSON.parse(new TextDecoder().decode(again['manifest.json'])) as Record<string, string>;
    again['icon.png'] = icon;
    manifest['icon.png'] = [
      ...new Uint8Array(await crypto.subtle.digest('SHA-1', icon as Uint8Array<ArrayBuffer>)),
    ]
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
    again['manifest.json'] = new TextEncoder().encode(JSON.stringify(manifest));
    await expect(checkPass(zipSync(again, { level: 0 }))).rejects.toThrow(/openssl cms -verify/);
  });

  it('serves the same serial and token every time, and a new signing time', async () => {
    const shopper = await shopperWithCard(t, b);
    const first = passJsonOf(await myApplePass(t, shopper.accessToken));
    const second = passJsonOf(await myApplePass(t, shopper.accessToken));
    expect(second.serialNumber).toBe(first.serialNumber);
    expect(second.authenticationToken).toBe(first.authenticationToken);
  });
});
