/**
 * @module push/assemble
 * The web push side, put together once per process or isolate: the brands' VAPID keys, the
 * token cache, the sender over the push-service `fetch`, and the campaign job kinds.
 */
import type { Database } from '../db/database.ts';
import type { Config } from '../env.ts';
import type { JobQueue } from '../jobs/types.ts';
import type { Logger } from '../log/logger.ts';
import { deliverHandler, fanOutHandler, type PushJobDeps, sendHandler } from './campaign-jobs.ts';
import { PushSender } from './sender.ts';
import { VapidSigner } from './vapid.ts';
import { VapidKeys } from './vapid-keys.ts';

export type PushPorts = {
  config: Config;
  database: Database;
  jobs: JobQueue;
  logger: Logger;
  /** Outbound HTTP to push services; tests pass the fake's. */
  fetch: typeof fetch;
  now: () => number;
  relayKey: CryptoKey;
};

/** What routes and the sweep use. */
export type PushService = {
  keys: VapidKeys;
  sender: PushSender;
  jobDeps: PushJobDeps;
  serviceOrigins: readonly string[];
};

export function assemblePush(ports: PushPorts) {
  const { config, now } = ports;
  const keys = new VapidKeys(ports.database, ports.relayKey);
  const vapid = new VapidSigner({ keys, subject: config.push.vapidSubject, now });
  const sender = new PushSender({ vapid, fetch: ports.fetch, now, timeoutMs: config.push.timeoutMs });
  const jobDeps: PushJobDeps = {
    database: ports.database,
    jobs: ports.jobs,
    sender,
    logger: ports.logger,
    now,
    batchSize: config.push.batchSize,
    frequencyCapMinutes: config.push.frequencyCapMinutes,
  };
  return {
    push: { keys, sender, jobDeps, serviceOrigins: config.push.serviceOrigins } satisfies PushService,
    handlers: [fanOutHandler(jobDeps), sendHandler(jobDeps), deliverHandler(jobDeps)] as const,
  };
}
