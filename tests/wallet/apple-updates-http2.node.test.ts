/**
 * The Node entry's path to APNs: HTTP/2 over TLS with the brand's Pass Type ID certificate as the
 * client certificate (certificate auth), against the fake APNs server. One connection carries
 * every push of a template; a 410 removes the registration.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appleRegistrations } from '../../src/db/schema/index.ts';
import { Http2ApnsTransport } from '../../src/node/node-apns.ts';
import { myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { FakeApns } from '../helpers/fake-apns.ts';
import { earnOk, type Provisioned, shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('APNs over node:http2 with certificate auth', () => {
  const pki = inject('applePki');
  const apns = new FakeApns();
  let transport: Http2ApnsTransport;
  let t: TestApp;
  let b: Provisioned;
  beforeAll(async () => {
    const { baseUrl } = await apns.listen({
      certificatePem: pki.apnsServer.certificatePem,
      privateKeyPem: pki.apnsServer.privateKeyPem,
      caPem: pki.wwdrPem,
    });
    transport = new Http2ApnsTransport({ baseUrl, now: Date.now, timeoutMs: 5_000, ca: pki.rootPem });
    t = await createTestApp({ apns: transport });
    b = await t.brand('wallet-h2');
    await setUpApplePass(t, b);
  });
  afterAll(async () => {
    await transport.close();
    await apns.close();
    t.close();
  });

  it('pushes every device over one connection, as the pass certificate; a 410 unregisters', async () => {
    const devices: { id: string; pushToken: string; serial: string }[] = [];
    const shoppers = [];
    for (let i = 0; i < 3; i++) {
      const shopper = await shopperWithCard(t, b);
      const pass = passJsonOf(await myApplePass(t, shopper.accessToken));
      const device = { id: `h2dev${i}`, pushToken: `${i}`.repeat(64), serial: pass.serialNumber };
      const res = await t.request(
        `/wallet/apple/v1/devices/${device.id}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`,
        {
          method: 'POST',
          headers: { authorization: `ApplePass ${pass.authenticationToken}` },
          json: { pushToken: device.pushToken },
        },
      );
      expect(res.status).toBe(201);
      devices.push(device);
      shoppers.push(shopper);
    }
    apns.answerFor(devices[2]?.pushToken ?? '', { status: 410, reason: 'Unregistered' });
    for (const shopper of shoppers) await earnOk(t, b, shopper.cardId, 1000);
    await t.runJobs();

    const accepted = apns.pushes.filter((p) => p.status === 200);
    expect(accepted.map((p) => p.deviceToken).sort()).toEqual(
      [devices[0]?.pushToken, devices[1]?.pushToken].sort(),
    );
    for (const push of accepted) {
      expect(push).toMatchObject({
        auth: 'certificate',
        topic: pki.brand.passTypeId,
        pushType: 'background',
      });
      expect(push.clientCertSubject).toContain(`UID=${pki.brand.passTypeId}`);
    }
    expect(apns.sessionsOpened).toBe(1);
    const { db } = t.database;
    const left = await db.select().from(appleRegistrations).where(eq(appleRegistrations.brandId, b.brand.id));
    expect(left.map((r: { deviceLibraryId: string }) => r.deviceLibraryId).sort()).toEqual([
      'h2dev0',
      'h2dev1',
    ]);
  });
});
