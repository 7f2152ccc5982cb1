/**
 * @module pos/pos-key-cache
 * A short-lived in-memory cache of POS key → principal for the scan route, the hottest read in the
 * product: it saves a hash and a database round trip per scan. Only the read-only scan uses it;
 * every write (earn, redeem, convert, reverse) authenticates against the database, so a revoked
 * or retired device can no longer move money at once, and can keep *reading* entitlements for at
 * most TTL_MS (30 s) in a process or isolate that had cached it. Unknown keys are not cached, so a
 * stream of bad keys cannot fill the cache; its size is bounded besides.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { bearerToken } from '../http/auth.ts';
import { type ApiKeyPrincipal, authenticateApiKey } from '../tenancy/api-keys.ts';

export const POS_KEY_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export class PosKeyCache {
  private readonly entries = new Map<string, { principal: ApiKeyPrincipal; expiresAt: number }>();

  get(token: string, now: number): ApiKeyPrincipal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: ApiKeyPrincipal, now: number) {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, { principal, expiresAt: now + POS_KEY_TTL_MS });
  }
}

/** Like requireApiKey('pos'), served from the cache when it can be. */
export function requireCachedPosKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new AppError('unauthorized', 'Send an API key as Authorization: Bearer zpk_…');
    const { deps } = c.var;
    const now = deps.now();
    let principal = deps.posKeyCache.get(token, now);
    if (!principal) {
      principal = await authenticateApiKey(deps.database, token);
      if (!principal) throw new AppError('unauthorized', 'The API key is unknown or revoked');
      if (principal.scope === 'pos') deps.posKeyCache.set(token, principal, now);
    }
    if (principal.scope !== 'pos') throw new AppError('forbidden', 'This route needs a pos key');
    c.set('apiKey', principal);
    await next();
  };
}
