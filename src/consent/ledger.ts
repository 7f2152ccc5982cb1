/**
 * @module consent/ledger
 * The consent ledger: append-only, hash-chained per brand. Event n stores the hash of event n-1
 * (`prev_hash`) and its own hash over every field, so changing, removing or reordering any row
 * breaks the chain from that row on, and `verifyChain` names the first broken link.
 *
 * An append is two steps, and neither can lose a race:
 * 1. **Claim.** Each event is inserted with `seq = max(seq) + 1` computed inside its own INSERT,
 *    in one batch with whatever must land with it (the customer, pending confirmations). SQLite
 *    runs one write transaction at a time (D1 per database; libsql under BEGIN IMMEDIATE), so
 *    concurrent appends are serialised by the database instead of colliding on UNIQUE and
 *    retrying. A draft may carry a condition (`when`): the event is written only if it holds at
 *    that moment, which makes withdrawals and double opt-in grants conditional writes.
 * 2. **Seal.** SHA-256 is not available in SQL, so the hashes follow: the appender walks from the
 *    lowest unsealed row up to its own, computes each hash from the sealed row before it, and
 *    writes them with `hash = ''` as the condition. Hashes are a pure function of the row and its
 *    predecessor, so two appenders sealing the same rows write the same values and the second
 *    write is a no-op; whoever comes first seals everyone's rows. Sealed rows are always a
 *    prefix of the chain. A row left unsealed by a crash is sealed by the next append or check.
 */
import { and, asc, desc, eq, gt, ne, type SQL, sql } from 'drizzle-orm';
import { randomId, sha256Hex } from '../crypto.ts';
import type { BatchStatement, Database } from '../db/database.ts';
import { consentEvents } from '../db/schema/index.ts';

export type ConsentEvent = typeof consentEvents.$inferSelect;
export type ConsentEventDraft = Omit<
  ConsentEvent,
  'id' | 'brandId' | 'seq' | 'prevHash' | 'hash' | 'recordedAt'
>;

export const GENESIS_HASH = '0'.repeat(64);
/** `prev_hash` and `hash` of a claimed row until it is sealed. */
const UNSEALED = '';
const HASH_FORMAT = 'zp-consent-v1';
/** Rows sealed per round trip: bounded so a long unsealed tail cannot make one huge batch. */
const SEAL_PAGE = 50;

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

/**
 * SQL for "the newest event of this customer and purpose has this id" (null: there is none), for
 * a draft's `when`: the write happens only if nobody recorded anything for them in between.
 */
export function latestEventIs(brandId: string, customerId: string, purpose: string, eventId: string | null) {
  return sql`(SELECT id FROM consent_events WHERE brand_id = ${brandId} AND customer_id = ${customerId}
    AND purpose = ${purpose} ORDER BY seq DESC LIMIT 1) IS ${eventId}`;
}

export type AppendOptions = {
  /** Statements that run in the same batch before the events (e.g. the customer they belong to). */
  before?: BatchStatement[];
  /** Statements that run in the same batch after the events (pending confirmations, cancellations). */
  after?: BatchStatement[];
  /** Each event is written only if this holds when its INSERT runs; unwritten ones are not returned. */
  when?: SQL;
};

function claim(
  database: Database,
  brandId: string,
  row: ConsentEventDraft & { id: string },
  now: number,
  when?: SQL,
) {
  return database.db.all<{ seq: number }>(sql`
    INSERT INTO consent_events (id, brand_id, seq, customer_id, purpose, action, method, notice_version,
      jurisdiction, layout_id, gpc, ip_prefix, ua_family, recorded_at, prev_hash, hash)
    SELECT ${row.id}, ${brandId},
      (SELECT COALESCE(MAX(seq), 0) + 1 FROM consent_events WHERE brand_id = ${brandId}),
      ${row.customerId}, ${row.purpose}, ${row.action}, ${row.method}, ${row.noticeVersion},
      ${row.jurisdiction}, ${row.layoutId}, ${row.gpc ? 1 : 0}, ${row.ipPrefix}, ${row.uaFamily}, ${now},
      ${UNSEALED}, ${UNSEALED}
    WHERE ${when ?? sql`1`}
    RETURNING seq`);
}

/**
 * Appends events for one brand atomically, in order, together with `before` and `after`, then
 * seals them. Returns the events written (all of them, unless `when` refused some), sealed.
 */
export async function appendEvents(
  database: Database,
  brandId: string,
  drafts: ConsentEventDraft[],
  now: number,
  options: AppendOptions = {},
): Promise<ConsentEvent[]> {
  const { before = [], after = [], when } = options;
  const claims = drafts.map((draft) =>
    claim(database, brandId, { ...draft, id: randomId('cev') }, now, when),
  );
  const statements = [...before, ...claims, ...after];
  const [first, ...rest] = statements;
  if (!first) return [];
  const results = await database.batch([first, ...rest]);
  const seqs = results
    .slice(before.length, before.length + claims.length)
    .flatMap((rows) => (rows as { seq: number }[]).map((r) => Number(r.seq)));
  if (seqs.length === 0) return [];
  const from = Math.min(...seqs);
  const upTo = Math.max(...seqs);
  const walked = await sealThrough(database, brandId, from, upTo);
  const mine = walked.filter((row) => seqs.includes(row.seq));
  const unsealed = mine.find((row) => row.hash === UNSEALED);
  if (mine.length !== seqs.length || unsealed) {
    throw new Error(`consent ledger of ${brandId}: event ${unsealed?.seq ?? from} cannot be sealed`);
  }
  return mine;
}

/**
 * Seals every row up to `upTo` and returns the rows from `from` (or from the last sealed row
 * before the first unsealed one, if lower) to `upTo`, as sealed. Stops at a gap in `seq`, which
 * only tampering makes: the rows after it stay unsealed and `verifyChain` reports the gap.
 */
async function sealThrough(database: Database, brandId: string, from: number, upTo: number) {
  const seen: ConsentEvent[] = [];
  for (let lower = from; ; ) {
    const page = await database.db
      .select()
      .from(consentEvents)
      .where(
        and(
          eq(consentEvents.brandId, brandId),
          sql`${consentEvents.seq} >= MIN(${lower}, COALESCE((SELECT MIN(seq) FROM consent_events
            WHERE brand_id = ${brandId} AND hash = ${UNSEALED}), ${upTo} + 1) - 1)`,
          sql`${consentEvents.seq} <= ${upTo}`,
        ),
      )
      .orderBy(asc(consentEvents.seq))
      .limit(SEAL_PAGE + 1);
    let previous: ConsentEvent | undefined;
    const writes: BatchStatement[] = [];
    for (const row of page) {
      if (row.hash === UNSEALED) {
        const prevHash = previous ? previous.hash : row.seq === 1 ? GENESIS_HASH : undefined;
        if (prevHash === undefined || prevHash === UNSEALED || (previous && previous.seq !== row.seq - 1))
          break;
        row.prevHash = prevHash;
        row.hash = await eventHash(row);
        writes.push(
          database.db
            .update(consentEvents)
            .set({ prevHash: row.prevHash, hash: row.hash })
            .where(
              and(
                eq(consentEvents.brandId, brandId),
                eq(consentEvents.seq, row.seq),
                eq(consentEvents.hash, UNSEALED),
              ),
            ),
        );
      }
      previous = row;
      if (!seen.some((s) => s.seq === row.seq)) seen.push(row);
    }
    const [firstWrite, ...moreWrites] = writes;
    if (firstWrite) await database.batch([firstWrite, ...moreWrites]);
    const last = page.at(-1);
    // A full page ending below upTo: carry on from its last row, which is now sealed.
    if (page.length <= SEAL_PAGE || !last || last.seq >= upTo || last.hash === UNSEALED) {
      return seen.filter((row) => row.seq >= from);
    }
    lower = last.seq;
  }
}

/** Seals whatever a crashed appender left unsealed, so the head and the checks see every event. */
export async function sealPending(database: Database, brandId: string): Promise<void> {
  const [newest] = await database.db
    .select({ seq: consentEvents.seq })
    .from(consentEvents)
    .where(eq(consentEvents.brandId, brandId))
    .orderBy(desc(consentEvents.seq))
    .limit(1);
  if (newest) await sealThrough(database, brandId, newest.seq, newest.seq);
}

/** The brand's newest sealed event (seq 0 and the genesis hash for an empty ledger). */
export async function chainHead(database: Database, brandId: string): Promise<{ seq: number; hash: string }> {
  await sealPending(database, brandId);
  const [row] = await database.db
    .select({ seq: consentEvents.seq, hash: consentEvents.hash })
    .from(consentEvents)
    .where(and(eq(consentEvents.brandId, brandId), ne(consentEvents.hash, UNSEALED)))
    .orderBy(desc(consentEvents.seq))
    .limit(1);
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

export type ChainReport = {
  valid: boolean;
  events: number;
  headHash: string;
  firstBroken?: { seq: number; eventId: string | null; reason: string };
};

/**
 * Recomputes the brand's whole chain, page by page, and names the first broken link. Rows left
 * unsealed by a crashed append are sealed first; one that cannot be (after a gap) is reported.
 */
export async function verifyChain(database: Database, brandId: string, pageSize = 500): Promise<ChainReport> {
  await sealPending(database, brandId);
  const { db } = database;
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
      if (row.hash === UNSEALED) return broken('the event was never sealed into the chain');
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

/** A customer's events, oldest first. An event claimed a moment ago may not be sealed yet. */
export async function customerEvents({ db }: Database, brandId: string, customerId: string) {
  return db
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.brandId, brandId), eq(consentEvents.customerId, customerId)))
    .orderBy(asc(consentEvents.seq));
}
