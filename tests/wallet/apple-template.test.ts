/**
 * `/v1/admin/wallet/apple/template` and its images: credentials as PEM or .p12 (modern and
 * legacy), read once and sealed, never answered; the identity comes from the certificate; images
 * are checked PNGs within Apple's sizes; and one brand's admin never reaches another's template.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applePassTemplates } from '../../src/db/schema/index.ts';
import {
  DEFAULT_DESIGN,
  myApplePass,
  passJsonOf,
  putImage,
  setUpApplePass,
} from '../helpers/apple-wallet.ts';
import { type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';
import { testPng } from '../helpers/test-png.ts';

const PATH = '/v1/admin/wallet/apple/template';
const pki = inject('applePki');
const pemCredentials = {
  certificate: pki.brand.certificatePem,
  privateKey: pki.brand.privateKeyPem,
  wwdr: pki.wwdrPem,
};
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');
/** 24-character pieces (18 bytes) of each secret, in base64 and base64url. */
const secrets = [pki.brand.privateKeyPem, pki.brand.certificatePem, pki.apnsToken.privateKeyPem].map(pemBody);
const secretPieces = [...secrets, pki.brand.p12Base64]
  .flatMap((s) => Array.from({ length: Math.floor(s.length / 24) }, (_, i) => s.slice(i * 24, i * 24 + 24)))
  .flatMap((p) => [p, p.replace(/\+/g, '-').replace(/\//g, '_')]);
const leaksIn = (text: string) => secretPieces.filter((p) => text.includes(p));

type View = Record<string, unknown> & { version: number; images: { name: string }[] };

describe('Apple pass template (admin)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const getTemplate = (b: Provisioned, token = b.adminKey) => t.request(PATH, { token });
  const put = (b: Provisioned, json: unknown, token = b.adminKey) =>
    t.request(PATH, { method: 'PUT', token, json });
  const removeImage = (b: Provisioned, name: string, token = b.adminKey) =>
    t.request(`${PATH}/images/${name}`, { method: 'DELETE', token });
  const myPass = async (b: Provisioned) => (await shopperWithCard(t, b)).accessToken;
  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const problem = await problemOf(res);
    expect(problem.code).toBe(code);
    return problem;
  };
  const sealedOf = async (b: Provisioned) => {
    const [row] = await t.database.db
      .select({ sealed: applePassTemplates.sealedCredentials })
      .from(applePassTemplates)
      .where(eq(applePassTemplates.brandId, b.brand.id));
    return row?.sealed ?? '';
  };

  describe('happy', () => {
    it('answers 404 before a template, then saves PEM credentials without ever answering them', async () => {
      const b = await t.brand('tpl-pem');
      await expectProblem(await getTemplate(b), 404, 'not_found');
      const res = await put(b, { design: DEFAULT_DESIGN, credentials: pemCredentials });
      expect(res.status).toBe(200);
      const text = await res.text();
      const view = JSON.parse(text) as View;
      expect(view).toMatchObject({
        version: 1,
        passTypeId: pki.brand.passTypeId,
        teamId: pki.brand.teamId,
        apnsAuth: 'certificate',
        images: [],
        design: { organizationName: DEFAULT_DESIGN.organizationName },
      });
      expect(Object.keys(view).sort()).toEqual(
        [
          'apnsAuth',
          'certificateExpiresAt',
          'design',
          'images',
          'passTypeId',
          'teamId',
          'updatedAt',
          'version',
        ].sort(),
      );
      expect(Date.parse(view.certificateExpiresAt as string)).toBeGreaterThan(Date.now());
      expect(leaksIn(text)).toEqual([]);
      const again = await getTemplate(b);
      const againText = await again.text();
      expect(JSON.parse(againText)).toEqual(view);
      expect(leaksIn(againText)).toEqual([]);
      const sealed = await sealedOf(b);
      expect(sealed.length).toBeGreaterThan(1000);
      expect(leaksIn(sealed)).toEqual([]);
    });

    for (const [label, p12] of [
      ['modern (PBES2/AES)', pki.brand.p12Base64],
      ['legacy (3DES)', pki.brand.legacyP12Base64],
    ] as const) {
      it(`reads a ${label} .p12 with its passphrase, and the pass it signs names that identity`, async () => {
        const b = await t.brand('tpl-p12');
        const res = await put(b, {
          design: DEFAULT_DESIGN,
          credentials: { certificate: p12, passphrase: pki.brand.p12Passphrase, wwdr: pki.wwdrPem },
        });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({
          passTypeId: pki.brand.passTypeId,
          teamId: pki.brand.teamId,
        });
        expect(leaksIn(text)).toEqual([]);
        expect(leaksIn(await sealedOf(b))).toEqual([]);
        expect((await putImage(t, b, 'icon', await testPng(29, 29))).status).toBe(200);
        const pass = passJsonOf(await myApplePass(t, await myPass(b)));
        expect(pass).toMatchObject({
          passTypeIdentifier: pki.brand.passTypeId,
          teamIdentifier: pki.brand.teamId,
        });
      });
    }

    it('keeps the credentials when a later PUT has none, and bumps the version', async () => {
      const b = await t.brand('tpl-keep');
      await setUpApplePass(t, b, { apnsToken: true });
      const before = (await (await getTemplate(b)).json()) as View;
      const design = { ...DEFAULT_DESIGN, organizationName: 'Renamed Coffee' };
      const res = await put(b, { design });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(leaksIn(text)).toEqual([]);
      const after = JSON.parse(text) as View;
      const { passTypeId, teamId, images } = before;
      expect(after).toMatchObject({ passTypeId, teamId, images, apnsAuth: 'token' });
      expect(after.version).toBeGreaterThan(before.version);
      const pass = passJsonOf(await myApplePass(t, await myPass(b)));
      expect(pass).toMatchObject({
        organizationName: 'Renamed Coffee',
        passTypeIdentifier: pki.brand.passTypeId,
      });
    });

    it('stores, lists and removes images; each change bumps the version', async () => {
      const b = await t.brand('tpl-images');
      expect((await put(b, { design: DEFAULT_DESIGN, credentials: pemCredentials })).status).toBe(200);
      const png = await testPng(58, 58);
      const stored = await putImage(t, b, 'icon@2x', png);
      expect(stored.status).toBe(200);
      expect(await stored.json()).toMatchObject({
        name: 'icon@2x',
        width: 58,
        height: 58,
        bytes: png.length,
      });
      const view = (await (await getTemplate(b)).json()) as View;
      expect(view).toMatchObject({ version: 2, images: [{ name: 'icon@2x' }] });
      expect((await removeImage(b, 'icon@2x')).status).toBe(204);
      await expectProblem(await removeImage(b, 'icon@2x'), 404, 'not_found');
      expect(await (await getTemplate(b)).json()).toMatchObject({ version: 3, images: [] });
    });
  });

  describe('error', () => {
    it('refuses a wrong passphrase, a key of another identity, or no credentials the first time', async () => {
      const b = await t.brand('tpl-bad');
      const wrongPassphrase = await put(b, {
        design: DEFAULT_DESIGN,
        credentials: {
          certificate: pki.brand.p12Base64,
          passphrase: 'not-the-passphrase',
          wwdr: pki.wwdrPem,
        },
      });
      await expectProblem(wrongPassphrase, 422, 'invalid_pass_credentials');
      const otherKey = await put(b, {
        design: DEFAULT_DESIGN,
        credentials: { ...pemCredentials, privateKey: pki.other.privateKeyPem },
      });
      expect((await expectProblem(otherKey, 422, 'invalid_pass_credentials')).detail).toMatch(
        /does not belong/,
      );
      await expectProblem(await put(b, { design: DEFAULT_DESIGN }), 400, 'invalid_request');
      await expectProblem(await getTemplate(b), 404, 'not_found');
    });

    it('refuses a bad image: not a PNG, too many pixels, another type, over 512 KiB', async () => {
      const b = await t.brand('tpl-bad-images');
      await expectProblem(await putImage(t, b, 'icon', await testPng(29, 29)), 409, 'wallet_not_configured');
      expect((await put(b, { design: DEFAULT_DESIGN, credentials: pemCredentials })).status).toBe(200);
      // A real PNG but for one byte of its signature, and one cut before its IEND chunk.
      const badSignature = await testPng(29, 29);
      badSignature[1] = 0x51;
      const notPng = await expectProblem(await putImage(t, b, 'icon', badSignature), 422, 'invalid_image');
      expect(notPng.detail).toBe('not a PNG file');
      const truncated = (await testPng(29, 29)).slice(0, -12);
      await expectProblem(await putImage(t, b, 'icon', truncated), 422, 'invalid_image');
      const tooWide = await expectProblem(
        await putImage(t, b, 'icon', await testPng(30, 29)),
        422,
        'invalid_image',
      );
      expect(tooWide.detail).toContain('29×29');
      await expectProblem(await putImage(t, b, 'logo@2x', await testPng(321, 100)), 422, 'invalid_image');
      const asJpeg = await t.request(`${PATH}/images/icon`, {
        method: 'PUT',
        token: b.adminKey,
        headers: { 'content-type': 'image/jpeg' },
        body: await testPng(29, 29),
      });
      await expectProblem(asJpeg, 415, 'unsupported_media_type');
      await expectProblem(
        await putImage(t, b, 'strip', await testPng(375, 144, 512 * 1024 + 64)),
        413,
        'payload_too_large',
      );
      await expectProblem(await putImage(t, b, 'banner', await testPng(29, 29)), 400, 'invalid_request');
      expect(await (await getTemplate(b)).json()).toMatchObject({ version: 1, images: [] });
    });

    it('answers 409 wallet_not_configured to the shopper before a template and while icon is missing', async () => {
      const b = await t.brand('tpl-shopper');
      const shopper = await myPass(b);
      const pass = () => t.request('/v1/me/wallet/apple', { token: shopper });
      await expectProblem(await pass(), 409, 'wallet_not_configured');
      expect((await put(b, { design: DEFAULT_DESIGN, credentials: pemCredentials })).status).toBe(200);
      expect((await putImage(t, b, 'logo', await testPng(160, 50))).status).toBe(200);
      await expectProblem(await pass(), 409, 'wallet_not_configured');
      expect((await putImage(t, b, 'icon', await testPng(29, 29))).status).toBe(200);
      expect((await pass()).status).toBe(200);
      expect((await removeImage(b, 'icon')).status).toBe(204);
      await expectProblem(await pass(), 409, 'wallet_not_configured');
    });
  });

  describe('security', () => {
    it('answers 401 without a key or with an unknown one, and 403 to a POS key', async () => {
      const b = await t.brand('tpl-auth');
      for (const token of [undefined, 'zpk_admin_notarealkey000000000000']) {
        const res = await t.request(PATH, { ...(token ? { token } : {}) });
        await expectProblem(res, 401, 'unauthorized');
      }
      await expectProblem(await getTemplate(b, b.posKey), 403, 'forbidden');
      await expectProblem(
        await put(b, { design: DEFAULT_DESIGN, credentials: pemCredentials }, b.posKey),
        403,
        'forbidden',
      );
      await expectProblem(
        await putImage(t, { ...b, adminKey: b.posKey }, 'icon', await testPng(29, 29)),
        403,
        'forbidden',
      );
      await expectProblem(await removeImage(b, 'icon', b.posKey), 403, 'forbidden');
      await expectProblem(await getTemplate(b), 404, 'not_found');
    });

    it('never lets brand B see or change brand A’s template or images', async () => {
      const a = await t.brand('tpl-a');
      const bBrand = await t.brand('tpl-b');
      await setUpApplePass(t, a);
      const before = await (await getTemplate(a)).json();
      await expectProblem(await getTemplate(a, bBrand.adminKey), 404, 'not_found');
      await expectProblem(await removeImage(a, 'icon', bBrand.adminKey), 404, 'not_found');
      const asB = { ...a, adminKey: bBrand.adminKey };
      await expectProblem(
        await putImage(t, asB, 'icon', await testPng(20, 20)),
        409,
        'wallet_not_configured',
      );
      // B's PUT makes B's own template, with B's identity; A's is untouched.
      const mine = await put(
        bBrand,
        {
          design: { ...DEFAULT_DESIGN, organizationName: 'Brand B' },
          credentials: {
            certificate: pki.other.certificatePem,
            privateKey: pki.other.privateKeyPem,
            wwdr: pki.wwdrPem,
          },
        },
        bBrand.adminKey,
      );
      expect(await mine.json()).toMatchObject({ version: 1, passTypeId: pki.other.passTypeId, images: [] });
      expect(await (await getTemplate(a)).json()).toEqual(before);
      const pass = passJsonOf(await myApplePass(t, await myPass(a)));
      expect(pass).toMatchObject({
        organizationName: DEFAULT_DESIGN.organizationName,
        passTypeIdentifier: pki.brand.passTypeId,
      });
    });
  });
});
