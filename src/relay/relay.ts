/**
 * @module relay/relay
 * The Relay port: the only road by which PII (contact data from Sign in with Apple and from
 * layouts) leaves a request. It goes to the brand's CRM and is never written to storage here.
 * This module holds the port and an in-memory implementation; queue- and outbox-backed relays
 * with encryption at rest plug in behind the same interface.
 */

/** What a shopper tells a brand. Travels to the CRM only; never stored or logged here. */
export type ContactData = {
  email?: string | undefined;
  phone?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  birthDate?: string | undefined;
  postalCode?: string | undefined;
  preferredStore?: string | undefined;
  /** Brand-defined fields declared in a layout. */
  custom?: Record<string, string | number | boolean> | undefined;
};

/** A consent event as proof: no PII, points at the exact notice text by its hash. */
export type ConsentEventPayload = {
  eventId: string;
  purpose: string;
  action: 'grant' | 'withdraw';
  method: 'checkbox' | 'gpc' | 'api' | 'doi';
  noticeVersion: string;
  jurisdiction: string;
  layoutId?: string | undefined;
  /** ISO 8601. */
  capturedAt: string;
};

export type RelayMessage =
  | { kind: 'contact.upsert'; brandId: string; customerId: string; source: string; contact: ContactData }
  | { kind: 'consent.recorded'; brandId: string; customerId: string; event: ConsentEventPayload }
  /** A double opt-in confirmation link for the brand's CRM to send; zeropass never sees the address. */
  | {
      kind: 'consent.confirmation_requested';
      brandId: string;
      customerId: string;
      purpose: string;
      confirmUrl: string;
      expiresAt: string;
    }
  | { kind: 'erasure.requested'; brandId: string; customerId: string };

export interface Relay {
  publish(message: RelayMessage): Promise<void>;
}

/**
 * Holds messages in memory until a consumer takes them; nothing touches disk. Bounded, so a
 * long-running process without a consumer cannot grow without limit: the oldest message goes.
 */
export class MemoryRelay implements Relay {
  readonly messages: RelayMessage[] = [];
  private readonly capacity: number;
  dropped = 0;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  async publish(message: RelayMessage): Promise<void> {
    this.messages.push(message);
    if (this.messages.length > this.capacity) {
      this.messages.shift();
      this.dropped++;
    }
  }
  take(): RelayMessage[] {
    return this.messages.splice(0, this.messages.length);
  }
}
