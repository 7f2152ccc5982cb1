/**
 * End to end on both runtimes: an earn at the POS moves the pass's tag, the job queue pushes
 * every registered device once through APNs (the fake, token auth over the fetch transport),
 * the device list shows the serial as updated, and the pass fetched again shows the balance.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleDevices, appleRegistrations } from '../../src/db/schema/index.ts';
import { checkedPass, fieldsOf, myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { earnOk, type Provisioned, type Shopper, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const BASE = '/wallet/apple/v1';
let deviceCounter = 0;
const hexToken = () => `${(deviceCounter++).toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;

describe('Apple pass updates', () => {
  let t: TestApp;
  let b: Provisioned;
  let passTypeId: string;
  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('wallet-e2e');
    passTypeId = (await setUpApplePass(t, b, { apnsToken: true })).identity.passTypeId;
  });
  afterAll(() => t.close());

  async function holder(devices: number) {
    const shopper = await shopperWithCard(t, b);
    const pass = passJsonOf(await myApplePass(t, shopper.accessToken));
    const auth = { authorization: `ApplePass ${pass.authenticationToken}` };
    const registered: { id: string; pushToken: string }[] = [];
    for (let i = 0; i < devices; i++) {
      const device = { id: `dev${deviceCounter}x${i}`, pushToken: hexToken() };
      const res = await t.request(
        `${BASE}/devices/${device.id}/registrations/${passTypeId}/${pass.serialNumber}`,
        {
          method: 'POST',
          headers: auth,
          json: { pushToken: device.pushToken },
        },
      );
      expect(res.status).toBe(201);
      registered.push(device);
    }
    return { shopper, serial: pass.serialNumber, auth, devices: registered };
  }

  const list = (deviceId: string, since?: string) =>
    t.request(
      `${BASE}/devices/${deviceId}/registrations/${passTypeId}${since ? `?passesUpdatedSince=${since}` : ''}`,
    );
  /** Pushes APNs accepted (200) for these tokens. */
  const pushesTo = (tokens: string[]) =>
    t.apns.pushes.filter((p) => p.status === 200 && tokens.includes(p.deviceToken));

  it('earn → the device list shows the serial → one push per device → the pass shows the balance', async () => {
    const h = await holder(2);
    const first = (await (await list(h.devices[0]?.id ?? '')).json()) as { lastUpdated: string };
    expect((await list(h.devices[0]?.id ?? '', first.lastUpdated)).status).toBe(204);

    t.clock.offsetMs += 1000;
    const earned = await earnOk(t, b, h.shopper.cardId, 2500);
    const changed = await list(h.devices[0]?.id ?? '', first.lastUpdated);
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(body.serialNumbers).toEqual([h.serial]);
    expect(Number(body.lastUpdated)).toBeGreaterThan(Number(first.lastUpdated));

    await t.runJobs();
    const pushes = pushesTo(h.devices.map((d) => d.pushToken));
    expect(pushes.map((p) => p.deviceToken).sort()).toEqual(h.devices.map((d) => d.pushToken).sort());
    for (const p of pushes)
      expect(p).toMatchObject({ topic: passTypeId, pushType: 'background', auth: 'token' });

    const res = await t.request(`${BASE}/passes/${passTypeId}/${h.serial}`, { headers: h.auth });
    expect(res.status).toBe(200);
    const updated = passJsonOf(await checkedPass(res));
    expect(fieldsOf(updated).points?.value).toBe(earned.entry.balance);
    expect(updated.serialNumber).toBe(h.serial);
    expect(updated.authenticationToken).toBe(h.auth.authorization.slice('ApplePass '.length));
  });

  it('coalesces a burst of changes to one card into one push per device', async () => {
    const h = await holder(2);
    for (let i = 0; i < 6; i++) await earnOk(t, b, h.shopper.cardId, 1000);
    await t.runJobs();
    expect(pushesTo(h.devices.map((d) => d.pushToken))).toHaveLength(2);
    // A later change is a new push: the burst's key was released when its job ran.
    await earnOk(t, b, h.shopper.cardId, 1000);
    await t.runJobs();
    expect(pushesTo(h.devices.map((d) => d.pushToken))).toHaveLength(4);
  });

  it('a 410 from APNs removes that device and its registration; the other device stays', async () => {
    const h = await holder(2);
    const [gone, kept] = h.devices as [{ id: string; pushToken: string }, { id: string; pushToken: string }];
    t.apns.answerFor(gone.pushToken, { status: 410, reason: 'Unregistered' });
    await earnOk(t, b, h.shopper.cardId, 1000);
    await t.runJobs();
    const { db } = t.database;
    expect(
      await db.select().from(appleRegistrations).where(eq(appleRegistrations.deviceLibraryId, gone.id)),
    ).toEqual([]);
    expect(await db.select().from(appleDevices).where(eq(appleDevices.deviceLibraryId, gone.id))).toEqual([]);
    expect(
      await db.select().from(appleRegistrations).where(eq(appleRegistrations.deviceLibraryId, kept.id)),
    ).toHaveLength(1);
    expect((await list(gone.id)).status).toBe(204);
  });

  it('a 400 BadDeviceToken drops the device too; 429 and 500 come back later and then deliver', async () => {
    const h = await holder(3);
    const [bad, busy, broken] = h.devices as { id: string; pushToken: string }[] as [
      { id: string; pushToken: string },
      { id: string; pushToken: string },
      { id: string; pushToken: string },
    ];
    t.apns.answerFor(bad.pushToken, { status: 400, reason: 'BadDeviceToken' });
    t.apns.faultOnce({ status: 429, reason: 'TooManyRequests' }, busy.pushToken);
    t.apns.faultOnce({ status: 500, reason: 'InternalServerError' }, broken.pushToken);
    await earnOk(t, b, h.shopper.cardId, 1000);
    await t.runJobs();
    expect(pushesTo([busy.pushToken, broken.pushToken])).toHaveLength(0);
    const { db } = t.database;
    expect(await db.select().from(appleDevices).where(eq(appleDevices.deviceLibraryId, bad.id))).toEqual([]);
    t.clock.offsetMs += 10 * 60_000;
    await t.runJobs();
    expect(
      pushesTo([busy.pushToken, broken.pushToken])
        .map((p) => p.deviceToken)
        .sort(),
    ).toEqual([busy.pushToken, broken.pushToken].sort());
  });

  it('a card without a pass, or a pass without devices, pushes nothing', async () => {
    const plain: Shopper = await shopperWithCard(t, b);
    const before = t.apns.pushes.length;
    await earnOk(t, b, plain.cardId, 1000);
    const h = await holder(0);
    await earnOk(t, b, h.shopper.cardId, 1000);
    await t.runJobs();
    expect(t.apns.pushes.length).toBe(before);
  });
});
