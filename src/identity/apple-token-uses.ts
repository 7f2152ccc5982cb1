/**
 * @module identity/apple-token-uses
 * An Apple identity token is exchanged for a session once. Apple's tokens carry no `jti`, so a
 * token is known by SHA-256 of its decoded signature: RS256 (PKCS #1 v1.5) signatures are
 * deterministic and their bytes are fixed by the signed header and claims, whereas the compact
 * text is not (base64url's unused trailing bits can be set without breaking the signature, so a
 * hash of the text would let one token be spent many times). A row is kept until the token could
 * no longer verify on its own, then the sweep (src/scheduled.ts) deletes it.
 */
import { eq, lte } from 'drizzle-orm';
import { base64url } from 'jose';
import { hex, sha256 } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { appleTokenUses } from '../db/schema/index.ts';

/** The token's id; only ever called on a token whose signature has been verified. */
export async function appleTokenId(token: string): Promise<string> {
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return hex(await sha256(base64url.decode(signature) as Uint8Array<ArrayBuffer>));
}

/**
 * Records the token as used; false when it already was. One conditional insert, so of two
 * concurrent sign-ins with one token exactly one gets true.
 */
export async function claimAppleToken(
  { db }: Database,
  use: { tokenId: string; brandId: string; expiresAt: number },
): Promise<boolean> {
  const rows = await db
    .insert(appleTokenUses)
    .values({ tokenHash: use.tokenId, brandId: use.brandId, expiresAt: use.expiresAt })
    .onConflictDoNothing({ target: appleTokenUses.tokenHash })
    .returning({ tokenHash: appleTokenUses.tokenHash });
  return rows.length === 1;
}

/** Gives a claimed token back, when the sign-in failed for a reason that was not the token's. */
export async function releaseAppleToken({ db }: Database, tokenId: string): Promise<void> {
  await db.delete(appleTokenUses).where(eq(appleTokenUses.tokenHash, tokenId));
}

/** Forgets tokens that can no longer verify; the periodic sweep calls it. */
export async function purgeUsedAppleTokens({ db }: Database, now: number): Promise<number> {
  const rows = await db
    .delete(appleTokenUses)
    .where(lte(appleTokenUses.expiresAt, now))
    .returning({ tokenHash: appleTokenUses.tokenHash });
  return rows.length;
}
