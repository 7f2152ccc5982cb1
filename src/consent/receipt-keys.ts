/**
 * @module consent/receipt-keys
 * One ES256 key pair per brand for signing consent receipts. The private JWK is sealed with
 * AES-256-GCM under a key derived from the server pepper (HMAC(pepper, "receipt-keys")), with the
 * brand id as associated data, so a database dump alone cannot sign, nor can a sealed key be
 * moved to another brand. Public keys are published at `/.well-known/jwks.json`.
 */

import { eq } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, importJWK, type JWK } from 'jose';
import { base64url, fromBase64url, generateEs256KeyPair, randomBytes, utf8 } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { receiptKeys } from '../db/schema/index.ts';
import type { Hmac } from '../keyed-crypto.ts';

export type ReceiptSigner = { kid: string; privateKey: CryptoKey };

async function sealingKey(pepper: Hmac): Promise<CryptoKey> {
  const raw = await pepper('receipt-keys');
  return crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

async function seal(pepper: Hmac, brandId: string, jwk: JWK): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(brandId) },
    await sealingKey(pepper),
    utf8(JSON.stringify(jwk)),
  );
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

async function unseal(pepper: Hmac, brandId: string, sealed: string): Promise<JWK> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('unknown sealed key format');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64url(iv), additionalData: utf8(brandId) },
    await sealingKey(pepper),
    fromBase64url(data),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as JWK;
}

// Unsealing is cheap but not free; keep signers per pepper (one per app) and brand.
const signers = new WeakMap<Hmac, Map<string, Promise<ReceiptSigner>>>();

/** The brand's signer, creating and sealing its key pair on first use. Safe under races. */
export function receiptSigner(database: Database, pepper: Hmac, brandId: string): Promise<ReceiptSigner> {
  let perBrand = signers.get(pepper);
  if (!perBrand) {
    perBrand = new Map();
    signers.set(pepper, perBrand);
  }
  let signer = perBrand.get(brandId);
  if (!signer) {
    signer = loadOrCreate(database, pepper, brandId);
    signer.catch(() => perBrand.delete(brandId));
    perBrand.set(brandId, signer);
  }
  return signer;
}

async function loadOrCreate({ db }: Database, pepper: Hmac, brandId: string): Promise<ReceiptSigner> {
  const select = () => db.select().from(receiptKeys).where(eq(receiptKeys.brandId, brandId));
  let [row] = await select();
  if (!row) {
    const pair = await generateEs256KeyPair();
    const { kty, crv, x, y, d } = await exportJWK(pair.privateKey);
    const publicJwk = { kty, crv, x, y } as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    await db
      .insert(receiptKeys)
      .values({
        brandId,
        kid,
        publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' } as JsonWebKey,
        sealedPrivateJwk: await seal(pepper, brandId, { kty, crv, x, y, d }),
      })
      .onConflictDoNothing({ target: receiptKeys.brandId });
    [row] = await select();
    if (!row) throw new Error('receipt key vanished after insert');
  }
  const privateJwk = await unseal(pepper, brandId, row.sealedPrivateJwk);
  return { kid: row.kid, privateKey: (await importJWK(privateJwk, 'ES256')) as CryptoKey };
}

/** Every brand's public receipt key, or one brand's; a JWK Set. */
export async function publicReceiptKeys({ db }: Database, brandId?: string): Promise<{ keys: JsonWebKey[] }> {
  const rows = brandId
    ? await db
        .select({ jwk: receiptKeys.publicJwk })
        .from(receiptKeys)
        .where(eq(receiptKeys.brandId, brandId))
    : await db.select({ jwk: receiptKeys.publicJwk }).from(receiptKeys);
  return { keys: rows.map((r) => r.jwk) };
}
