/**
 * Apple Wallet test helpers: a brand's pass template set up through the admin API with the test
 * PKI (tests/helpers/apple-pki.global.ts), the shopper's pass, and reading an archive back.
 */
import { unzipSync } from 'fflate';
import { inject } from 'vitest';
import { checkPass } from './check-pass.ts';
import type { Provisioned } from './pos.ts';
import type { TestApp } from './test-app.ts';
import { testPng } from './test-png.ts';

export const DEFAULT_DESIGN = {
  organizationName: 'Test Coffee',
  description: 'Test Coffee loyalty card',
  backgroundColor: '#112233',
  localizations: {
    fr: { Points: 'Points', Tier: 'Statut', 'You now have %@ points': 'Vous avez %@ points' },
  },
};

export type ApplePassSetup = {
  identity?: 'brand' | 'other';
  apnsToken?: boolean;
  design?: Record<string, unknown>;
};

export async function putImage(t: TestApp, b: Provisioned, name: string, png: Uint8Array<ArrayBuffer>) {
  return t.request(`/v1/admin/wallet/apple/template/images/${name}`, {
    method: 'PUT',
    token: b.adminKey,
    headers: { 'content-type': 'image/png' },
    body: png,
  });
}

/** Saves a template (credentials, design, icon and logo); answers the template view. */
export async function setUpApplePass(t: TestApp, b: Provisioned, setup: ApplePassSetup = {}) {
  const pki = inject('applePki');
  const identity = setup.identity === 'other' ? pki.other : pki.brand;
  const res = await t.request('/v1/admin/wallet/apple/template', {
    method: 'PUT',
    token: b.adminKey,
    json: {
      design: setup.design ?? DEFAULT_DESIGN,
      credentials: {
        certificate: identity.certificatePem,
        privateKey: identity.privateKeyPem,
        wwdr: pki.wwdrPem,
      },
      ...(setup.apnsToken
        ? { apnsKey: { keyId: pki.apnsToken.keyId, privateKey: pki.apnsToken.privateKeyPem } }
        : {}),
    },
  });
  if (res.status !== 200) throw new Error(`template PUT failed: ${res.status} ${await res.text()}`);
  for (const [name, w, h] of [
    ['icon', 29, 29],
    ['icon@2x', 58, 58],
    ['logo', 160, 50],
  ] as const) {
    const image = await putImage(t, b, name, await testPng(w, h));
    if (image.status !== 200) throw new Error(`image PUT failed: ${image.status} ${await image.text()}`);
  }
  if (setup.apnsToken)
    await t.apns.trustKey(pki.apnsToken.keyId, identity.teamId, pki.apnsToken.privateKeyPem);
  return { identity, pki };
}

/** The shopper's pass, checked by the independent oracle (check-pass.ts) on the way. */
export async function myApplePass(t: TestApp, accessToken: string): Promise<Uint8Array> {
  const res = await t.request('/v1/me/wallet/apple', { token: accessToken });
  if (res.status !== 200) throw new Error(`GET /v1/me/wallet/apple: ${res.status} ${await res.text()}`);
  return checkedPass(res);
}

/** A pass response's bytes, once the oracle has verified them. */
export async function checkedPass(res: Response): Promise<Uint8Array> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const declared = res.headers.get('content-length');
  if (declared !== String(bytes.length))
    throw new Error(`content-length ${declared}, body ${bytes.length} bytes`);
  await checkPass(bytes);
  return bytes;
}

export function passFiles(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

export type PassJson = {
  serialNumber: string;
  authenticationToken: string;
  webServiceURL: string;
  passTypeIdentifier: string;
  teamIdentifier: string;
  barcodes: { message: string; format: string }[];
  storeCard: Record<string, { key: string; value: string | number; changeMessage?: string }[]>;
  voided?: boolean;
};

export function passJsonOf(bytes: Uint8Array): PassJson {
  const file = passFiles(bytes)['pass.json'];
  if (!file) throw new Error('no pass.json');
  return JSON.parse(new TextDecoder().decode(file)) as PassJson;
}

/** Every field of the pass by key. */
export function fieldsOf(pass: PassJson) {
  return Object.fromEntries(
    Object.values(pass.storeCard)
      .flat()
      .map((f) => [f.key, f]),
  );
}
