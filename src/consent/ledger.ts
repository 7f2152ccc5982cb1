/**
 * @module consent/ledger
 * The consent ledger: append-only, hash-chained per brand. Event n stores the hash of event n-1
 * (`prev_hash`) and its own hash over every field, so changing, removing or reordering any row
 * breaks the chain from that row on, and `verifyChain` names the first broken link.
 *
 * Appends take the brand's head (highest seq) and insert seq+1… in one batch. UNIQUE(brand_id,
 * seq) makes a concurrent append that chained onto the same head fail as a whole; it re-reads the
 * head and retries. This works on D1, which has no interactive transactions.
 */
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { randomId, sha256Hex } from '../crypto.ts';
import type { BatchStatement, Database } from '../db/database.ts';
import { consentEvents } from '../db/schema/index.ts';

export type ConsentEvent = typeof consentEvents.$inferSelect;
export type ConsentEventDraft = Omit<
  ConsentEvent,
  'id' | 'brandId' | 'seq' | 'prevHash' | 'hash' | 'recordedAt'
>;

export const GENESIS_HASH = '0'.repeat(64);
const HASH_FORMAT = 'zp-consent-v1';
const MAX_ATTEMPTS = 40;

/** The canonical bytes of an event: a JSON array in a fixed order, so no key-order ambiguity. */
export async function eventHash(event: Omit<ConsentEvent, 'hash'>): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      HASH_FORMAT,
      event.brandId,
      event.seq,
      event.id,
      event.customerId,
      event.purpose,
      event.action,
      event.method,
      event.noticeVersion,
      event.jurisdiction,
      event.layoutId,
      event.gpc,
      event.ipPrefix,
      event.uaFamily,
      event.recordedAt,
      event.prevHash,
    ]),
  );
}

export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(String((e as Error).message ?? e))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function head({ db }: Database, brandId: string) {
  const [row] = await db
    .select({ seq: consentEvents.seq, hash: consentEvents.hash })
    .from(consentEvents)
    .where(eq(consentEvents.brandId, brandId))
    .orderBy(desc(consentEvents.seq))
    .limit(1);
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * Appends events for one brand atomically, in order. `extra` statements (e.g. a pending double
 * opt-in) join the same batch, so they land together with the events or not at all.
 */
export async function appendEvents(
  database: Database,
  brandId: string,
  drafts: ConsentEventDraft[],
  now: number,
  extra: BatchStatement[] = [],
): Promise<ConsentEvent[]> {
  if (drafts.length === 0) {
    if (extra.length) await database.batch(extra as [BatchStatement, ...BatchStatement[]]);
    return [];
  }
  for (let attempt = 1; ; attempt++) {
    let previous = await head(database, brandId);
    const rows: ConsentEvent[] = [];
    for (const draft of drafts) {
      const unsigned = {
        ...draft,
        id: randomId('cev'),
        brandId,
        seq: previous.seq + 1,
        recordedAt: now,
        prevHash: previous.hash,
      };
      const row = { ...unsigned, hash: await eventHash(unsigned) };
      rows.push(row);
      previous = row;
    }
    try {
      await database.batch([database.db.insert(consentEvents).values(rows), ...extra]);
      return rows;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
      // Someone else appended first: back off a little, with jitter, and chain onto the new head.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 10)));
    }
  }
}

export type ChainReport = {
  valid: boolean;
  events: number;
  headHash: string;
  firstBroken?: { seq: number; eventId: string | null; reason: string };
};

/** Recomputes the brand's whole chain, page by page, and names the first broken link. */
export async function verifyChain({ db }: Database, brandId: string, pageSize = 500): Promise<ChainReport> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const page = await db
      .select()
      .from(consentEvents)
      .where(and(eq(consentEvents.brandId, brandId), gt(consentEvents.seq, expectedSeq - 1)))
      .orderBy(asc(consentEvents.seq))
      .limit(pageSize);
    for (const row of page) {
      const broken = (reason: string, seq = row.seq, eventId: string | null = row.id): ChainReport => ({
        valid: false,
        events: count,
        headHash: previousHash,
        firstBroken: { seq, eventId, reason },
      });
      if (row.seq !== expectedSeq) return broken(`event ${expectedSeq} is missing`, expectedSeq, null);
      if (row.prevHash !== previousHash)
        return broken('prev_hash does not match the hash of the event before');
      const { hash, ...rest } = row;
      if ((await eventHash(rest)) !== hash) return broken('the event’s contents do not match its hash');
      previousHash = hash;
      expectedSeq++;
      count++;
    }
    if (page.length < pageSize) return { valid: true, events: count, headHash: previousHash };
  }
}

/** A customer's events, oldest first. */
export async function customerEvents({ db }: Database, brandId: string, customerId: string) {
  return db
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.brandId, brandId), eq(consentEvents.customerId, customerId)))
    .orderBy(asc(consentEvents.seq));
}
