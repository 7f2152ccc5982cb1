/**
 * @module node/dev-files
 * First-start conveniences of the Node entry in dev mode: self-made signing material in
 * `data/dev-secrets.json`, and a demo brand whose credentials go to `data/demo-credentials.json`,
 * with what `/demo` shows (node/demo-seed: a join layout, an Apple pass template signed with the
 * dev PKI in `data/dev-apple-pki.json`, a Google issuer). Every file is created with mode 0600 and
 * is for a developer's machine only. Each start adds what is missing, so older data dirs catch up.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type GeneratedSecrets, generateSecrets } from '../secrets.ts';
import { getBrandBySlug } from '../tenancy/brands.ts';
import { provisionBrand } from '../tenancy/provision.ts';
import { type SeedDeps, seedDemoBrand } from './demo-seed.ts';
import { loadDevApplePki } from './dev-apple-pki.ts';
import { writePrivateJson as writePrivate } from './private-file.ts';

export const DEMO_BRAND = 'demo';
export const DEMO_APPLE_CLIENT_ID = 'com.zeropass.demo';

/** Loads dev secrets from the data dir, creating them on first start. */
export async function loadDevSecrets(dataDir: string): Promise<{ path: string; secrets: GeneratedSecrets }> {
  const path = resolve(join(dataDir, 'dev-secrets.json'));
  if (existsSync(path)) {
    const secrets = JSON.parse(await readFile(path, 'utf8')) as GeneratedSecrets;
    // Data dirs made before the relay had a key get one on their next start.
    if (!secrets.ZP_RELAY_KEY) {
      secrets.ZP_RELAY_KEY = (await generateSecrets({ devAppleKey: false })).ZP_RELAY_KEY;
      await writePrivate(path, secrets);
    }
    return { path, secrets };
  }
  const secrets = await generateSecrets({ devAppleKey: true });
  await writePrivate(path, secrets);
  return { path, secrets };
}

export type DemoBrandSetup = {
  /** Where the new brand's credentials were written; undefined when the brand already existed. */
  credentialsPath: string | undefined;
  /** The pieces this start added (layout, pass template, Google issuer). */
  added: string[];
  /** The dev PKI that signs the demo pass: its CA is what verifies the passes. */
  applePkiPath: string;
};

/**
 * Creates the demo brand once and adds whatever it lacks of what `/demo` needs. The Node entry
 * calls it on every dev start; the demo's browser test calls it the same way.
 */
export async function ensureDemoBrand(
  deps: SeedDeps,
  dataDir: string,
  secretsPath: string,
): Promise<DemoBrandSetup> {
  let credentialsPath: string | undefined;
  let brand = await getBrandBySlug(deps.database, DEMO_BRAND);
  if (!brand) {
    const demo = await provisionBrand(
      deps.database,
      { slug: DEMO_BRAND, label: 'Demo Brand', appleClientIds: [DEMO_APPLE_CLIENT_ID] },
      deps.now(),
    );
    brand = demo.brand;
    credentialsPath = resolve(join(dataDir, 'demo-credentials.json'));
    await writePrivate(credentialsPath, {
      brand: demo.brand.slug,
      adminKey: demo.adminKey,
      posKey: demo.posKey,
      appleClientId: DEMO_APPLE_CLIENT_ID,
      storeId: demo.store.id,
      deviceId: demo.device.id,
      devSigningMaterial: secretsPath,
    });
  }
  const { path: applePkiPath, pki } = await loadDevApplePki(dataDir, deps.now());
  const added = await seedDemoBrand(deps, brand.id, pki);
  return { credentialsPath, added, applePkiPath };
}
