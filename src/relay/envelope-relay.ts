/**
 * @module relay/envelope-relay
 * The Relay port over sealed envelopes: a message is sealed once, then fanned out as one
 * envelope per enabled connector of the brand that can take it, and enqueued as `relay.deliver` jobs.
 * A brand with no such connector gets a dead letter (connector `none`) instead of silent loss:
 * its admin can retry once a connector is configured, or discard it, within the envelope's TTL;
 * after that the data is purged like any envelope's (dead-letters.ts).
 */
import { capabilityFor } from '../../connectors/types.ts';
import { randomId } from '../crypto.ts';
import { connectorsFor } from './connectors-store.ts';
import { deadLetterInsert, NO_CONNECTOR } from './dead-letters.ts';
import { type Envelope, eventIdOf, sealMessage } from './envelope.ts';
import { envelopeJob } from './envelope-job.ts';
import type { Relay, RelayMessage } from './relay.ts';
import type { RelayDeps } from './relay-deps.ts';

export { NO_CONNECTOR };

export class EnvelopeRelay implements Relay {
  private readonly rd: RelayDeps;

  constructor(rd: RelayDeps) {
    this.rd = rd;
  }

  async publish(message: RelayMessage): Promise<void> {
    const { rd } = this;
    const eventId = eventIdOf(message);
    const ciphertext = await sealMessage(rd.key, message, eventId);
    const now = rd.now();
    const base = {
      eventId,
      brandId: message.brandId,
      kind: message.kind,
      createdAt: now,
      expiresAt: now + rd.policy.ttlSeconds * 1000,
      ciphertext,
    };
    const connectorIds = await connectorsFor(rd, message.brandId, capabilityFor(message.kind));
    if (connectorIds.length === 0) {
      const envelope: Envelope = { ...base, id: randomId('env'), connectorId: NO_CONNECTOR };
      await rd.database.batch([deadLetterInsert(rd, envelope, 0, 'no enabled connector takes this kind')]);
      rd.logger.warn('relay message has no connector', { brandId: message.brandId, kind: message.kind });
      return;
    }
    await rd.jobs.enqueue(
      connectorIds.map((connectorId) => envelopeJob({ ...base, id: randomId('env'), connectorId })),
    );
  }
}
