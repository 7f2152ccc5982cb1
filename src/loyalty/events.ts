/**
 * @module loyalty/events
 * The `card.changed` event port. Every committed ledger write emits one, after the write, so a
 * subscriber (wallet pass updates, notifications) never sees a change that did not happen.
 * The in-process implementation awaits its subscribers (the wallet's is one database write and
 * one enqueue, so the update is durable before the till gets its answer) and isolates their
 * failures: a broken subscriber must not turn a committed checkout into an error at the till.
 * A crash between the ledger write and the subscriber loses that one pass update; the next
 * change of the card, or the device's own refresh, brings the pass up to date.
 */
import type { LedgerKind } from '../db/schema/index.ts';

export type CardChangedEvent = {
  type: 'card.changed';
  brandId: string;
  cardId: string;
  /** The ledger entry; null for a status change (block, unblock). */
  entryId: string | null;
  kind: LedgerKind | 'status';
  /** Signed change of the balance. */
  points: number;
  balance: number;
  /** ISO 8601. */
  at: string;
};

export interface CardEvents {
  emit(event: CardChangedEvent): Promise<void>;
}

export type CardEventListener = (event: CardChangedEvent) => void | Promise<void>;

export class InProcessCardEvents implements CardEvents {
  private readonly listeners = new Set<CardEventListener>();
  private readonly onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.onListenerError = onListenerError;
  }

  subscribe(listener: CardEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: CardChangedEvent): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.onListenerError(error);
        }
      }),
    );
  }
}
