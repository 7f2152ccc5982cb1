/**
 * POS test helpers: a brand with rules and a reward, shoppers with cards, and idempotent writes.
 */
import { hotp, stepAt } from '../../src/pos/card-codes.ts';
import type { TestApp } from './test-app.ts';

export type Provisioned = Awaited<ReturnType<TestApp['brand']>>;
export type Shopper = { customerId: string; accessToken: string; cardId: string; code: string };
export type LedgerResult = {
  entry: { id: string; kind: string; card: string; points: number; balance: number; reverses: string | null };
  voucher: { id: string; label: string; expiresAt: string } | null;
};
export type Entitlements = {
  card: string;
  status: string;
  tier: { code: string; label: string } | null;
  points: number;
  vouchers: { id: string; label: string; expiresAt: string }[];
};

let keyCounter = 0;
export const newKey = () => `test-key-${Date.now().toString(36)}-${(keyCounter++).toString(36)}`;

/** Signs a new shopper in and reads their card from GET /v1/me. */
export async function shopperWithCard(t: TestApp, b: Provisioned): Promise<Shopper> {
  const session = await t.signIn(b.brand.slug, b.brand.appleClientIds[0] ?? '');
  const me = await t.request('/v1/me', { token: session.accessToken });
  if (me.status !== 200) throw new Error(`GET /v1/me failed: ${me.status}`);
  const { card } = (await me.json()) as { card: { number: string; code: string } };
  return { ...session, cardId: card.number, code: card.code };
}

export function posPost(
  t: TestApp,
  token: string,
  path: string,
  json: unknown,
  key: string | null = newKey(),
) {
  return t.request(path, {
    method: 'POST',
    token,
    json,
    headers: key === null ? {} : { 'idempotency-key': key },
  });
}

export async function earnOk(t: TestApp, b: Provisioned, card: string, amount: number) {
  const res = await posPost(t, b.posKey, '/v1/pos/earn', {
    card,
    amount,
    currency: 'EUR',
    receiptRef: 'R-1',
  });
  if (res.status !== 200) throw new Error(`earn failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as LedgerResult;
}

export async function addReward(t: TestApp, b: Provisioned, costPoints: number, label = 'Free coffee') {
  const res = await t.request('/v1/admin/loyalty/rewards', {
    method: 'POST',
    token: b.adminKey,
    json: { label, costPoints },
  });
  if (res.status !== 201) throw new Error(`reward failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

export async function scan(t: TestApp, b: Provisioned, code: string) {
  return t.request('/v1/pos/scan', { method: 'POST', token: b.posKey, json: { code } });
}

/** The rotating code a shopper's app would show at `nowMs`, from the TOTP details it was given. */
export async function rotatingCodeFor(t: TestApp, cardId: string, nowMs: number) {
  const secret = await t.deps.cardCodes.totpSecret(cardId);
  return `ZT1.${cardId}.${await hotp(secret, stepAt(nowMs))}`;
}

/**
 * A second till of the same brand and store: its own device and POS key. Tests that claim
 * something is per device need one, since a device of another brand differs in brand too.
 */
export async function addDevice(t: TestApp, b: Provisioned, label: string) {
  const device = await t.request('/v1/admin/devices', {
    method: 'POST',
    token: b.adminKey,
    json: { storeId: b.store.id, label },
  });
  if (device.status !== 201) throw new Error(`device failed: ${device.status} ${await device.text()}`);
  const { id: deviceId } = (await device.json()) as { id: string };
  const created = await t.request('/v1/admin/keys', {
    method: 'POST',
    token: b.adminKey,
    json: { scope: 'pos', label, deviceId },
  });
  if (created.status !== 201) throw new Error(`key failed: ${created.status} ${await created.text()}`);
  const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string } };
  return { deviceId, posKey: key, keyId: apiKey.id };
}
