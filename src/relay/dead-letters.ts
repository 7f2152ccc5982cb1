/**
 * @module relay/dead-letters
 * Envelopes that could not be delivered. A dead letter keeps metadata (event, kind, connector,
 * attempts, an error text that never quotes the payload) and the ciphertext until the earlier of
 * its envelope's TTL and the retention limit; brand admins list, retry (back onto the job queue)
 * or discard them. Dying does not extend the life of the data: PII in flight may wait only as
 * ciphertext with a TTL (DESIGN.md, invariant 1), and neither a dead letter nor its retry renews it.
 */
import { and, desc, eq, isNotNull, lt, lte, or } from 'drizzle-orm';
import { capabilityFor } from '../../connectors/types.ts';
import { randomId } from '../crypto.ts';
import type { BatchStatement } from '../db/database.ts';
import { relayDeadLetters } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import { connectorsFor } from './connectors-store.ts';
import type { Envelope, RelayKind } from './envelope.ts';
import { envelopeJob } from './envelope-job.ts';
import type { RelayDeps } from './relay-deps.ts';

export type DeadLetter = typeof relayDeadLetters.$inferSelect;
/** A dead letter as admins see it: metadata, and whether its data can still be sent. */
export type DeadLetterView = Omit<DeadLetter, 'ciphertext'> & { retryable: boolean };

/**
 * When the data of an envelope created at `createdAt` expires. Every envelope is made with
 * `expiresAt = createdAt + TTL` (publish, and a retry keeps both), and the dead-letter table has
 * no column of its own for it, so the expiry is derived from the creation time.
 */
export const dataExpiresAt = (rd: Pick<RelayDeps, 'policy'>, createdAt: number) =>
  createdAt + rd.policy.ttlSeconds * 1000;

/** Whether a dead letter still holds data that may be sent: present and not past its TTL. */
const holdsLiveData = (rd: RelayDeps, row: Pick<DeadLetter, 'ciphertext' | 'createdAt'>, now: number) =>
  row.ciphertext !== null && dataExpiresAt(rd, row.createdAt) > now;

export function deadLetterInsert(
  rd: RelayDeps,
  envelope: Envelope,
  attempts: number,
  error: string,
): BatchStatement {
  // The data stays only while the envelope's TTL runs, and only if the expiry derived later
  // (purge, retry) is not later than the real one (it would be if the TTL was raised since).
  const keep = envelope.expiresAt > rd.now() && dataExpiresAt(rd, envelope.createdAt) <= envelope.expiresAt;
  return rd.database.db.insert(relayDeadLetters).values({
    id: randomId('dlq'),
    brandId: envelope.brandId,
    eventId: envelope.eventId,
    kind: envelope.kind,
    connectorId: envelope.connectorId,
    attempts,
    lastError: error.slice(0, 300),
    ciphertext: keep ? envelope.ciphertext : null,
    createdAt: envelope.createdAt,
    deadAt: rd.now(),
  });
}

export async function listDeadLetters(
  rd: RelayDeps,
  brandId: string,
  filter: { connectorId?: string | undefined; limit: number },
): Promise<DeadLetterView[]> {
  const rows = await rd.database.db
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
  const now = rd.now();
  // Between the envelope's expiry and the next purge the ciphertext may still be on disk, but
  // it is already not retryable.
  return rows.map(({ ciphertext, ...row }) => ({
    ...row,
    retryable: holdsLiveData(rd, { ciphertext, createdAt: row.createdAt }, now),
  }));
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
 * Puts a dead letter back on the job queue with its original creation time and expiry (a retry
 * must not give PII a fresh TTL); the event id stays, so it is still deduplicated. One that had
 * no connector goes to the connectors the brand has now for its kind. Once the data is gone
 * (TTL or retention) the answer is 410. Answers the (first) new envelope's id.
 */
export async function retryDeadLetter(
  rd: RelayDeps,
  brandId: string,
  id: string,
): Promise<Result<{ envelopeId: string }>> {
  const row = await getDeadLetter(rd, brandId, id);
  if (!row) return err('not_found', 'No such dead letter');
  const { ciphertext } = row;
  const now = rd.now();
  if (!ciphertext || !holdsLiveData(rd, row, now)) {
    return err('gone', 'The data of this dead letter has expired (relay TTL or retention); discard it');
  }
  const kind = row.kind as RelayKind;
  const targets =
    row.connectorId === NO_CONNECTOR
      ? await connectorsFor(rd, brandId, capabilityFor(kind))
      : [row.connectorId];
  const [first, ...others] = targets;
  if (first === undefined)
    return err('conflict', 'No enabled connector takes this kind yet: add one, then retry');
  const envelopes: Envelope[] = [first, ...others].map((connectorId) => ({
    id: randomId('env'),
    eventId: row.eventId,
    brandId: row.brandId,
    kind,
    connectorId,
    createdAt: row.createdAt,
    expiresAt: dataExpiresAt(rd, row.createdAt),
    ciphertext,
  }));
  await rd.jobs.enqueue(envelopes.map(envelopeJob));
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
 * Drops the ciphertext of dead letters past their envelope's TTL or older than the retention
 * limit, whichever comes first. A system sweep across brands (the one query here not scoped to a
 * brand): it only ever removes data.
 */
export async function purgeDeadLetterData(rd: RelayDeps): Promise<number> {
  const now = rd.now();
  const retained = now - rd.policy.deadLetterRetentionDays * 86_400_000;
  // createdAt + TTL <= now, written so that the column stands alone.
  const expired = now - rd.policy.ttlSeconds * 1000;
  const rows = await rd.database.db
    .update(relayDeadLetters)
    .set({ ciphertext: null })
    .where(
      and(
        isNotNull(relayDeadLetters.ciphertext),
        or(lt(relayDeadLetters.deadAt, retained), lte(relayDeadLetters.createdAt, expired)),
      ),
    )
    .returning({ id: relayDeadLetters.id });
  return rows.length;
}
