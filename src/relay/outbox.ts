/**
 * @module relay/outbox
 * The Node transport: envelopes wait in `relay_outbox` (ciphertext only) and an in-process
 * worker drains it. Rows are claimed with one conditional UPDATE … RETURNING (due, lease expired),
 * so two workers or a restarted process never deliver the same row at once; a process that dies
 * mid-delivery leaves a lease that simply runs out. Verdicts are applied in one batch each.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { BatchStatement } from '../db/database.ts';
import { relayOutbox } from '../db/schema/index.ts';
import { errorFields } from '../log/logger.ts';
import { deadLetterInsert } from './dead-letters.ts';
import { deliverEnvelopes } from './delivery.ts';
import type { Envelope, RelayKind } from './envelope.ts';
import type { EnvelopeTransport, RelayDeps } from './relay-deps.ts';

type Row = typeof relayOutbox.$inferSelect;

export class OutboxTransport implements EnvelopeTransport {
  readonly kind = 'outbox';
  private readonly rd: Pick<RelayDeps, 'database'>;

  constructor(rd: Pick<RelayDeps, 'database'>) {
    this.rd = rd;
  }

  async send(envelopes: readonly Envelope[]): Promise<void> {
    const [first, ...rest] = envelopes.map((e) =>
      this.rd.database.db.insert(relayOutbox).values({
        id: e.id,
        brandId: e.brandId,
        eventId: e.eventId,
        kind: e.kind,
        connectorId: e.connectorId,
        ciphertext: e.ciphertext,
        dueAt: e.createdAt,
        createdAt: e.createdAt,
        expiresAt: e.expiresAt,
      }),
    );
    if (first) await this.rd.database.batch([first, ...rest]);
  }
}

const toEnvelope = (row: Row): Envelope => ({
  id: row.id,
  eventId: row.eventId,
  brandId: row.brandId,
  kind: row.kind as RelayKind,
  connectorId: row.connectorId,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  ciphertext: row.ciphertext,
});

export class OutboxWorker {
  private readonly rd: RelayDeps;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;

  constructor(rd: RelayDeps) {
    this.rd = rd;
  }

  /** Claims one batch of one brand's due envelopes, or none. */
  private async claim(brandId: string): Promise<Row[]> {
    const { db } = this.rd.database;
    const now = this.rd.now();
    const due = db
      .select({ id: relayOutbox.id })
      .from(relayOutbox)
      .where(
        and(eq(relayOutbox.brandId, brandId), lte(relayOutbox.dueAt, now), lte(relayOutbox.leaseUntil, now)),
      )
      .orderBy(asc(relayOutbox.dueAt))
      .limit(this.rd.policy.batchSize);
    return db
      .update(relayOutbox)
      .set({
        leaseUntil: now + this.rd.policy.leaseSeconds * 1000,
        attempts: sql`${relayOutbox.attempts} + 1`,
      })
      .where(
        and(eq(relayOutbox.brandId, brandId), inArray(relayOutbox.id, due), lte(relayOutbox.leaseUntil, now)),
      )
      .returning();
  }

  /** Delivers every envelope due now; answers how many it handled. */
  drain(): Promise<number> {
    this.running ??= this.drainOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drainOnce(): Promise<number> {
    const { db } = this.rd.database;
    let handled = 0;
    for (;;) {
      const now = this.rd.now();
      const brands = await db
        .selectDistinct({ brandId: relayOutbox.brandId })
        .from(relayOutbox)
        .where(and(lte(relayOutbox.dueAt, now), lte(relayOutbox.leaseUntil, now)))
        .limit(50);
      let claimedAny = false;
      for (const { brandId } of brands) {
        const rows = await this.claim(brandId);
        if (rows.length === 0) continue;
        claimedAny = true;
        handled += rows.length;
        await this.process(rows);
      }
      if (!claimedAny) return handled;
    }
  }

  private async process(rows: Row[]) {
    const { rd } = this;
    const verdicts = await deliverEnvelopes(
      rd,
      rows.map((row) => ({ envelope: toEnvelope(row), attempts: row.attempts })),
    );
    const attemptsOf = new Map(rows.map((r) => [r.id, r.attempts]));
    const now = rd.now();
    const statements: BatchStatement[] = [];
    const delivered = verdicts.filter((v) => v.status === 'delivered').map((v) => v.envelope.id);
    const brandId = rows[0]?.brandId ?? '';
    if (delivered.length > 0) {
      statements.push(
        rd.database.db
          .delete(relayOutbox)
          .where(and(eq(relayOutbox.brandId, brandId), inArray(relayOutbox.id, delivered))),
      );
    }
    for (const v of verdicts) {
      if (v.status === 'retry') {
        statements.push(
          rd.database.db
            .update(relayOutbox)
            .set({ dueAt: now + v.delayMs, leaseUntil: 0, lastError: v.error.slice(0, 300) })
            .where(and(eq(relayOutbox.brandId, v.envelope.brandId), eq(relayOutbox.id, v.envelope.id))),
        );
      } else if (v.status === 'dead') {
        statements.push(deadLetterInsert(rd, v.envelope, attemptsOf.get(v.envelope.id) ?? 0, v.error));
        statements.push(
          rd.database.db
            .delete(relayOutbox)
            .where(and(eq(relayOutbox.brandId, v.envelope.brandId), eq(relayOutbox.id, v.envelope.id))),
        );
      }
    }
    const [first, ...rest] = statements;
    if (first) await rd.database.batch([first, ...rest]);
  }

  /** Drains every `intervalMs` until stopped. */
  start(intervalMs = 1_000) {
    this.stopped = false;
    const loop = async () => {
      try {
        await this.drain();
      } catch (error) {
        this.rd.logger.error('outbox drain failed', errorFields(error));
      }
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops the timer and waits for the delivery in flight, so a clean shutdown loses nothing. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
