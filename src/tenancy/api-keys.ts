/**
 * @module tenancy/api-keys
 * Brand API keys. A key is shown once at creation, then only its SHA-256 is kept: keys carry
 * 256 bits of randomness, so a plain hash is as strong as a slow one and keeps lookups O(1).
 * The `zpk_<scope>_` prefix lets secret scanners and people recognise a leaked key.
 */
import { and, asc, eq, getTableColumns, isNull } from 'drizzle-orm';
import { randomId, sha256Hex } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { type ApiKeyScope, apiKeys } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { getDevice } from './devices.ts';

export type ApiKey = Omit<typeof apiKeys.$inferSelect, 'keyHash'>;

export type ApiKeyPrincipal = {
  keyId: string;
  brandId: string;
  scope: ApiKeyScope;
  storeId: string | null;
  deviceId: string | null;
};

const scopeTag: Record<ApiKeyScope, string> = { admin: 'admin', pos: 'pos', 'consent:read': 'consent' };
export const API_KEY_PATTERN = /^zpk_(admin|pos|consent)_[0-9a-z]{52}$/;

const { keyHash: _hidden, ...publicColumns } = getTableColumns(apiKeys);

export async function createApiKey(
  database: Database,
  brandId: string,
  input: { scope: ApiKeyScope; label: string; deviceId?: string | undefined },
  now: number,
): Promise<Result<{ key: string; apiKey: ApiKey }>> {
  let storeId: string | null = null;
  let deviceId: string | null = null;
  if (input.scope === 'pos') {
    if (!input.deviceId) return err('invalid_request', 'A pos key must be bound to a device (deviceId)');
    const device = await getDevice(database, brandId, input.deviceId);
    if (!device) return err('not_found', 'No such device');
    storeId = device.storeId;
    deviceId = device.id;
  } else if (input.deviceId) {
    return err('invalid_request', 'Only pos keys are bound to a device');
  }
  const key = randomId(`zpk_${scopeTag[input.scope]}`, 32);
  const row = {
    id: randomId('key'),
    brandId,
    scope: input.scope,
    keyHash: await sha256Hex(key),
    start: key.slice(0, key.indexOf('_', 4) + 5),
    label: input.label,
    storeId,
    deviceId,
    createdAt: now,
    revokedAt: null,
  };
  await database.db.insert(apiKeys).values(row);
  const { keyHash: _omit, ...apiKey } = row;
  return ok({ key, apiKey });
}

export async function listApiKeys({ db }: Database, brandId: string): Promise<ApiKey[]> {
  return db
    .select(publicColumns)
    .from(apiKeys)
    .where(eq(apiKeys.brandId, brandId))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export async function revokeApiKey({ db }: Database, brandId: string, keyId: string, now: number) {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.brandId, brandId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** Looks a presented key up by its hash. Malformed keys are refused before touching storage. */
export async function authenticateApiKey(
  { db }: Database,
  presented: string,
): Promise<ApiKeyPrincipal | undefined> {
  if (!API_KEY_PATTERN.test(presented)) return undefined;
  const [row] = await db
    .select({
      keyId: apiKeys.id,
      brandId: apiKeys.brandId,
      scope: apiKeys.scope,
      storeId: apiKeys.storeId,
      deviceId: apiKeys.deviceId,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, await sha256Hex(presented)), isNull(apiKeys.revokedAt)));
  return row;
}
