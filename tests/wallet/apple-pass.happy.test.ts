import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf, myApplePass, passFiles, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
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
    const pass = passJsonOf(bytes);
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
});
