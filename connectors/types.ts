/**
 * @module connectors/types
 * The connector contract. A connector is a manifest (what it is, what it can do, a zod schema of
 * its config with the secret fields marked) plus a client that delivers batches of relay messages
 * and can test its connection. Connectors see no database, no Hono and no environment: only the
 * runtime ports handed to them, so each runs the same on Workers and Node and against local fakes.
 * @see https://github.com/ethyca/fides (connector = schema-checked description + small contract)
 */
import type { z } from 'zod';
import type { ConnectorType } from '../src/db/schema/relay.ts';
import type { Result } from '../src/errors.ts';
import type { Logger } from '../src/log/logger.ts';
import type { RelayMessage } from '../src/relay/relay.ts';

export type Capability = 'contacts' | 'consents' | 'erasure' | 'export';

/** Resolves a host name to IP addresses (a port, so tests need no DNS). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export type ConnectorRuntime = {
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
  resolveHost: ResolveHost;
  /** Hosts or IPs the SSRF guard lets through anyway (development only). */
  allowHosts: readonly string[];
  /**
   * Whose connector a client serves (`brand:connector`). Per-org caches and in-flight limits are
   * kept per scope, so two brands on the same connected app never share record ids or a queue.
   */
  scope?: string;
};

export type DeliveryItem = { envelopeId: string; eventId: string; message: RelayMessage };

/**
 * What happened to one item. `retry` comes back later (after `retryAfterMs` if given);
 * `rejected` will never succeed and becomes a dead letter at once; `disable` also turns the
 * connector off (the endpoint said it is gone). Errors never quote the payload.
 */
export type DeliveryResult =
  | { envelopeId: string; status: 'delivered' }
  | { envelopeId: string; status: 'retry'; error: string; retryAfterMs?: number }
  | { envelopeId: string; status: 'rejected'; error: string }
  | { envelopeId: string; status: 'disable'; error: string };

/**
 * What the CRM holds on one customer, fetched at request time for a data export (never stored):
 * `found` with the record as the CRM gives it, `absent` when it knows no such customer.
 */
export type ExportOutcome =
  | { status: 'found'; record: Record<string, unknown> }
  | { status: 'absent' }
  | { status: 'failed'; error: string };

export interface ConnectorClient {
  /** Delivers a batch; answers one result per item, in any order. Never throws for remote faults. */
  deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]>;
  /** Present where the manifest declares `export`: the CRM's record of this customer id. */
  exportCustomer?(customerId: string): Promise<ExportOutcome>;
  /** Proves the credentials and endpoint work without writing anything. */
  testConnection(): Promise<Result<{ detail: string }>>;
}

// biome-ignore lint/suspicious/noExplicitAny: manifests of every config shape share one registry.
export type AnyConfigSchema = z.ZodObject<any>;

export type ConnectorManifest<S extends AnyConfigSchema = AnyConfigSchema> = {
  type: ConnectorType;
  label: string;
  capabilities: Record<Capability, boolean>;
  /** The whole config; fields made with `secret()` are stored sealed and never returned. */
  configSchema: S;
  /** Checks beyond the schema that need the runtime, e.g. the SSRF guard at registration. */
  validate?(config: z.infer<S>, runtime: ConnectorRuntime): Promise<Result<void>>;
  create(config: z.infer<S>, runtime: ConnectorRuntime): ConnectorClient;
};

/** Marks a config field as secret: write-only on the API, sealed at rest. */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true, writeOnly: true }) as T;
}

export function secretKeys(schema: AnyConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => (field as z.ZodType).meta()?.secret === true)
    .map(([key]) => key);
}

/** Which capability a message needs from a connector. */
export function capabilityFor(kind: RelayMessage['kind']): Capability {
  switch (kind) {
    case 'contact.upsert':
      return 'contacts';
    case 'consent.recorded':
    case 'consent.confirmation_requested':
      return 'consents';
    case 'erasure.requested':
      return 'erasure';
  }
}

/** Exponential backoff with full jitter, capped; the policy of both the outbox and the queue. */
export function backoffMs(attempt: number, baseMs = 2_000, capMs = 15 * 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** A short description of a thrown error that cannot carry payload data. */
export function faultText(error: unknown): string {
  if (error instanceof Error && error.name === 'OutboundRefused') return `ssrf guard: ${error.message}`;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timeout';
  if (error instanceof TypeError) return 'network error';
  return error instanceof Error ? error.name : 'error';
}
