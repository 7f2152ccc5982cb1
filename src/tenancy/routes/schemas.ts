/**
 * @module tenancy/routes/schemas
 * Wire shapes of the brand admin API. Timestamps are ISO 8601; ids are prefixed strings.
 */
import { z } from '@hono/zod-openapi';
import { apiKeyScopes } from '../../db/schema/index.ts';
import type { ApiKey } from '../api-keys.ts';
import type { Brand } from '../brands.ts';
import type { Device } from '../devices.ts';
import type { Store } from '../stores.ts';

export const adminSecurity = [{ adminKey: [] }];

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
export const Label = z.string().trim().min(1).max(120);
export function IdParam<N extends string>(name: N, prefix: string) {
  const id = z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_… id`)
    .openapi({ param: { name, in: 'path' } });
  return z.object({ [name]: id } as { [K in N]: typeof id });
}

export const BrandSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    label: z.string(),
    appleClientIds: z.array(z.string()),
    requireNonce: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Brand');
export const toBrand = (b: Brand) => ({ ...b, createdAt: iso(b.createdAt) });

export const StoreSchema = z
  .object({ id: z.string(), label: z.string(), createdAt: z.string() })
  .openapi('Store');
export const toStore = (s: Store) => ({ id: s.id, label: s.label, createdAt: iso(s.createdAt) });

export const DeviceSchema = z
  .object({ id: z.string(), storeId: z.string(), label: z.string(), createdAt: z.string() })
  .openapi('Device');
export const toDevice = (d: Device) => ({
  id: d.id,
  storeId: d.storeId,
  label: d.label,
  createdAt: iso(d.createdAt),
});

export const ApiKeySchema = z
  .object({
    id: z.string(),
    scope: z.enum(apiKeyScopes),
    start: z.string().openapi({ description: 'The first characters of the key, to tell keys apart' }),
    label: z.string(),
    storeId: z.string().nullable(),
    deviceId: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');
export const toApiKey = (k: ApiKey) => ({
  id: k.id,
  scope: k.scope,
  start: k.start,
  label: k.label,
  storeId: k.storeId,
  deviceId: k.deviceId,
  createdAt: iso(k.createdAt),
  revokedAt: isoOrNull(k.revokedAt),
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
