/**
 * @module relay/dead-letters
 * Envelopes that could not be delivered. A dead letter keeps metadata (event, kind, connector,
 * attempts, an error text that never quotes the payload) and the ciphertext until the retention
 * limit; brand admins list, retry (back onto the transport) or discard them.
 */
import { and, desc, eq, isNotNull, lt } from 'drizzle-orm';
import { randomId } from '../crypto.ts';
import type { BatchStatement } from '../db/database.ts';
import { relayDeadLetters } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
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

/** Puts a dead letter back on the transport with a fresh TTL; the event id stays, so it is still deduplicated. */
export async function retryDeadLetter(
  rd: RelayDeps,
  brandId: string,
  id: string,
): Promise<Result<{ envelopeId: string }>> {
  if (!rd.transport) return err('unavailable', 'This runtime has no relay transport');
  const row = await getDeadLetter(rd, brandId, id);
  if (!row) return err('not_found', 'No such dead letter');
  if (!row.ciphertext) return err('conflict', 'The retention limit has passed; the data is gone');
  const now = rd.now();
  const envelope: Envelope = {
    id: randomId('env'),
    eventId: row.eventId,
    brandId: row.brandId,
    kind: row.kind as RelayKind,
    connectorId: row.connectorId,
    createdAt: now,
    expiresAt: now + rd.policy.ttlSeconds * 1000,
    ciphertext: row.ciphertext,
  };
  await rd.transport.send([envelope]);
  await discardDeadLetter(rd, brandId, id);
  return ok({ envelopeId: envelope.id });
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
