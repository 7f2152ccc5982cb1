import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { GOOGLE_SAVE_URL } from '../helpers/fake-google.ts';
import {
  GOOGLE_DESIGN,
  ISSUER_ID,
  objectIdFromLink,
  rotatingValue,
  saveLink,
  setUpGoogleIssuer,
} from '../helpers/google-wallet.ts';
import { earnOk, type Provisioned, scan, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const ISSUER_PATH = '/v1/admin/wallet/google/issuer';

describe('Google Wallet issuer (admin)', () => {
  let t: TestApp;
  let a: Provisioned;
  let b: Provisioned;
  beforeAll(async () => {
    t = await createTestApp();
    a = await t.brand('gw-admin-a');
    b = await t.brand('gw-admin-b');
  });
  afterAll(() => t.close());

  it('needs the key the first time, keeps it after, and never returns or stores it in clear', async () => {
    const first = await t.request(ISSUER_PATH, {
      method: 'PUT',
      token: a.adminKey,
      json: { issuerId: ISSUER_ID, design: GOOGLE_DESIGN },
    });
    expect(first.status).toBe(400);
    const account = await setUpGoogleIssuer(t, a);
    const again = await t.request(ISSUER_PATH, {
      method: 'PUT',
      token: a.adminKey,
      json: { issuerId: ISSUER_ID, design: { ...GOOGLE_DESIGN, programName: 'Lumen Club' } },
    });
    expect(again.status).toBe(200);
    const view = (await (await t.request(ISSUER_PATH, { token: a.adminKey })).json()) as {
      design: { programName: string; labels: unknown };
    };
    expect(view).toMatchObject({ issuerId: ISSUER_ID, serviceAccount: account.key.client_email, version: 2 });
    expect(view.design.programName).toBe('Lumen Club');
    expect(view.design.labels).toEqual({ points: 'Points', tier: 'Tier', vouchers: 'Vouchers' });
    const keyBody = account.key.private_key.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(40);
    expect(JSON.stringify(view)).not.toContain(keyBody);
    expect(await databaseHaystack(t.database)).not.toContain(keyBody);
  });

  it('refuses a key that is not RSA PKCS#8, and a bad issuer id, changing nothing', async () => {
    const account = await t.google.serviceAccount();
    const bad = {
      ...account.key,
      private_key: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(200)}\n-----END PRIVATE KEY-----\n`,
    };
    const res = await t.request(ISSUER_PATH, {
      method: 'PUT',
      token: b.adminKey,
      json: { issuerId: ISSUER_ID, design: GOOGLE_DESIGN, serviceAccountKey: bad },
    });
    expect(res.status).toBe(422);
    const badId = await t.request(ISSUER_PATH, {
      method: 'PUT',
      token: b.adminKey,
      json: { issuerId: 'abc', design: GOOGLE_DESIGN, serviceAccountKey: account.key },
    });
    expect((await problemOf(badId)).code).toBe('invalid_request');
    expect((await t.request(ISSUER_PATH, { token: b.adminKey })).status).toBe(404);
  });

  it('keeps brands apart, and only admin keys may touch it', async () => {
    await setUpGoogleIssuer(t, a);
    expect((await t.request(ISSUER_PATH, { token: b.adminKey })).status).toBe(404);
    expect((await t.request(ISSUER_PATH, { token: a.posKey })).status).toBe(403);
    expect((await t.request(ISSUER_PATH, { method: 'DELETE', token: b.adminKey })).status).toBe(404);
    expect((await t.request(ISSUER_PATH, { token: a.adminKey })).status).toBe(200);
  });
});

describe('GET /v1/me/wallet/google', () => {
  let t: TestApp;
  let b: Provisioned;
  let publicKey: CryptoKey;
  let email: string;
  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('gw-save');
  });
  afterAll(() => t.close());

  it('answers 409 until the brand has an issuer', async () => {
    const shopper = await shopperWithCard(t, b);
    const res = await t.request('/v1/me/wallet/google', { token: shopper.accessToken });
    expect((await problemOf(res)).code).toBe('wallet_not_configured');
    const account = await setUpGoogleIssuer(t, b);
    publicKey = account.publicKey;
    email = account.key.client_email;
  });

  it('creates the class and the object first, then answers a skinny save JWT signed by the service account', async () => {
    const shopper = await shopperWithCard(t, b);
    await earnOk(t, b, shopper.cardId, 4200);
    const url = await saveLink(t, shopper.accessToken);
    expect(url.startsWith(`${GOOGLE_SAVE_URL}/`)).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(url.slice(GOOGLE_SAVE_URL.length + 1), publicKey, {
      audience: 'google',
      issuer: email,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.typ).toBe('savetowallet');
    const objectId = `${ISSUER_ID}.${shopper.cardId}`;
    expect(payload.payload).toEqual({
      loyaltyObjects: [{ id: objectId, classId: `${ISSUER_ID}.${b.brand.id}` }],
    });

    const cls = t.google.classes.get(`${ISSUER_ID}.${b.brand.id}`);
    expect(cls).toMatchObject({
      issuerName: 'Café Lumen',
      programName: 'Lumen Rewards',
      hexBackgroundColor: '#1f2937',
    });
    const object = t.google.objects.get(objectId);
    expect(object).toMatchObject({
      classId: `${ISSUER_ID}.${b.brand.id}`,
      accountId: shopper.cardId,
      state: 'ACTIVE',
      loyaltyPoints: { label: 'Points', balance: { int: 42 } },
      barcode: { type: 'QR_CODE', value: shopper.code },
    });
    expect(object).not.toHaveProperty('accountName');
    expect(JSON.stringify(object)).not.toContain(shopper.customerId);
    const modules = (object?.textModulesData ?? []) as { id: string }[];
    expect(modules.map((m) => m.id)).toEqual(['tier', 'vouchers']);
  });

  it('asks again: the object is patched, not duplicated, and one token serves every call', async () => {
    const shopper = await shopperWithCard(t, b);
    const first = objectIdFromLink(await saveLink(t, shopper.accessToken));
    const inserts = t.google.callsOf('POST', 'loyaltyObject').length;
    const second = objectIdFromLink(await saveLink(t, shopper.accessToken));
    expect(second).toBe(first);
    expect(t.google.callsOf('POST', 'loyaltyObject').length).toBe(inserts + 1);
    expect(t.google.callsOf('PATCH', 'loyaltyObject').at(-1)?.id).toBe(first);
    expect(t.google.tokenRequests).toBe(1);
  });

  it('a rotating code computed from the object’s rotatingBarcode scans at the POS once', async () => {
    const shopper = await shopperWithCard(t, b);
    const id = objectIdFromLink(await saveLink(t, shopper.accessToken));
    const barcode = t.google.objects.get(id)?.rotatingBarcode as Parameters<typeof rotatingValue>[0];
    const code = await rotatingValue(barcode, t.deps.now());
    expect(code).toMatch(new RegExp(`^ZT1\\.${shopper.cardId}\\.[0-9]{8}$`));
    const first = await scan(t, b, code);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { card: string }).card).toBe(shopper.cardId);
    const replay = await scan(t, b, code);
    expect((await problemOf(replay)).code).toBe('card_code_used');
  });

  it('answers 503 while Google fails, changing nothing, and works once it recovers', async () => {
    const shopper = await shopperWithCard(t, b);
    t.google.faults.push({ status: 503 });
    const res = await t.request('/v1/me/wallet/google', { token: shopper.accessToken });
    expect((await problemOf(res)).code).toBe('unavailable');
    expect(t.google.objects.has(`${ISSUER_ID}.${shopper.cardId}`)).toBe(false);
    t.google.faults.push('network');
    expect((await t.request('/v1/me/wallet/google', { token: shopper.accessToken })).status).toBe(503);
    expect(objectIdFromLink(await saveLink(t, shopper.accessToken))).toBe(`${ISSUER_ID}.${shopper.cardId}`);
  });
});
