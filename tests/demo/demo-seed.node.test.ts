/**
 * The demo brand the Node entry seeds in dev mode (`ensureDemoBrand`): on an empty data dir the
 * brand, its credentials, a join layout, an Apple pass template signed by a fresh dev PKI and a
 * Google issuer; files 0600; a second start adds nothing; a data dir from before this seeding
 * (the brand alone) gets the missing pieces without new credentials, and what a developer
 * changed is kept. Node only: it writes files and uses node:crypto.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getLayout } from '../../src/layouts/definitions.ts';
import type { DevApplePki } from '../../src/node/dev-apple-pki.ts';
import { DEV_PASS_TYPE_ID, DEV_TEAM_ID } from '../../src/node/dev-apple-pki.ts';
import { DEMO_APPLE_CLIENT_ID, DEMO_BRAND, ensureDemoBrand } from '../../src/node/dev-files.ts';
import { provisionBrand } from '../../src/tenancy/provision.ts';
import { myApplePass } from '../helpers/apple-wallet.ts';
import { shopperWithCard } from '../helpers/pos.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';
import { checkDevPass } from './dev-pass-oracle.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'zeropass-demo-seed-'));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('ensureDemoBrand', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it('seeds the brand, a join layout, a signed Apple pass and a Google issuer on an empty data dir', async () => {
    t = await createTestApp({ dev: true });
    const dir = dataDir();
    const setup = await ensureDemoBrand(t.deps, dir, join(dir, 'dev-secrets.json'));
    expect(setup.added).toEqual(['join layout', 'Apple pass template', 'Google Wallet issuer']);
    expect(setup.credentialsPath).toBe(join(dir, 'demo-credentials.json'));
    const credentials = JSON.parse(readFileSync(setup.credentialsPath ?? '', 'utf8'));
    expect(credentials).toMatchObject({ brand: DEMO_BRAND, appleClientId: DEMO_APPLE_CLIENT_ID });
    expect(mode(setup.credentialsPath ?? '')).toBe(0o600);
    expect(mode(setup.applePkiPath)).toBe(0o600);
    const pki = JSON.parse(readFileSync(setup.applePkiPath, 'utf8')) as DevApplePki;

    // The layout is what the public headless API serves.
    const layout = await t.request('/v1/layouts/demo/join');
    expect(layout.status).toBe(200);
    const definition = (await layout.json()) as {
      fields: { key: string }[];
      purposes: { purpose: string }[];
    };
    expect(definition.fields.map((f) => f.key)).toEqual(['email', 'firstName']);
    expect(definition.purposes.map((p) => p.purpose)).toEqual(['marketing_email', 'profiling']);

    // The admin API shows the template and the issuer the seed saved.
    const admin = { token: credentials.adminKey as string };
    const template = (await (await t.request('/v1/admin/wallet/apple/template', admin)).json()) as {
      passTypeId: string;
      teamId: string;
      images: { name: string }[];
    };
    expect(template).toMatchObject({ passTypeId: DEV_PASS_TYPE_ID, teamId: DEV_TEAM_ID });
    expect(template.images.map((i) => i.name)).toEqual(['icon', 'icon@2x', 'logo']);
    const issuer = await t.request('/v1/admin/wallet/google/issuer', admin);
    expect(issuer.status).toBe(200);
    expect(JSON.stringify(await issuer.json())).not.toContain('PRIVATE KEY');

    // A shopper's pass verifies against the dev CA, with openssl and passkit-generator.
    const b = { brand: { slug: DEMO_BRAND, appleClientIds: [DEMO_APPLE_CLIENT_ID] } } as Parameters<
      typeof shopperWithCard
    >[1];
    const shopper = await shopperWithCard(t, b);
    const res = await t.request('/v1/me/wallet/apple', { token: shopper.accessToken });
    expect(res.status).toBe(200);
    const verified = await checkDevPass(new Uint8Array(await res.arrayBuffer()), pki);
    expect(verified.passJson).toMatchObject({
      passTypeIdentifier: DEV_PASS_TYPE_ID,
      teamIdentifier: DEV_TEAM_ID,
    });
    expect(verified.certificateSubjects.join('\n')).toContain('zeropass Dev CA');
    expect(Object.keys(verified.files)).toEqual(
      expect.arrayContaining(['icon.png', 'icon@2x.png', 'logo.png']),
    );
    // …and not against the test PKI's root: the seed made its own CA.
    await expect(myApplePass(t, shopper.accessToken)).rejects.toThrow(/pkpass rejected/);

    // Google knows nothing of the self-made key: the save link fails with a clear problem, no 5xx bug.
    const google = await t.request('/v1/me/wallet/google', { token: shopper.accessToken });
    expect([409, 503]).toContain(google.status);
    expect((await problemOf(google)).detail).toMatch(/Google Wallet/);

    // A second start adds nothing and keeps the same dev PKI.
    const again = await ensureDemoBrand(t.deps, dir, join(dir, 'dev-secrets.json'));
    expect(again).toEqual({ credentialsPath: undefined, added: [], applePkiPath: setup.applePkiPath });
    expect(JSON.parse(readFileSync(setup.applePkiPath, 'utf8'))).toEqual(pki);
  });

  it('gives a demo brand made before the seeding its layout, template and issuer, keeping what exists', async () => {
    t = await createTestApp({ dev: true });
    const dir = dataDir();
    // The demo brand as the Node entry used to make it: the brand and its keys alone.
    const old = await provisionBrand(
      t.database,
      { slug: DEMO_BRAND, label: 'Demo Brand', appleClientIds: [DEMO_APPLE_CLIENT_ID] },
      Date.now(),
    );
    // A developer already made a join layout of their own.
    const mine = await t.request('/v1/admin/layouts', {
      method: 'POST',
      token: old.adminKey,
      json: {
        slug: 'join',
        title: 'My own join form',
        fields: [{ key: 'postalCode', required: true }],
        purposes: ['marketing_sms'],
        template: 'gdpr',
        locales: ['en'],
      },
    });
    expect(mine.status).toBe(201);

    const setup = await ensureDemoBrand(t.deps, dir, join(dir, 'dev-secrets.json'));
    expect(setup.credentialsPath).toBeUndefined();
    expect(setup.added).toEqual(['Apple pass template', 'Google Wallet issuer']);
    const layout = await getLayout(t.database, old.brand.id, 'join');
    expect(layout?.title).toBe('My own join form');
    const template = await t.request('/v1/admin/wallet/apple/template', { token: old.adminKey });
    expect(template.status).toBe(200);
    expect((await ensureDemoBrand(t.deps, dir, join(dir, 'dev-secrets.json'))).added).toEqual([]);
  });
});
