/**
 * A customer with something in every section a right reaches: a contact in two CRMs (the
 * Salesforce fake and a webhook receiver), points and a voucher, consent events from a layout,
 * an Apple pass registered on a device, and a Google object. The app is the real one with the
 * runtime's jobs transport and the real relay.
 */
import { expect } from 'vitest';
import { myApplePass, passJsonOf, setUpApplePass } from '../helpers/apple-wallet.ts';
import { createLayout, submit } from '../helpers/consent.ts';
import { FakeWebhookReceiver, newWebhookSecret, WEBHOOK_URL } from '../helpers/fake-webhook-receiver.ts';
import { saveLink, setUpGoogleIssuer } from '../helpers/google-wallet.ts';
import { addReward, earnOk, type Provisioned, posSpend } from '../helpers/pos.ts';
import { addConnector, createRelayApp, FakeSalesforce, salesforceConfig } from '../helpers/relay-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';

export async function rightsApp(env: Record<string, string> = {}) {
  const sf = new FakeSalesforce();
  const secret = newWebhookSecret();
  const hook = new FakeWebhookReceiver([secret]);
  const connectorFetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return url.hostname === 'hooks.brand.example' ? hook.fetch(input, init) : sf.fetch(input, init);
  };
  const t = await createRelayApp({
    connectorFetch,
    env: { ZP_ERASURE_WALLET_GRACE_SECONDS: '3600', ...env },
  });
  const b = await t.brand('rights');
  const connectors = {
    salesforce: (await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf))).id,
    webhook: (await addConnector(t, b.adminKey, 'webhook', { url: WEBHOOK_URL, secret, timeoutMs: 1_000 }))
      .id,
  };
  const apple = await setUpApplePass(t, b, { apnsToken: true });
  await setUpGoogleIssuer(t, b);
  await createLayout(t, b);
  return { t, b, sf, hook, connectors, passTypeId: apple.identity.passTypeId };
}

let n = 0;

function appleTimes(t: TestApp) {
  const now = Math.floor(t.deps.now() / 1000);
  return { expiresIn: Math.ceil(t.clock.offsetMs / 1000) + 600, claims: { auth_time: now } };
}

export type RichCustomer = Awaited<ReturnType<typeof richCustomer>>;

export async function richCustomer(
  t: TestApp,
  b: Provisioned,
  hook: FakeWebhookReceiver,
  passTypeId: string,
  tag = `${n++}`,
) {
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  const email = `${canary}@privaterelay.appleid.com`;
  const firstName = `First${canary}`;
  const sub = `000777.${canary}.${tag}`;
  const aud = b.brand.appleClientIds[0] ?? '';
  const signIn = async () => {
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: {
        brand: b.brand.slug,
        // Minted at the app's clock, which tests move forward past the wallet grace.
        identityToken: await t.apple.token({ aud, sub, email, ...appleTimes(t) }),
        user: { name: { firstName, lastName: `Last${canary}` }, email },
      },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { customerId: string; accessToken: string };
  };
  const session = await signIn();
  const me = (await (await t.request('/v1/me', { token: session.accessToken })).json()) as {
    card: { number: string };
  };
  const cardId = me.card.number;
  hook.profiles.set(session.customerId, { email, firstName, source: 'brand webhook' });

  // Points and a voucher.
  await earnOk(t, b, cardId, 4200);
  const reward = await addReward(t, b, 10);
  const convert = await posSpend(t, b, '/v1/pos/convert', { card: cardId, reward: reward.id });
  expect(convert.status, await convert.clone().text()).toBe(200);

  // Consent events, given through the brand's layout while signed in.
  const joined = await submit(
    t,
    b,
    { fields: { email }, consents: { marketing_sms: true, profiling: true } },
    { token: session.accessToken, headers: { 'cf-connecting-ip': '203.0.113.7' } },
  );
  expect(joined.status, await joined.clone().text()).toBe(201);

  // An Apple pass on one device, and a Google object.
  const pass = passJsonOf(await myApplePass(t, session.accessToken));
  const device = { id: `dev${canary.slice(2, 14)}`, pushToken: `${'ab'.repeat(30)}${tag.padStart(4, '0')}` };
  const reg = await t.request(
    `/wallet/apple/v1/devices/${device.id}/registrations/${passTypeId}/${pass.serialNumber}`,
    {
      method: 'POST',
      headers: { authorization: `ApplePass ${pass.authenticationToken}` },
      json: { pushToken: device.pushToken },
    },
  );
  expect(reg.status).toBe(201);
  await saveLink(t, session.accessToken);
  // Without moving the clock, so the session stays good.
  for (let i = 0; i < 3; i++) await t.runJobs();
  return { ...session, cardId, canary, email, firstName, sub, signIn, serial: pass.serialNumber, device };
}
