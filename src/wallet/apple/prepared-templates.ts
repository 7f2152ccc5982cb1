/**
 * @module wallet/apple/prepared-templates
 * Each brand's template, ready to sign: credentials opened, certificates laid out, images hashed
 * and encoded (see wallet/apple/pkpass). Prepared once per template version and kept per
 * isolate/process; a request checks the version (one indexed read) and reuses the rest.
 */
import { eq } from 'drizzle-orm';
import { fromBase64url, utf8 } from '../../crypto.ts';
import { applePassTemplates } from '../../db/schema/index.ts';
import type { ApnsCredentials } from './apns.ts';
import { derToPem } from './pass-credentials.ts';
import type { PassCrypto } from './pass-crypto.ts';
import { type PassFile, type PreparedPass, preparePass } from './pkpass.ts';
import { passStrings, type TemplateDefinition } from './template-schema.ts';
import { loadImages, openCredentials, type StoreDeps } from './templates-store.ts';

export type AppleTemplate = {
  brandId: string;
  version: number;
  design: TemplateDefinition;
  passTypeId: string;
  teamId: string;
  pass: PreparedPass;
  apns: ApnsCredentials;
  /** Brand and version: the APNs token and connection caches key on it. */
  credentialsId: string;
};

export type TemplateLookup =
  | { ok: true; template: AppleTemplate }
  | { ok: false; reason: 'none' | 'incomplete'; detail: string };

export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----|\\n|\s+/g, '');
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

export class PreparedTemplates {
  private readonly cache = new Map<string, { version: number; lookup: Promise<TemplateLookup> }>();

  private readonly deps: StoreDeps & { crypto: PassCrypto; defaultWwdrPem: string | undefined };

  constructor(deps: StoreDeps & { crypto: PassCrypto; defaultWwdrPem: string | undefined }) {
    this.deps = deps;
  }

  async get(brandId: string): Promise<TemplateLookup> {
    const [row] = await this.deps.database.db
      .select({ version: applePassTemplates.version })
      .from(applePassTemplates)
      .where(eq(applePassTemplates.brandId, brandId));
    if (!row) return { ok: false, reason: 'none', detail: 'the brand has no Apple pass template' };
    const cached = this.cache.get(brandId);
    if (cached && cached.version >= row.version) return cached.lookup;
    const lookup = this.prepare(brandId);
    this.cache.set(brandId, { version: row.version, lookup });
    // A failure is not kept: the next request tries again (e.g. after the WWDR is configured).
    lookup.then(
      (l) => l.ok || this.cache.delete(brandId),
      () => this.cache.delete(brandId),
    );
    return lookup;
  }

  private async prepare(brandId: string): Promise<TemplateLookup> {
    const { database } = this.deps;
    const [t] = await database.db
      .select()
      .from(applePassTemplates)
      .where(eq(applePassTemplates.brandId, brandId));
    if (!t) return { ok: false, reason: 'none', detail: 'the brand has no Apple pass template' };
    const sealed = await openCredentials(this.deps, brandId, t.sealedCredentials);
    const wwdr = sealed.wwdr
      ? fromBase64url(sealed.wwdr)
      : this.deps.defaultWwdrPem && pemToDer(this.deps.defaultWwdrPem);
    if (!wwdr) {
      return {
        ok: false,
        reason: 'incomplete',
        detail: 'no WWDR intermediate: upload one with the credentials or set APPLE_WWDR_PEM',
      };
    }
    const images = await loadImages(database, brandId);
    if (!images.some((i) => i.name === 'icon.png')) {
      return { ok: false, reason: 'incomplete', detail: 'Wallet needs icon.png: upload it first' };
    }
    const design = t.definition as TemplateDefinition;
    const strings: PassFile[] = Object.entries(design.localizations).map(([lang, table]) => ({
      name: `${lang}.lproj/pass.strings`,
      data: utf8(passStrings(table)),
    }));
    const certificateDer = fromBase64url(sealed.certificate);
    const privateKeyPkcs8 = fromBase64url(sealed.privateKey);
    const pass = await preparePass(
      { certificateDer, chainDer: [wwdr], privateKeyPkcs8, signatureLength: sealed.signatureLength },
      [...images, ...strings].sort((a, b) => a.name.localeCompare(b.name)),
      this.deps.crypto,
    );
    const apns: ApnsCredentials = sealed.apnsKey
      ? {
          kind: 'token',
          teamId: t.teamId,
          keyId: sealed.apnsKey.keyId,
          privateKeyPem: sealed.apnsKey.privateKey,
        }
      : {
          kind: 'certificate',
          certificatePem: derToPem(certificateDer, 'CERTIFICATE'),
          privateKeyPem: derToPem(privateKeyPkcs8, 'PRIVATE KEY'),
        };
    return {
      ok: true,
      template: {
        brandId,
        version: t.version,
        design,
        passTypeId: t.passTypeId,
        teamId: t.teamId,
        pass,
        apns,
        credentialsId: `${brandId}:${t.version}`,
      },
    };
  }
}
