/**
 * Google Wallet in tests: a brand's issuer set up through the admin API with a service account
 * the fake trusts, the shopper's save link, and an independent RFC 6238 computation of what a
 * phone shows for an object's `rotatingBarcode`.
 */
import { decodeJwt } from 'jose';
import type { Provisioned } from './pos.ts';
import type { TestApp } from './test-app.ts';

export const ISSUER_ID = '3388000000012345678';
export const GOOGLE_DESIGN = {
  issuerName: 'Café Lumen',
  programName: 'Lumen Rewards',
  programLogoUrl: 'https://brand.example/logo.png',
  backgroundColor: '#1F2937',
};

export async function setUpGoogleIssuer(t: TestApp, b: Provisioned, design: Record<string, unknown> = {}) {
  const account = await t.google.serviceAccount();
  const res = await t.request('/v1/admin/wallet/google/issuer', {
    method: 'PUT',
    token: b.adminKey,
    json: { issuerId: ISSUER_ID, design: { ...GOOGLE_DESIGN, ...design }, serviceAccountKey: account.key },
  });
  if (res.status !== 200) throw new Error(`PUT issuer: ${res.status} ${await res.text()}`);
  return account;
}

export async function saveLink(t: TestApp, accessToken: string): Promise<string> {
  const res = await t.request('/v1/me/wallet/google', { token: accessToken });
  if (res.status !== 200) throw new Error(`GET /v1/me/wallet/google: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { saveUrl: string }).saveUrl;
}

export const objectIdFromLink = (url: string) => {
  const claims = decodeJwt(url.split('/').pop() ?? '') as { payload: { loyaltyObjects: { id: string }[] } };
  return claims.payload.loyaltyObjects[0]?.id ?? '';
};

type RotatingBarcode = {
  valuePattern: string;
  totpDetails: {
    periodMillis: string | number;
    algorithm: string;
    parameters: { key: string; valueLength: number }[];
  };
};

/** What Google Wallet renders at `nowMs`: RFC 6238 over the Base16 key, put into the pattern. */
export async function rotatingValue(barcode: RotatingBarcode, nowMs: number): Promise<string> {
  const { periodMillis, algorithm, parameters } = barcode.totpDetails;
  if (algorithm !== 'TOTP_SHA1') throw new Error(`unexpected algorithm ${algorithm}`);
  const [param] = parameters;
  if (!param) throw new Error('no TOTP parameters');
  const key = Uint8Array.from(param.key.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  const counter = Math.floor(nowMs / Number(periodMillis));
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, message));
  const offset = (mac[19] ?? 0) & 0xf;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  const value = String(binary % 10 ** param.valueLength).padStart(param.valueLength, '0');
  return barcode.valuePattern.replace('{totp_value_0}', value);
}
