/**
 * @module wallet/google/assemble
 * The Google Wallet side, put together once per process or isolate: the token cache, the REST
 * client, the brand rate gate, the prepared issuers, and the job that patches objects.
 */
import type { Database } from '../../db/database.ts';
import type { Config } from '../../env.ts';
import type { JobQueue } from '../../jobs/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { CardCodes } from '../../pos/card-codes.ts';
import { PreparedIssuers } from './issuers.ts';
import { RateGate } from './rate-gate.ts';
import { GoogleTokens } from './service-account.ts';
import { type GoogleJobDeps, objectChangedHandler, onCardChangedForGoogle } from './update-jobs.ts';
import { GoogleWalletApi } from './wallet-api.ts';

export type GooglePorts = {
  config: Config;
  database: Database;
  jobs: JobQueue;
  logger: Logger;
  /** Outbound HTTP to Google; tests pass the fake's. */
  fetch: typeof fetch;
  now: () => number;
  cardCodes: CardCodes;
  relayKey: CryptoKey;
};

export function assembleGoogleWallet(ports: GooglePorts) {
  const { tokenUrl, apiUrl, timeoutMs, requestsPerSecond } = ports.config.wallet.google;
  const { fetch, now } = ports;
  const tokens = new GoogleTokens({ tokenUrl, fetch, now, timeoutMs });
  const issuers = new PreparedIssuers({ database: ports.database, key: ports.relayKey, now });
  const deps: GoogleJobDeps = {
    database: ports.database,
    cardCodes: ports.cardCodes,
    api: new GoogleWalletApi({ baseUrl: apiUrl, fetch, tokens, timeoutMs }),
    gate: new RateGate(requestsPerSecond),
    relayKey: ports.relayKey,
    now,
    issuers,
    jobs: ports.jobs,
    logger: ports.logger,
    delayMs: ports.config.wallet.apple.pushDelayMs,
  };
  return {
    google: { issuers, sync: deps },
    handler: objectChangedHandler(deps),
    onCardChanged: onCardChangedForGoogle(deps),
  };
}
