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

export type ScanResult = Entitlements & { spend: { token: string; expiresAt: string } | null };

// Scan tokens by till key and card: a token serves several spends, and a rotating code can be
// scanned only once per 30 s step, so spends from one card (concurrent ones too) share one scan.
const spendTokens = new Map<string, Promise<{ token: string; expiresAt: number }>>();

/**
 * A scan token for spending from `cardId` at till `b` (its POS key): scans a fresh rotating code,
 * as a till does before it converts or redeems.
 */
export async function spendToken(t: TestApp, b: { posKey: string }, cardId: string): Promise<string> {
  const id = `${b.posKey} ${cardId}`;
  const cached = spendTokens.get(id);
  if (cached) {
    const got = await cached.catch(() => null);
    if (got && got.expiresAt > t.deps.now() + 60_000) return got.token;
    if (spendTokens.get(id) === cached) spendTokens.delete(id);
  }
  const pending = spendTokens.get(id) ?? scanForSpend(t, b, cardId);
  spendTokens.set(id, pending);
  return (await pending).token;
}

async function scanForSpend(t: TestApp, b: { posKey: string }, cardId: string) {
  // The current step may already have been used on this card; the next one is accepted too.
  for (const ahead of [0, 30_000]) {
    const code = await rotatingCodeFor(t, cardId, t.deps.now() + ahead);
    const res = await t.request('/v1/pos/scan', { method: 'POST', token: b.posKey, json: { code } });
    if (res.status === 409) continue;
    if (res.status !== 200) throw new Error(`scan failed: ${res.status} ${await res.text()}`);
    const { spend } = (await res.json()) as ScanResult;
    if (!spend) throw new Error('a rotating scan answered no spend token');
    return { token: spend.token, expiresAt: Date.parse(spend.expiresAt) };
  }
  throw new Error('no fresh rotating code left for this card');
}

/** A spending write (convert, redeem) with a fresh scan's token for `json.card`. */
export async function posSpend(
  t: TestApp,
  b: { posKey: string },
  path: '/v1/pos/convert' | '/v1/pos/redeem',
  json: { card: string; [field: string]: unknown },
  key: string | null = newKey(),
) {
  return posPost(t, b.posKey, path, { ...json, scanToken: await spendToken(t, b, json.card) }, key);
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
