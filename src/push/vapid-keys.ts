/**
 * @module push/vapid-keys
 * Each brand's VAPID key pair (RFC 8292), made on first use. The public key goes to the brand's
 * pages (`applicationServerKey`); the private JWK is sealed with the relay key, AAD bound to the
 * brand, like the other secrets at rest, and is never returned. The opened key is kept per
 * process or isolate: a brand's pair never changes (browsers subscribed under it would break).
 */
import { eq } from 'drizzle-orm';
import { base64url, utf8 } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { pushVapidKeys } from '../db/schema/index.ts';
import { openBytes, sealBytes } from '../relay/envelope.ts';

export type VapidKeyPair = { publicKey: string; privateKey: CryptoKey };

const aad = (brandId: string) => utf8(`zeropass:push-vapid\u0000${brandId}`);
const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export class VapidKeys {
  private readonly opened = new Map<string, Promise<VapidKeyPair>>();
  private readonly database: Database;
  private readonly key: CryptoKey;

  constructor(database: Database, relayKey: CryptoKey) {
    this.database = database;
    this.key = relayKey;
  }

  /** The brand's pair, made and stored on the first call. */
  get(brandId: string): Promise<VapidKeyPair> {
    let pair = this.opened.get(brandId);
    if (!pair) {
      pair = this.load(brandId);
      this.opened.set(brandId, pair);
      pair.catch(() => this.opened.delete(brandId));
    }
    return pair;
  }

  private async load(brandId: string): Promise<VapidKeyPair> {
    const { db } = this.database;
    const select = () => db.select().from(pushVapidKeys).where(eq(pushVapidKeys.brandId, brandId));
    let [row] = await select();
    if (!row) {
      const made = (await crypto.subtle.generateKey(ES256, true, ['sign', 'verify'])) as CryptoKeyPair;
      const jwk = await crypto.subtle.exportKey('jwk', made.privateKey);
      const raw = new Uint8Array((await crypto.subtle.exportKey('raw', made.publicKey)) as ArrayBuffer);
      const sealed = await sealBytes(this.key, utf8(JSON.stringify(jwk)), aad(brandId));
      // Two first requests at once: one insert wins, both read the winner.
      await db
        .insert(pushVapidKeys)
        .values({ brandId, publicKey: base64url(raw), sealedPrivateKey: sealed })
        .onConflictDoNothing();
      [row] = await select();
      if (!row) throw new Error('VAPID key insert left no row');
    }
    const jwk = JSON.parse(
      new TextDecoder().decode(await openBytes(this.key, row.sealedPrivateKey, aad(brandId))),
    ) as JsonWebKey;
    const { kty, crv, x, y, d } = jwk;
    const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, ES256, false, ['sign']);
    return { publicKey: row.publicKey, privateKey };
  }
}
