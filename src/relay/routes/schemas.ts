/**
 * @module relay/routes/schemas
 * Wire shapes of the relay admin API. Connector views never carry secrets: `secretsSet` names
 * the secret fields that have a value.
 */
import { z } from '@hono/zod-openapi';
import { connectorTypes } from '../../db/schema/index.ts';
import type { ConnectorView } from '../connectors-store.ts';
import type { DeadLetterView } from '../dead-letters.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export const ConnectorSchema = z
  .object({
    id: z.string(),
    type: z.enum(connectorTypes),
    label: z.string(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    secretsSet: z.array(z.string()),
    capabilities: z.object({
      contacts: z.boolean(),
      consents: z.boolean(),
      erasure: z.boolean(),
      export: z.boolean(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Connector');
export const toConnector = (c: ConnectorView) => ({
  ...c,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export const DeadLetterSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    kind: z.string(),
    connectorId: z.string(),
    attempts: z.number().int(),
    lastError: z.string(),
    retryable: z.boolean().openapi({
      description:
        'False once the data is gone: past the envelope’s relay TTL (ZP_RELAY_TTL_SECONDS, not renewed by dying or by a retry) or the retention limit, whichever comes first',
    }),
    createdAt: z.string(),
    deadAt: z.string(),
  })
  .openapi('DeadLetter');
export const toDeadLetter = (d: DeadLetterView) => ({
  id: d.id,
  eventId: d.eventId,
  kind: d.kind,
  connectorId: d.connectorId,
  attempts: d.attempts,
  lastError: d.lastError,
  retryable: d.retryable,
  createdAt: iso(d.createdAt),
  deadAt: iso(d.deadAt),
});
