/**
 * @module relay/relay-deps
 * What the relay's services need: storage, the relay key, the connector runtime (outbound fetch,
 * DNS port, SSRF allowlist), the policy from config and the job queue that
 * carries envelopes (the outbox on Node, Cloudflare Queues on Workers).
 */
import type { ConnectorRuntime } from '../../connectors/types.ts';
import type { Database } from '../db/database.ts';
import type { Config } from '../env.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Logger } from '../log/logger.ts';

export type RelayDeps = {
  database: Database;
  key: CryptoKey;
  runtime: ConnectorRuntime;
  policy: Config['relay'];
  logger: Logger;
  now: () => number;
  /** Where envelopes wait as `relay.deliver` jobs. */
  jobs: JobQueue;
};
