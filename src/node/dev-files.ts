/**
 * @module node/dev-files
 * First-start conveniences of the Node entry in dev mode: self-made signing material in
 * `data/dev-secrets.json`, and a demo brand whose credentials go to `data/demo-credentials.json`.
 * Both files are created with mode 0600 and are for a developer's machine only.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { type GeneratedSecrets, generateSecrets } from '../secrets.ts';
import { getBrandBySlug } from '../tenancy/brands.ts';
import { provisionBrand } from '../tenancy/provision.ts';

export const DEMO_BRAND = 'demo';
export const DEMO_APPLE_CLIENT_ID = 'com.zeropass.demo';

async function writePrivate(path: string, value: unknown) {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

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

/** Creates the demo brand once; returns where its credentials were written, or undefined if it existed. */
export async function ensureDemoBrand(
  database: Database,
  dataDir: string,
  secretsPath: string,
  now: number,
): Promise<string | undefined> {
  if (await getBrandBySlug(database, DEMO_BRAND)) return undefined;
  const demo = await provisionBrand(
    database,
    { slug: DEMO_BRAND, label: 'Demo Brand', appleClientIds: [DEMO_APPLE_CLIENT_ID] },
    now,
  );
  const path = resolve(join(dataDir, 'demo-credentials.json'));
  await writePrivate(path, {
    brand: demo.brand.slug,
    adminKey: demo.adminKey,
    posKey: demo.posKey,
    appleClientId: DEMO_APPLE_CLIENT_ID,
    storeId: demo.store.id,
    deviceId: demo.device.id,
    devSigningMaterial: secretsPath,
  });
  return path;
}
