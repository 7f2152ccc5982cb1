/**
 * @module scheduled
 * The periodic sweeps, one function for both runtimes: the Workers cron (wrangler.toml, every
 * 5 minutes) and a timer of the same period on Node. Each sweep only ever removes data.
 */
import type { AppDeps } from './context.ts';
import { purgeUsedAppleTokens } from './identity/apple-token-uses.ts';
import { purgeExpiredKeys } from './jobs/keys.ts';
import { purgeIdempotencyKeys } from './loyalty/idempotency.ts';
import { purgeDeadLetterData } from './relay/dead-letters.ts';

export const SWEEP_INTERVAL_MS = 5 * 60_000;

export async function runSweeps(deps: AppDeps) {
  const deadLettersPurged = await purgeDeadLetterData(deps.relayDeps);
  const idempotencyKeysPurged = await purgeIdempotencyKeys(
    deps.database,
    deps.now() - deps.config.idempotencyRetentionDays * 86_400_000,
  );
  const jobKeysPurged = await purgeExpiredKeys(deps.database, deps.now());
  const appleTokensPurged = await purgeUsedAppleTokens(deps.database, deps.now());
  return { deadLettersPurged, idempotencyKeysPurged, jobKeysPurged, appleTokensPurged };
}
