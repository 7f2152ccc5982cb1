/**
 * @module http/auth
 * Bearer authentication. Brand API keys (`zpk_…`) carry a scope; shopper sessions are JWTs.
 * A missing or unknown credential is 401; a valid key of the wrong scope is 403.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { ApiKeyScope } from '../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { getCustomer } from '../identity/customers.ts';
import { authenticateApiKey } from '../tenancy/api-keys.ts';

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * How long `{ cached: true }` routes trust a key they have seen. Only the POS scan uses it: it
 * reads entitlements and, for a rotating code, consumes that code's time step, never money. A
 * revocation or retirement clears the cache of the process or isolate that made it; another one
 * that had cached the key can keep scanning for up to this long. Money-moving writes always check
 * the key in the database. Unknown keys are not cached, so a stream of bad keys cannot fill it.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;

export function requireApiKey(
  scope: ApiKeyScope,
  options: { cached?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new AppError('unauthorized', 'Send an API key as Authorization: Bearer zpk_…');
    const deps = c.get('deps');
    let principal = options.cached ? deps.apiKeyCache.get(token) : undefined;
    if (!principal) {
      principal = await authenticateApiKey(deps.database, token);
      if (!principal) throw new AppError('unauthorized', 'The API key is unknown or revoked');
      if (options.cached && principal.scope === scope) deps.apiKeyCache.set(token, principal);
    }
    if (principal.scope !== scope) throw new AppError('forbidden', `This route needs a ${scope} key`);
    c.set('apiKey', principal);
    await next();
  };
}

export function requireShopper(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new AppError('unauthorized', 'Send a shopper access token as Authorization: Bearer …');
    const deps = c.get('deps');
    const verified = await deps.sessions.verify(token);
    if (!verified.ok) throw verified.error;
    const { customerId, brandId, issuedAtMs, signedInAtMs } = verified.value;
    const customer = await getCustomer(deps.database, brandId, customerId);
    if (!customer || issuedAtMs < customer.sessionsValidAfter) {
      throw new AppError('unauthorized', 'The session has been revoked');
    }
    c.set('shopper', { customerId, brandId, signedInAtMs });
    await next();
  };
}
