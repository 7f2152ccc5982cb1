/**
 * @module wallet/apple/templates-store
 * A brand's Apple pass template: the design (in clear), the signing credentials (sealed with the
 * relay key, AAD bound to the brand, never returned) and the images. Every change bumps the
 * version, which is what the prepared-template cache keys on.
 */
import { and, eq, exists, sql } from 'drizzle-orm';
import { base64url, fromBase64url, utf8 } from '../../crypto.ts';
import type { Database } from '../../db/database.ts';
import { type ApplePassImageName, applePassImages, applePassTemplates } from '../../db/schema/index.ts';
import { err, ok, type Result } from '../../errors.ts';
import { openBytes, sealBytes } from '../../relay/envelope.ts';
import { type PassCredentialsInput, readPassCredentials } from './pass-credentials.ts';
import { checkPassImage } from './png.ts';
import type { TemplateDefinition } from './template-schema.ts';

export type ApnsKeyInput = { keyId: string; privateKey: string };

export type TemplateInput = {
  design: TemplateDefinition;
  credentials?: PassCredentialsInput | undefined;
  /** A .p8 key for APNs token auth; without one APNs uses the pass certificate. */
  apnsKey?: ApnsKeyInput | null | undefined;
};

/** What is sealed: DER as base64url, the APNs key as its PEM. */
export type SealedCredentials = {
  certificate: string;
  privateKey: string;
  /** The RSA modulus length in bytes: every signature's length. */
  signatureLength: number;
  wwdr?: string | undefined;
  apnsKey?: ApnsKeyInput | undefined;
};

export type StoreDeps = { database: Database; key: CryptoKey; now: () => number };

const aad = (brandId: string) => utf8(`zeropass:apple-pass-template\u0000${brandId}`);

export async function openCredentials(
  deps: StoreDeps,
  brandId: string,
  sealed: string,
): Promise<SealedCredentials> {
  return JSON.parse(
    new TextDecoder().decode(await openBytes(deps.key, sealed, aad(brandId))),
  ) as SealedCredentials;
}

async function checkApnsKey(pem: string): Promise<boolean> {
  try {
    const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s+/g, '');
    const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    return true;
  } catch {
    return false;
  }
}

export async function saveTemplate(deps: StoreDeps, brandId: string, input: TemplateInput) {
  const { db } = deps.database;
  const now = deps.now();
  const [current] = await db.select().from(applePassTemplates).where(eq(applePassTemplates.brandId, brandId));
  let sealed: SealedCredentials | undefined = current
    ? await openCredentials(deps, brandId, current.sealedCredentials)
    : undefined;
  let identity = current && {
    passTypeId: current.passTypeId,
    teamId: current.teamId,
    notAfter: current.certificateNotAfter,
  };
  if (input.credentials) {
    const read = await readPassCredentials(input.credentials, now);
    if (!read.ok) return err('invalid_pass_credentials', read.reason);
    const c = read.value;
    sealed = {
      certificate: base64url(c.certificateDer),
      privateKey: base64url(c.privateKeyPkcs8),
      signatureLength: c.signatureLength,
      wwdr: c.wwdrDer && base64url(c.wwdrDer),
      apnsKey: sealed?.apnsKey,
    };
    identity = { passTypeId: c.passTypeId, teamId: c.teamId, notAfter: c.notAfter };
  }
  if (!sealed || !identity) return err('invalid_request', 'the first template needs its credentials');
  if (input.apnsKey === null) sealed.apnsKey = undefined;
  else if (input.apnsKey) {
    if (!(await checkApnsKey(input.apnsKey.privateKey))) {
      return err(
        'invalid_pass_credentials',
        'apnsKey.privateKey must be the PEM of a .p8 key (PKCS#8, P-256)',
      );
    }
    sealed.apnsKey = input.apnsKey;
  }
  const row = {
    definition: input.design as Record<string, unknown>,
    passTypeId: identity.passTypeId,
    teamId: identity.teamId,
    certificateNotAfter: identity.notAfter,
    sealedCredentials: await sealBytes(deps.key, utf8(JSON.stringify(sealed)), aad(brandId)),
    apnsAuth: sealed.apnsKey ? ('token' as const) : ('certificate' as const),
    updatedAt: now,
  };
  await db
    .insert(applePassTemplates)
    .values({ brandId, version: 1, ...row })
    .onConflictDoUpdate({
      target: applePassTemplates.brandId,
      set: { ...row, version: sql`${applePassTemplates.version} + 1` },
    });
  return ok(await templateView(deps.database, brandId));
}

export async function templateView(database: Database, brandId: string) {
  const { db } = database;
  const [t] = await db.select().from(applePassTemplates).where(eq(applePassTemplates.brandId, brandId));
  if (!t) return undefined;
  const images = await db
    .select({
      name: applePassImages.slot,
      width: applePassImages.width,
      height: applePassImages.height,
      bytes: applePassImages.bytes,
      sha1: applePassImages.sha1,
    })
    .from(applePassImages)
    .where(eq(applePassImages.brandId, brandId));
  return {
    version: t.version,
    passTypeId: t.passTypeId,
    teamId: t.teamId,
    certificateExpiresAt: new Date(t.certificateNotAfter).toISOString(),
    apnsAuth: t.apnsAuth,
    design: t.definition as TemplateDefinition,
    images: images.sort((a, b) => a.name.localeCompare(b.name)),
    updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

const bumpVersion = (brandId: string, now: number) => ({
  set: { version: sql`${applePassTemplates.version} + 1`, updatedAt: now },
  where: eq(applePassTemplates.brandId, brandId),
});

export async function saveImage(
  deps: StoreDeps & { sha1Hex(data: Uint8Array<ArrayBuffer>): string | Promise<string> },
  brandId: string,
  name: ApplePassImageName,
  png: Uint8Array<ArrayBuffer>,
): Promise<Result<{ name: ApplePassImageName; width: number; height: number; bytes: number; sha1: string }>> {
  const checked = checkPassImage(name, png);
  if (!checked.ok) return err('invalid_image', checked.reason);
  const { db } = deps.database;
  const now = deps.now();
  const bump = bumpVersion(brandId, now);
  const image = {
    name,
    width: checked.width,
    height: checked.height,
    bytes: png.length,
    sha1: await deps.sha1Hex(png),
  };
  const [updated] = await deps.database.batch([
    db
      .update(applePassTemplates)
      .set(bump.set)
      .where(bump.where)
      .returning({ version: applePassTemplates.version }),
    db
      .insert(applePassImages)
      .select(
        db
          .select({
            brandId: applePassTemplates.brandId,
            slot: sql`${name}`.as('slot'),
            png: sql`${base64url(png)}`.as('png'),
            sha1: sql`${image.sha1}`.as('sha1'),
            width: sql`${image.width}`.as('width'),
            height: sql`${image.height}`.as('height'),
            bytes: sql`${image.bytes}`.as('bytes'),
            updatedAt: sql`${now}`.as('updated_at'),
          })
          .from(applePassTemplates)
          .where(eq(applePassTemplates.brandId, brandId)),
      )
      .onConflictDoUpdate({
        target: [applePassImages.brandId, applePassImages.slot],
        set: {
          png: sql`excluded.png`,
          sha1: sql`excluded.sha1`,
          width: sql`excluded.width`,
          height: sql`excluded.height`,
          bytes: sql`excluded.bytes`,
          updatedAt: now,
        },
      }),
  ]);
  if (!(updated as unknown[]).length)
    return err('wallet_not_configured', 'save the template before its images');
  return ok(image);
}

export async function deleteImage(
  deps: StoreDeps,
  brandId: string,
  name: ApplePassImageName,
): Promise<boolean> {
  const { db } = deps.database;
  const bump = bumpVersion(brandId, deps.now());
  const image = and(eq(applePassImages.brandId, brandId), eq(applePassImages.slot, name));
  // The version moves only when there is an image to remove: a 404 changes nothing.
  const [, deleted] = await deps.database.batch([
    db
      .update(applePassTemplates)
      .set(bump.set)
      .where(and(bump.where, exists(db.select({ one: sql`1` }).from(applePassImages).where(image)))),
    db.delete(applePassImages).where(image).returning({ slot: applePassImages.slot }),
  ]);
  return (deleted as unknown[]).length > 0;
}

export async function loadImages(database: Database, brandId: string) {
  const rows = await database.db
    .select({ name: applePassImages.slot, png: applePassImages.png })
    .from(applePassImages)
    .where(eq(applePassImages.brandId, brandId));
  return rows.map((r) => ({ name: `${r.name}.png`, data: fromBase64url(r.png) }));
}
