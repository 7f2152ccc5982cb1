/**
 * @module relay/envelope-job
 * An envelope as a job of the jobs port: kind `relay.deliver`, the envelope (ciphertext only) as
 * its payload, and the envelope's own id and creation time.
 */
import type { NewJob } from '../jobs/types.ts';
import type { Envelope } from './envelope.ts';

export const RELAY_JOB = 'relay.deliver';

export const envelopeJob = (envelope: Envelope): NewJob => ({
  kind: RELAY_JOB,
  brandId: envelope.brandId,
  payload: envelope,
  id: envelope.id,
  createdAt: envelope.createdAt,
});
