/**
 * @module loyalty/events
 * The `card.changed` event port. Every committed ledger write emits one, after the write, so a
 * subscriber (wallet pass updates, notifications) never sees a change that did not happen.
 * The in-process implementation calls subscribers synchronously and isolates their failures:
 * a broken subscriber must not turn a committed checkout into an error at the till.
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
  emit(event: CardChangedEvent): void;
}

export type CardEventListener = (event: CardChangedEvent) => void;

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

  emit(event: CardChangedEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
