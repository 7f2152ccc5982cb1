/**
 * @module wallet/google/issuers
 * A brand's Google Wallet issuer: the programme design in clear, the service-account key sealed
 * with the relay key (AAD bound to the brand) and never returned. Every change bumps the version;
 * the opened, imported key is kept per isolate/process for as long as the version holds.
 */
import { eq, sql } from 'drizzle-orm';
import { utf8 } from '../../crypto.ts';
import type { Database } from '../../db/database.ts';
import { googleWalletIssuers } from '../../db/schema/google-wallet.ts';
import { openBytes, sealBytes } from '../../relay/envelope.ts';
import {
  type GoogleDesign,
  GoogleDesignSchema,
  type ServiceAccountKey,
  ServiceAccountKeySchema,
} from './issuer-schema.ts';
import type { GoogleIssuer } from './loyalty-resources.ts';
import { importServiceAccount, type ServiceAccount } from './service-account.ts';

export type IssuerDeps = { database: Database; key: CryptoKey; now: () => number };

export type IssuerInput = {
  issuerId: string;
  design: GoogleDesign;
  serviceAccountKey?: ServiceAccountKey | undefined;
};

export type PreparedIssuer = GoogleIssuer & {
  version: number;
  classVersion: number;
  account: ServiceAccount;
};

export type IssuerLookup = { ok: true; issuer: PreparedIssuer } | { ok: false; detail: string };

const aad = (brandId: string) => utf8(`zeropass:google-wallet-issuer\u0000${brandId}`);

async function openKey(deps: IssuerDeps, brandId: string, sealed: string): Promise<ServiceAccountKey> {
  const json = JSON.parse(new TextDecoder().decode(await openBytes(deps.key, sealed, aad(brandId))));
  return ServiceAccountKeySchema.parse(json);
}

/** Saves the issuer; answers false when there is no key yet and none was given. */
export async function saveIssuer(deps: IssuerDeps, brandId: string, input: IssuerInput): Promise<boolean> {
  const { db } = deps.database;
  const [current] = await db
    .select({ sealedKey: googleWalletIssuers.sealedKey })
    .from(googleWalletIssuers)
    .where(eq(googleWalletIssuers.brandId, brandId));
  const sealedKey = input.serviceAccountKey
    ? await sealBytes(deps.key, utf8(JSON.stringify(input.serviceAccountKey)), aad(brandId))
    : current?.sealedKey;
  if (!sealedKey) return false;
  const row = { issuerId: input.issuerId, definition: input.design, sealedKey, updatedAt: deps.now() };
  await db
    .insert(googleWalletIssuers)
    .values({ brandId, version: 1, ...row })
    .onConflictDoUpdate({
      target: googleWalletIssuers.brandId,
      set: { ...row, version: sql`${googleWalletIssuers.version} + 1` },
    });
  return true;
}

/** What brand admins may see: the design, the issuer id, and which service account signs. */
export async function issuerView(deps: IssuerDeps, brandId: string) {
  const [row] = await deps.database.db
    .select()
    .from(googleWalletIssuers)
    .where(eq(googleWalletIssuers.brandId, brandId));
  if (!row) return undefined;
  const key = await openKey(deps, brandId, row.sealedKey);
  return {
    issuerId: row.issuerId,
    design: GoogleDesignSchema.parse(row.definition),
    serviceAccount: key.client_email,
    keyId: key.private_key_id,
    version: row.version,
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export async function deleteIssuer({ database }: IssuerDeps, brandId: string): Promise<boolean> {
  const gone = await database.db
    .delete(googleWalletIssuers)
    .where(eq(googleWalletIssuers.brandId, brandId))
    .returning({ brandId: googleWalletIssuers.brandId });
  return gone.length > 0;
}

/** Records that Google holds the class as of `version`. */
export async function markClassSynced({ database }: IssuerDeps, brandId: string, version: number) {
  await database.db
    .update(googleWalletIssuers)
    .set({ classVersion: sql`MAX(${googleWalletIssuers.classVersion}, ${version})` })
    .where(eq(googleWalletIssuers.brandId, brandId));
}

export class PreparedIssuers {
  private readonly accounts = new Map<string, { version: number; account: Promise<ServiceAccount> }>();

  private readonly deps: IssuerDeps;

  constructor(deps: IssuerDeps) {
    this.deps = deps;
  }

  async get(brandId: string): Promise<IssuerLookup> {
    const [row] = await this.deps.database.db
      .select()
      .from(googleWalletIssuers)
      .where(eq(googleWalletIssuers.brandId, brandId));
    if (!row) return { ok: false, detail: 'the brand has no Google Wallet issuer' };
    let cached = this.accounts.get(brandId);
    if (!cached || cached.version !== row.version) {
      const account = openKey(this.deps, brandId, row.sealedKey).then(importServiceAccount);
      cached = { version: row.version, account };
      this.accounts.set(brandId, cached);
      account.catch(() => this.accounts.delete(brandId));
    }
    try {
      return {
        ok: true,
        issuer: {
          brandId,
          issuerId: row.issuerId,
          design: GoogleDesignSchema.parse(row.definition),
          version: row.version,
          classVersion: row.classVersion,
          account: await cached.account,
        },
      };
    } catch {
      return { ok: false, detail: 'the service-account key could not be read; upload it again' };
    }
  }
}
