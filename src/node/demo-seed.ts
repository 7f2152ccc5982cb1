/**
 * @module node/demo-seed
 * What the demo brand needs for `/demo` to show the whole product: a `join` layout, an Apple pass
 * template (design, dev-PKI credentials, icon and logo) and a Google Wallet issuer with a
 * self-made service-account key. Each piece is added only when it is missing, so a data dir made
 * before a piece existed gets it on its next start, and nothing a developer changed through the
 * admin API is overwritten.
 *
 * Google cannot accept the self-made key (and is unreachable offline): the issuer is there so the
 * save button takes the real path and the page shows Google's failure. Put a real issuer id and
 * key with `PUT /v1/admin/wallet/google/issuer` to save to a real wallet.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AppDeps } from '../context.ts';
import { createLayout, getLayout, type LayoutInput } from '../layouts/definitions.ts';
import { TemplateDefinitionSchema } from '../wallet/apple/template-schema.ts';
import { saveImage, saveTemplate, templateView } from '../wallet/apple/templates-store.ts';
import { GoogleDesignSchema } from '../wallet/google/issuer-schema.ts';
import { issuerView, saveIssuer } from '../wallet/google/issuers.ts';
import { DEMO_BACKGROUND, demoPassImages } from './demo-pass-images.ts';
import type { DevApplePki } from './dev-apple-pki.ts';

export const DEMO_LAYOUT: LayoutInput = {
  slug: 'join',
  title: 'Join Demo Rewards',
  fields: [
    { key: 'email', required: true },
    { key: 'firstName', required: false },
  ],
  purposes: ['marketing_email', 'profiling'],
  template: 'gdpr',
  locales: ['en', 'fr', 'de', 'da', 'pt-BR'],
};

export const DEMO_PASS_DESIGN = {
  organizationName: 'Demo Brand',
  description: 'Demo Brand loyalty card',
  logoText: 'Demo Rewards',
  backgroundColor: DEMO_BACKGROUND,
  localizations: { fr: { Points: 'Points', Tier: 'Statut', Vouchers: 'Bons' } },
};

/** A syntactically real issuer id; Google knows no such issuer. */
export const DEMO_GOOGLE_ISSUER_ID = '3388000000000000042';
export const DEMO_GOOGLE_DESIGN = {
  issuerName: 'Demo Brand',
  programName: 'Demo Rewards',
  programLogoUrl: 'https://zeropass.invalid/demo-logo.png',
  backgroundColor: '#1f2937',
};

export type SeedDeps = Pick<AppDeps, 'database' | 'relayDeps' | 'passCrypto' | 'now'>;

/** Adds what is missing; answers the names of the pieces it added. */
export async function seedDemoBrand(deps: SeedDeps, brandId: string, pki: DevApplePki): Promise<string[]> {
  const added: string[] = [];
  const now = deps.now();
  if (!(await getLayout(deps.database, brandId, DEMO_LAYOUT.slug))) {
    const created = await createLayout(deps.database, brandId, DEMO_LAYOUT, now);
    // A concurrent start may have made it first; anything else is a bug in the demo layout.
    if (!created.ok && created.error.code !== 'conflict') throw created.error;
    if (created.ok) added.push('join layout');
  }
  if (await seedApplePass(deps, brandId, pki)) added.push('Apple pass template');
  if (await seedGoogleIssuer(deps, brandId)) added.push('Google Wallet issuer');
  return added;
}

async function seedApplePass(deps: SeedDeps, brandId: string, pki: DevApplePki): Promise<boolean> {
  const store = {
    database: deps.database,
    key: deps.relayDeps.key,
    now: deps.now,
    sha1Hex: deps.passCrypto.sha1Hex,
  };
  let view = await templateView(deps.database, brandId);
  let added = false;
  if (!view) {
    const saved = await saveTemplate(store, brandId, {
      design: TemplateDefinitionSchema.parse(DEMO_PASS_DESIGN),
      credentials: {
        certificate: pki.certificatePem,
        privateKey: pki.privateKeyPem,
        wwdr: pki.caCertificatePem,
      },
    });
    if (!saved.ok) throw saved.error;
    view = saved.value;
    added = true;
  }
  const present = new Set(view?.images.map((i) => i.name));
  for (const image of demoPassImages()) {
    if (present.has(image.name)) continue;
    const saved = await saveImage(store, brandId, image.name, image.png);
    if (!saved.ok) throw saved.error;
    added = true;
  }
  return added;
}

async function seedGoogleIssuer(deps: SeedDeps, brandId: string): Promise<boolean> {
  const issuerDeps = { database: deps.database, key: deps.relayDeps.key, now: deps.now };
  if (await issuerView(issuerDeps, brandId)) return false;
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await saveIssuer(issuerDeps, brandId, {
    issuerId: DEMO_GOOGLE_ISSUER_ID,
    design: GoogleDesignSchema.parse(DEMO_GOOGLE_DESIGN),
    serviceAccountKey: {
      type: 'service_account',
      client_email: 'zeropass-demo@dev.invalid',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey,
    },
  });
  return true;
}
