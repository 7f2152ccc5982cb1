/**
 * @module relay/connectors-store
 * Per-brand connector configuration. The config is validated by the connector's manifest; the
 * fields it marks secret are sealed with the relay key (AAD: brand + connector id) and never
 * leave this module except into a connector client. Views list which secrets are set, not them.
 * Identities that may be PII (a Salesforce `username`, a Cegid `login`) are marked secret too.
 */
import { and, asc, eq } from 'drizzle-orm';
import { manifestOf } from '../../connectors/registry.ts';
import { type Capability, type ConnectorClient, secretKeys } from '../../connectors/types.ts';
import { randomId, utf8 } from '../crypto.ts';
import { type ConnectorType, relayConnectors } from '../db/schema/index.ts';
import { AppError, err, ok, type Result } from '../errors.ts';
import { openBytes, sealBytes } from './envelope.ts';
import type { RelayDeps } from './relay-deps.ts';

type Row = typeof relayConnectors.$inferSelect;

export type ConnectorView = {
  id: string;
  type: ConnectorType;
  label: string;
  enabled: boolean;
  disabledReason: string | null;
  settings: Record<string, unknown>;
  secretsSet: string[];
  capabilities: Record<Capability, boolean>;
  createdAt: number;
  updatedAt: number;
};

const aad = (brandId: string, id: string) => utf8(`zeropass.connector.v1\u0000${brandId}\u0000${id}`);

function view(row: Row, secretsSet: string[]): ConnectorView {
  return {
    id: row.id,
    type: row.type,
    label: row.label,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    settings: row.settings,
    secretsSet,
    capabilities: manifestOf(row.type).capabilities,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function openSecrets(rd: RelayDeps, row: Row): Promise<Record<string, unknown>> {
  const plain = await openBytes(rd.key, row.sealedSecrets, aad(row.brandId, row.id));
  return JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>;
}

type Stored = { row: Row; secrets: Record<string, unknown> };

/**
 * A row and its opened secrets. A row written before one of its fields became secret (Salesforce
 * `username`, Cegid `login`) holds that field in clear in `settings`: it is moved into the sealed
 * part and the row rewritten the first time it is read, so no migration has to know the relay key.
 */
async function opened(rd: RelayDeps, row: Row): Promise<Stored> {
  const secrets = await openSecrets(rd, row);
  const secretNames = secretKeys(manifestOf(row.type).configSchema);
  const legacy = Object.keys(row.settings).filter((key) => secretNames.includes(key));
  if (legacy.length === 0) return { row, secrets };
  const settings = { ...row.settings };
  for (const key of legacy) {
    if (!(key in secrets)) secrets[key] = settings[key];
    delete settings[key];
  }
  const sealedSecrets = await sealBytes(rd.key, utf8(JSON.stringify(secrets)), aad(row.brandId, row.id));
  // Only over the row as read: a concurrent write has already stored the field sealed.
  const [resealed] = await rd.database.db
    .update(relayConnectors)
    .set({ settings, sealedSecrets })
    .where(
      and(
        eq(relayConnectors.brandId, row.brandId),
        eq(relayConnectors.id, row.id),
        eq(relayConnectors.updatedAt, row.updatedAt),
      ),
    )
    .returning();
  return { row: resealed ?? { ...row, settings, sealedSecrets }, secrets };
}

/** Validates a whole config and splits it into settings (stored in clear) and sealed secrets. */
async function prepare(
  rd: RelayDeps,
  brandId: string,
  id: string,
  type: ConnectorType,
  config: unknown,
): Promise<Result<{ settings: Record<string, unknown>; sealedSecrets: string; secretsSet: string[] }>> {
  const manifest = manifestOf(type);
  const parsed = manifest.configSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: ['config', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    return {
      ok: false,
      error: new AppError('invalid_request', 'The connector config failed validation', issues),
    };
  }
  const checked = await manifest.validate?.(parsed.data, rd.runtime);
  if (checked && !checked.ok) return checked;
  const secretNames = secretKeys(manifest.configSchema);
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (value === undefined) continue;
    (secretNames.includes(key) ? secrets : settings)[key] = value;
  }
  const sealedSecrets = await sealBytes(rd.key, utf8(JSON.stringify(secrets)), aad(brandId, id));
  return ok({ settings, sealedSecrets, secretsSet: Object.keys(secrets) });
}

export async function createConnector(
  rd: RelayDeps,
  brandId: string,
  input: { type: ConnectorType; label: string; enabled?: boolean | undefined; config: unknown },
): Promise<Result<ConnectorView>> {
  const id = randomId('con');
  const prepared = await prepare(rd, brandId, id, input.type, input.config);
  if (!prepared.ok) return prepared;
  const now = rd.now();
  const [row] = await rd.database.db
    .insert(relayConnectors)
    .values({
      id,
      brandId,
      type: input.type,
      label: input.label,
      enabled: input.enabled ?? true,
      settings: prepared.value.settings,
      sealedSecrets: prepared.value.sealedSecrets,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) return err('internal');
  return ok(view(row, prepared.value.secretsSet));
}

async function getRow(rd: RelayDeps, brandId: string, id: string): Promise<Row | undefined> {
  const [row] = await rd.database.db
    .select()
    .from(relayConnectors)
    .where(and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.id, id)));
  return row;
}

export async function getConnector(
  rd: RelayDeps,
  brandId: string,
  id: string,
): Promise<ConnectorView | undefined> {
  const row = await getRow(rd, brandId, id);
  if (!row) return undefined;
  const stored = await opened(rd, row);
  return view(stored.row, Object.keys(stored.secrets));
}

export async function listConnectors(rd: RelayDeps, brandId: string): Promise<ConnectorView[]> {
  const rows = await rd.database.db
    .select()
    .from(relayConnectors)
    .where(eq(relayConnectors.brandId, brandId))
    .orderBy(asc(relayConnectors.createdAt), asc(relayConnectors.id));
  return Promise.all(
    rows.map(async (row) => {
      const stored = await opened(rd, row);
      return view(stored.row, Object.keys(stored.secrets));
    }),
  );
}

/**
 * Merges a partial config over the stored one, then re-validates. Omitted secrets are kept only
 * while every setting stays as it was: a secret belongs to the endpoint and identity it was given
 * for, so a PATCH that points the connector elsewhere must send its secrets again (otherwise an
 * admin key could retarget a connector and have its stored credentials sent to a host of its choice).
 */
export async function updateConnector(
  rd: RelayDeps,
  brandId: string,
  id: string,
  patch: {
    label?: string | undefined;
    enabled?: boolean | undefined;
    config?: Record<string, unknown> | undefined;
  },
): Promise<Result<ConnectorView>> {
  const found = await getRow(rd, brandId, id);
  if (!found) return err('not_found', 'No such connector');
  const { row, secrets } = await opened(rd, found);
  const secretNames = secretKeys(manifestOf(row.type).configSchema);
  const settingsChange = Object.entries(patch.config ?? {}).some(
    ([key, value]) =>
      !secretNames.includes(key) && JSON.stringify(row.settings[key]) !== JSON.stringify(value),
  );
  const kept = settingsChange ? {} : secrets;
  const merged = { ...row.settings, ...kept, ...patch.config };
  const prepared = await prepare(rd, brandId, id, row.type, merged);
  if (!prepared.ok) return prepared;
  const enabling = patch.enabled === true;
  const [updated] = await rd.database.db
    .update(relayConnectors)
    .set({
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(enabling ? { disabledReason: null } : {}),
      settings: prepared.value.settings,
      sealedSecrets: prepared.value.sealedSecrets,
      updatedAt: rd.now(),
    })
    .where(and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.id, id)))
    .returning();
  if (!updated) return err('not_found', 'No such connector');
  return ok(view(updated, prepared.value.secretsSet));
}

export async function deleteConnector(rd: RelayDeps, brandId: string, id: string): Promise<boolean> {
  const rows = await rd.database.db
    .delete(relayConnectors)
    .where(and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.id, id)))
    .returning({ id: relayConnectors.id });
  return rows.length > 0;
}

/** Turns a connector off on the relay's own authority (e.g. a webhook answered 410). */
export async function disableConnector(rd: RelayDeps, brandId: string, id: string, reason: string) {
  await rd.database.db
    .update(relayConnectors)
    .set({ enabled: false, disabledReason: reason, updatedAt: rd.now() })
    .where(and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.id, id)));
}

/** Enabled connectors of a brand that can take messages needing this capability. */
export async function connectorsFor(
  rd: RelayDeps,
  brandId: string,
  capability: Capability,
): Promise<string[]> {
  const rows = await rd.database.db
    .select({ id: relayConnectors.id, type: relayConnectors.type })
    .from(relayConnectors)
    .where(and(eq(relayConnectors.brandId, brandId), eq(relayConnectors.enabled, true)));
  return rows.filter((r) => manifestOf(r.type).capabilities[capability]).map((r) => r.id);
}

export type LoadedConnector = { row: Row; client: ConnectorClient };

/** Builds a live client from the stored config, or explains why there is none. */
export async function loadConnector(
  rd: RelayDeps,
  brandId: string,
  id: string,
): Promise<Result<LoadedConnector>> {
  const found = await getRow(rd, brandId, id);
  if (!found) return err('not_found', 'connector deleted');
  const { row, secrets } = await opened(rd, found);
  if (!row.enabled)
    return err(
      'conflict',
      row.disabledReason ? `connector disabled: ${row.disabledReason}` : 'connector disabled',
    );
  const manifest = manifestOf(row.type);
  const parsed = manifest.configSchema.safeParse({ ...row.settings, ...secrets });
  if (!parsed.success) return err('conflict', 'stored connector config no longer validates');
  return ok({
    row,
    client: manifest.create(parsed.data, { ...rd.runtime, scope: `${row.brandId}:${row.id}` }),
  });
}
