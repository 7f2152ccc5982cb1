/**
 * @module relay/relay
 * The Relay port: the only road by which PII (contact data from Sign in with Apple and from
 * layouts) leaves a request. It goes to the brand's CRM and is never written to storage here.
 * This module holds the port and an in-memory implementation; queue- and outbox-backed relays
 * with encryption at rest plug in behind the same interface.
 */

export type ContactData = {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
};

export type RelayMessage = {
  kind: 'contact.upsert';
  brandId: string;
  customerId: string;
  /** Where the data came from, e.g. `apple` or a layout id. */
  source: string;
  contact: ContactData;
};

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
