/**
 * Apple's pass web service as Wallet calls it, written from the PassKit Web Service reference:
 * register (201 new, 200 again, 401), the list of updatable passes (200 `{serialNumbers,
 * lastUpdated}` with a string tag, 204), the latest pass (200 pkpass with Last-Modified, 304,
 * 401), unregister (200, 401) and log (200, scrubbed, per brand, 429). No answer other than the
 * pass itself, and no log line, ever carries a pass's token.
 * @see https://developer.apple.com/documentation/walletpasses/register-a-pass-for-update-notifications
 * @see https://developer.apple.com/documentation/walletpasses/get-the-list-of-updatable-passes
 * @see https://developer.apple.com/documentation/walletpasses/send-an-updated-pass
 * @see https://developer.apple.com/documentation/walletpasses/unregister-a-pass-for-update-notifications
 * @see https://developer.apple.com/documentation/walletpasses/log-a-message
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleDevices, appleRegistrations } from '../../src/db/schema/index.ts';
import { DEVICE_LOG_POSTS_PER_MINUTE } from '../../src/wallet/apple/routes/device-logs.ts';
import { checkedPass, fieldsOf, myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const BASE = '/wallet/apple/v1';
const PKPASS = 'application/vnd.apple.pkpass';
const hex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (x) => x.toString(16).padStart(2, '0')).join('');
// On D1 every test file shares one database: device ids and client addresses are unique per run.
const newDevice = () => `dev-${hex(8)}`;
let addressCounter = 0;
const newAddress = () => `198.51.${addressCounter++}.7`;
type Hdrs = Record<string, string>;

describe('Apple pass web service', () => {
  let t: TestApp;
  let b: Provisioned;
  let other: Provisioned;
  let passTypeId: string;
  let otherPassTypeId: string;
  /** Every answer of this file but the passes themselves, and every token and header sent. */
  const answers: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('pws');
    other = await t.brand('pws-other');
    passTypeId = (await setUpApplePass(t, b)).identity.passTypeId;
    otherPassTypeId = (await setUpApplePass(t, other, { identity: 'other' })).identity.passTypeId;
  });
  afterAll(() => t.close());

  async function call(path: string, init: RequestInit & { json?: unknown } = {}) {
    const res = await t.request(path, init);
    if (res.headers.get('content-type') !== PKPASS) answers.push(await res.clone().text());
    return res;
  }
  async function holder(brand = b) {
    const shopper = await shopperWithCard(t, brand);
    const pass = passJsonOf(await myApplePass(t, shopper.accessToken));
    const authorization = `ApplePass ${pass.authenticationToken}`;
    secrets.push(pass.authenticationToken, authorization);
    return { shopper, serial: pass.serialNumber, token: pass.authenticationToken, auth: { authorization } };
  }
  type Holder = Awaited<ReturnType<typeof holder>>;
  const register = (
    device: string,
    h: Holder,
    pushToken = hex(32),
    headers: Hdrs = h.auth,
    type = passTypeId,
  ) =>
    call(`${BASE}/devices/${device}/registrations/${type}/${h.serial}`, {
      method: 'POST',
      headers,
      json: { pushToken },
    });
  const unregister = (device: string, h: Holder, headers: Hdrs = h.auth) =>
    call(`${BASE}/devices/${device}/registrations/${passTypeId}/${h.serial}`, { method: 'DELETE', headers });
  const list = (device: string, since?: string, type = passTypeId) =>
    call(
      `${BASE}/devices/${device}/registrations/${type}${since === undefined ? '' : `?passesUpdatedSince=${since}`}`,
    );
  const latest = (h: Holder, headers: Hdrs = h.auth, type = passTypeId) =>
    call(`${BASE}/passes/${type}/${h.serial}`, { headers });
  const deviceRows = (device: string) =>
    t.database.db.select().from(appleDevices).where(eq(appleDevices.deviceLibraryId, device));
  const registrationRows = (device: string) =>
    t.database.db.select().from(appleRegistrations).where(eq(appleRegistrations.deviceLibraryId, device));
  const expectUnauthorized = async (res: Response) => {
    expect(res.status).toBe(401);
    expect((await problemOf(res)).code).toBe('unauthorized');
  };
  const wrong = (h: Holder) => {
    const flipped = `${h.token.startsWith('A') ? 'B' : 'A'}${h.token.slice(1)}`;
    secrets.push(flipped);
    return { authorization: `ApplePass ${flipped}` };
  };

  describe('register a pass for update notifications', () => {
    it('answers 201 for a new registration and 200 again; a new push token replaces the old', async () => {
      const h = await holder();
      const device = newDevice();
      const first = hex(32);
      expect((await register(device, h, first)).status).toBe(201);
      expect(await deviceRows(device)).toMatchObject([{ brandId: b.brand.id, pushToken: first }]);
      expect((await register(device, h, first)).status).toBe(200);
      const renewed = hex(32).toUpperCase();
      expect((await register(device, h, renewed)).status).toBe(200);
      expect(await deviceRows(device)).toMatchObject([{ pushToken: renewed.toLowerCase() }]);
      expect(await registrationRows(device)).toMatchObject([{ brandId: b.brand.id, serial: h.serial }]);
      // The same device holding a second pass is a second registration.
      expect((await register(device, await holder())).status).toBe(201);
      expect(await registrationRows(device)).toHaveLength(2);
    });

    it('answers 401 without a token, with a wrong one, another serial’s, or a wrong pass type id', async () => {
      const h = await holder();
      const someoneElse = await holder();
      const device = newDevice();
      await expectUnauthorized(await register(device, h, hex(32), {}));
      await expectUnauthorized(await register(device, h, hex(32), wrong(h)));
      await expectUnauthorized(await register(device, h, hex(32), { authorization: `Bearer ${h.token}` }));
      await expectUnauthorized(await register(device, h, hex(32), someoneElse.auth));
      await expectUnauthorized(await register(device, h, hex(32), h.auth, otherPassTypeId));
      await expectUnauthorized(await register(device, h, hex(32), h.auth, 'pass.test.zeropass.unknown'));
      expect(await deviceRows(device)).toEqual([]);
      expect(await registrationRows(device)).toEqual([]);
    });

    it('answers 400 for a push token that is not hex, and registers nothing', async () => {
      const h = await holder();
      const device = newDevice();
      expect((await register(device, h, 'not a push token')).status).toBe(400);
      expect(await deviceRows(device)).toEqual([]);
    });
  });

  describe('get the list of updatable passes', () => {
    it('answers 204 for a device with no registration', async () => {
      expect((await list(newDevice())).status).toBe(204);
      expect((await list(newDevice(), '0')).status).toBe(204);
    });

    it('answers the serials and a string tag; the tag gives 204 until the card changes', async () => {
      const h = await holder();
      const device = newDevice();
      expect((await register(device, h)).status).toBe(201);
      const all = await list(device);
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toMatch(/^application\/json/);
      const first = (await all.json()) as { serialNumbers: string[]; lastUpdated: unknown };
      expect(first.serialNumbers).toEqual([h.serial]);
      expect(first.lastUpdated).toEqual(expect.stringMatching(/^\d+$/));
      const tag = first.lastUpdated as string;
      expect((await list(device, tag)).status).toBe(204);
      // Registered under the brand's pass type id only.
      expect((await list(device, undefined, otherPassTypeId)).status).toBe(204);

      await earnOk(t, b, h.shopper.cardId, 1500);
      const changed = await list(device, tag);
      expect(changed.status).toBe(200);
      const next = (await changed.json()) as { serialNumbers: string[]; lastUpdated: string };
      expect(next.serialNumbers).toEqual([h.serial]);
      expect(Number(next.lastUpdated)).toBeGreaterThan(Number(tag));
      expect((await list(device, next.lastUpdated)).status).toBe(204);
    });
  });

  describe('send an updated pass', () => {
    it('answers the pass with Last-Modified, 304 for that date, and 200 again after a change', async () => {
      const h = await holder();
      const res = await latest(h);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(PKPASS);
      const lastModified = res.headers.get('last-modified') ?? '';
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);
      const pass = passJsonOf(await checkedPass(res));
      expect(pass).toMatchObject({ serialNumber: h.serial, passTypeIdentifier: passTypeId });

      const same = await latest(h, { ...h.auth, 'if-modified-since': lastModified });
      expect(same.status).toBe(304);
      expect(await same.text()).toBe('');

      t.clock.offsetMs += 1000;
      const earned = await earnOk(t, b, h.shopper.cardId, 2000);
      const updated = await latest(h, { ...h.auth, 'if-modified-since': lastModified });
      expect(updated.status).toBe(200);
      const later = updated.headers.get('last-modified') ?? '';
      expect(Date.parse(later)).toBeGreaterThan(Date.parse(lastModified));
      expect(fieldsOf(passJsonOf(await checkedPass(updated))).points?.value).toBe(earned.entry.balance);
      expect((await latest(h, { ...h.auth, 'if-modified-since': later })).status).toBe(304);
      expect((await latest(h, { ...h.auth, 'if-modified-since': 'yesterday' })).status).toBe(200);
    });

    it('answers 401 without a token, with a wrong one, another serial’s, or a wrong pass type id', async () => {
      const h = await holder();
      await expectUnauthorized(await latest(h, {}));
      await expectUnauthorized(await latest(h, wrong(h)));
      await expectUnauthorized(await latest(h, (await holder()).auth));
      await expectUnauthorized(await latest(h, h.auth, otherPassTypeId));
    });
  });

  describe('unregister a pass for update notifications', () => {
    it('answers 401 with a wrong token and keeps the registration; 200, then the device is gone', async () => {
      const h = await holder();
      const device = newDevice();
      expect((await register(device, h)).status).toBe(201);
      await expectUnauthorized(await unregister(device, h, wrong(h)));
      await expectUnauthorized(await unregister(device, h, {}));
      expect(await registrationRows(device)).toHaveLength(1);

      expect((await unregister(device, h)).status).toBe(200);
      expect((await list(device)).status).toBe(204);
      expect(await registrationRows(device)).toEqual([]);
      expect(await deviceRows(device)).toEqual([]);
    });

    it('keeps a device that still holds another pass', async () => {
      const [h, kept] = [await holder(), await holder()];
      const device = newDevice();
      expect((await register(device, h)).status).toBe(201);
      expect((await register(device, kept)).status).toBe(201);
      expect((await unregister(device, h)).status).toBe(200);
      expect(await deviceRows(device)).toHaveLength(1);
      const rest = (await (await list(device)).json()) as { serialNumbers: string[] };
      expect(rest.serialNumbers).toEqual([kept.serial]);
    });
  });

  describe('log a message', () => {
    const post = (logs: string[], address = newAddress()) =>
      call(`${BASE}/log`, { method: 'POST', headers: { 'cf-connecting-ip': address }, json: { logs } });
    const logsOf = async (brand: Provisioned) => {
      const res = await call('/v1/admin/wallet/apple/device-logs', {
        headers: { authorization: `Bearer ${brand.adminKey}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { message: string }[] }).data.map((d) => d.message);
    };

    it('keeps only lines naming a brand’s pass type id, scrubbed, for that brand’s admins', async () => {
      const h = await holder();
      const marker = `m${hex(4)}`;
      const push = hex(32);
      const lines = [
        `[${marker}] Register task (pass type ${passTypeId}, serial number ${h.serial}) for jane.doe@example.com sent Authorization: ${h.auth.authorization} and push token ${push}; raw ${h.token} end`,
        `[${marker}] Get serial #s task (device ${newDevice()}) encountered error: Server error`,
        `[${marker}] Get pass task (pass type pass.test.zeropass.unknown, serial number ${h.serial}) failed`,
      ];
      expect((await post(lines)).status).toBe(200);
      const mine = (await logsOf(b)).filter((m) => m.includes(marker));
      expect(mine).toHaveLength(1);
      const [message = ''] = mine;
      expect(message).toContain(`pass type ${passTypeId}, serial number ${h.serial}`);
      expect(message).toContain('ApplePass [redacted]');
      for (const gone of ['jane.doe@example.com', h.token, push]) expect(message).not.toContain(gone);
      expect((await logsOf(other)).filter((m) => m.includes(marker))).toEqual([]);
      expect(await logsOf(await t.brand('pws-none'))).toEqual([]);
      // The other brand gets the lines that name its pass type id, and the first brand does not.
      expect((await post([`[${marker}] Web service error for ${otherPassTypeId}`])).status).toBe(200);
      expect((await logsOf(other)).filter((m) => m.includes(marker))).toHaveLength(1);
      expect((await logsOf(b)).filter((m) => m.includes(marker))).toHaveLength(1);
    });

    it(`answers 429 past ${DEVICE_LOG_POSTS_PER_MINUTE} posts a minute from one address`, async () => {
      // Start early in a fixed window, so the posts cannot straddle two windows.
      t.clock.offsetMs += 61_000 - ((Date.now() + t.clock.offsetMs) % 60_000);
      const address = newAddress();
      for (let i = 0; i < DEVICE_LOG_POSTS_PER_MINUTE; i++) {
        expect((await post(['Get pass task failed'], address)).status).toBe(200);
      }
      const refused = await post(['Get pass task failed'], address);
      expect(refused.status).toBe(429);
      expect((await problemOf(refused)).code).toBe('rate_limited');
      expect((await post(['Get pass task failed'], newAddress())).status).toBe(200);
      t.clock.offsetMs += 60_000;
      expect((await post(['Get pass task failed'], address)).status).toBe(200);
    });
  });

  // Runs last: every answer above, and every log line the app wrote.
  it('never puts a pass token or an Authorization header in an answer or a log line', () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(answers.length).toBeGreaterThan(50);
    const haystacks = [...answers, ...t.logs];
    const leaks = secrets.filter((s) => haystacks.some((text) => text.includes(s)));
    expect(leaks).toEqual([]);
  });
});
