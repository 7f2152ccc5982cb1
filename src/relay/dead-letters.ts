/**
 * @module relay/dead-letters
 * Envelopes that could not be delivered. A dead letter keeps metadata (event, kind, connector,
 * attempts, an error text that never quotes the payload) and the ciphertext until the retention
 * limit; brand admins list, retry (back onto the transport) or discard them.
 */
import { and, desc, eq, isNotNull, lt } from 'drizzle-orm';
import { capabilityFor } from '../../connectors/types.ts';
import { randomId } from '../crypto.ts';
import type { BatchStatement } from '../db/database.ts';
import { relayDeadLetters } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { connectorsFor } from './connectors-store.ts';
import type { Envelope, RelayKind } from './envelope.ts';
import type { RelayDeps } from './relay-deps.ts';

export type DeadLetter = typeof relayDeadLetters.$inferSelect;

export function deadLetterInsert(
  rd: RelayDeps,
  envelope: Envelope,
  attempts: number,
  error: string,
): BatchStatement {
  return rd.database.db.insert(relayDeadLetters).values({
    id: randomId('dlq'),
    brandId: envelope.brandId,
    eventId: envelope.eventId,
    kind: envelope.kind,
    connectorId: envelope.connectorId,
    attempts,
    lastError: error.slice(0, 300),
    ciphertext: envelope.ciphertext,
    createdAt: envelope.createdAt,
    deadAt: rd.now(),
  });
}

export async function listDeadLetters(
  rd: RelayDeps,
  brandId: string,
  filter: { connectorId?: string | undefined; limit: number },
): Promise<DeadLetter[]> {
  return rd.database.db
    .select()
    .from(relayDeadLetters)
    .where(
      and(
        eq(relayDeadLetters.brandId, brandId),
        filter.connectorId ? eq(relayDeadLetters.connectorId, filter.connectorId) : undefined,
      ),
    )
    .orderBy(desc(relayDeadLetters.deadAt), desc(relayDeadLetters.id))
    .limit(filter.limit);
}

export async function getDeadLetter(rd: RelayDeps, brandId: string, id: string) {
  const [row] = await rd.database.db
    .select()
    .from(relayDeadLetters)
    .where(and(eq(relayDeadLetters.brandId, brandId), eq(relayDeadLetters.id, id)));
  return row;
}

/** Connector id of a message that no connector could take when it was published. */
export const NO_CONNECTOR = 'none';

/**
 * Puts a dead letter back on the transport with a fresh TTL; the event id stays, so it is still
 * deduplicated. One that had no connector goes to the connectors the brand has now for its kind.
 * Answers the (first) new envelope's id.
 */
export async function retryDeadLetter(
  rd: RelayDeps,
  brandId: string,
  id: string,
): Promise<Result<{ envelopeId: string }>> {
  if (!rd.transport) return err('unavailable', 'This runtime has no relay transport');
  const row = await getDeadLetter(rd, brandId, id);
  if (!row) return err('not_found', 'No such dead letter');
  const { ciphertext } = row;
  if (!ciphertext) return err('conflict', 'The retention limit has passed; the data is gone');
  const kind = row.kind as RelayKind;
  const targets =
    row.connectorId === NO_CONNECTOR
      ? await connectorsFor(rd, brandId, capabilityFor(kind))
      : [row.connectorId];
  const [first, ...others] = targets;
  if (first === undefined)
    return err('conflict', 'No enabled connector takes this kind yet: add one, then retry');
  const now = rd.now();
  const envelopes: Envelope[] = [first, ...others].map((connectorId) => ({
    id: randomId('env'),
    eventId: row.eventId,
    brandId: row.brandId,
    kind,
    connectorId,
    createdAt: now,
    expiresAt: now + rd.policy.ttlSeconds * 1000,
    ciphertext,
  }));
  await rd.transport.send(envelopes);
  await discardDeadLetter(rd, brandId, id);
  return ok({ envelopeId: envelopes[0]?.id ?? '' });
}

export async function discardDeadLetter(rd: RelayDeps, brandId: string, id: string): Promise<boolean> {
  const rows = await rd.database.db
    .delete(relayDeadLetters)
    .where(and(eq(relayDeadLetters.brandId, brandId), eq(relayDeadLetters.id, id)))
    .returning({ id: relayDeadLetters.id });
  return rows.length > 0;
}

/**
 * Drops the ciphertext of dead letters older than the retention limit. A system sweep across
 * brands (the one query here not scoped to a brand): it only ever removes data.
 */
export async function purgeDeadLetterData(rd: RelayDeps): Promise<number> {
  const cutoff = rd.now() - rd.policy.deadLetterRetentionDays * 86_400_000;
  const rows = await rd.database.db
    .update(relayDeadLetters)
    .set({ ciphertext: null })
    .where(and(lt(relayDeadLetters.deadAt, cutoff), isNotNull(relayDeadLetters.ciphertext)))
    .returning({ id: relayDeadLetters.id });
  return rows.length;
}
