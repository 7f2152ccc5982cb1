/**
 * Relay benchmark: Salesforce API calls per 1,000 submissions, and records per second delivered
 * through the relay (sealed envelopes → `relay.deliver` jobs in the libsql outbox → job worker → Salesforce connector) to the
 * fake Salesforce with 50 ms injected latency. Each figure is printed as a ratio to a baseline
 * measured in the same run: one API call per record (what jsforce's `upsert` does), sequential
 * and with the 25 calls in flight Salesforce allows. Run: `npx node bench/relay.bench.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateLibsql, openLibsql } from '../src/db/libsql.ts';
import { assembleDeps } from '../src/deps.ts';
import { parseConfig } from '../src/env.ts';
import { JobWorker, OutboxJobQueue } from '../src/jobs/outbox.ts';
import { createLogger } from '../src/log/logger.ts';
import { createConnector } from '../src/relay/connectors-store.ts';
import { generateSecrets } from '../src/secrets.ts';
import { provisionBrand } from '../src/tenancy/provision.ts';
import { FakeSalesforce } from '../tests/helpers/fake-salesforce.ts';

const SUBMISSIONS = 1_000;
const LATENCY_MS = 50;
const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

async function relayRun(latencyMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'zeropass-bench-'));
  await migrateLibsql(join(dir, 'bench.db'), MIGRATIONS);
  const database = await openLibsql(join(dir, 'bench.db'));
  const sf = new FakeSalesforce();
  sf.latencyMs = latencyMs;
  const config = parseConfig({ ...(await generateSecrets({ devAppleKey: false })), LOG_LEVEL: 'error' });
  const deps = await assembleDeps({
    config,
    database,
    jobs: new OutboxJobQueue({ database }),
    connectorFetch: sf.fetch,
    resolveHost: async () => ['93.184.216.34'],
    logger: createLogger({ level: 'error', sink: () => {} }),
    fetch: sf.fetch,
  });
  const { brand } = await provisionBrand(
    database,
    { slug: 'bench', label: 'Bench', appleClientIds: [] },
    Date.now(),
  );
  const created = await createConnector(deps.relayDeps, brand.id, {
    type: 'salesforce',
    label: 'SF',
    config: {
      authFlow: 'client_credentials',
      loginUrl: sf.baseUrl,
      clientId: sf.clientId,
      clientSecret: sf.clientSecret,
    },
  });
  if (!created.ok) throw created.error;
  const worker = new JobWorker({ ...deps, runner: deps.jobRunner }, config.jobs);
  const started = performance.now();
  for (let i = 0; i < SUBMISSIONS; i++) {
    await deps.relay.publish({
      kind: 'contact.upsert',
      brandId: brand.id,
      customerId: `cus_bench${i.toString().padStart(18, '0')}`,
      source: 'layout',
      contact: { email: `shopper${i}@example.com`, firstName: 'Ada', lastName: `L${i}` },
    });
  }
  const published = performance.now();
  await worker.drain();
  const seconds = (performance.now() - started) / 1000;
  const drainSeconds = (performance.now() - published) / 1000;
  const delivered = sf.records('Contact').length;
  if (process.env.BENCH_DEBUG) process.stdout.write(`${JSON.stringify(sf.apiCalls)}\n`);
  database.close();
  rmSync(dir, { recursive: true, force: true });
  return { calls: sf.apiCalls.length + sf.tokenRequests, delivered, seconds, drainSeconds };
}

/** One PATCH /sobjects/Contact/{extField}/{id} per record, `parallel` at a time. */
async function perRecordRun(latencyMs: number, parallel: number, records = SUBMISSIONS) {
  const sf = new FakeSalesforce();
  sf.latencyMs = latencyMs;
  const token = (await (
    await sf.fetch(`${sf.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sf.clientId,
        client_secret: sf.clientSecret,
      }),
    })
  ).json()) as { access_token: string };
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < records) {
      const i = next++;
      const response = await sf.fetch(
        `${sf.baseUrl}/services/data/v62.0/sobjects/Contact/Zeropass_Customer_Id__c/cus_base${i}`,
        {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ Email: `shopper${i}@example.com`, FirstName: 'Ada', LastName: `L${i}` }),
        },
      );
      await response.body?.cancel();
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { calls: sf.apiCalls.length + sf.tokenRequests, delivered: sf.records('Contact').length, seconds };
}

const ratio = (x: number, base: number) => `${(x / base).toFixed(3)}×`;

if (process.env.BENCH_DEBUG) {
  await relayRun(0);
  process.exit(0);
}
const baselineCalls = await perRecordRun(0, 25);
const relayCalls = await relayRun(0);
process.stdout.write(
  `Salesforce API calls per ${SUBMISSIONS} submissions: relay ${relayCalls.calls} (goal ≤ 6), one-call-per-record baseline ${baselineCalls.calls - 1} (+1 token) → ratio ${ratio(relayCalls.calls, baselineCalls.calls)}\n`,
);
if (relayCalls.delivered !== SUBMISSIONS) throw new Error(`relay delivered ${relayCalls.delivered}`);

// Sequential one-call-per-record is slow by construction (N × latency): 100 records give its rate.
const sequential = await perRecordRun(LATENCY_MS, 1, 100);
const parallel = await perRecordRun(LATENCY_MS, 25);
const relay = await relayRun(LATENCY_MS);
const rate = (r: { delivered: number; seconds: number }) => r.delivered / r.seconds;
process.stdout.write(
  [
    `Records per second to Salesforce with ${LATENCY_MS} ms latency (${SUBMISSIONS} records, same run):`,
    `  baseline one call per record, sequential: ${rate(sequential).toFixed(1)}/s (1.000×)`,
    `  baseline one call per record, 25 in flight: ${rate(parallel).toFixed(1)}/s (${ratio(rate(parallel), rate(sequential))} of sequential)`,
    `  relay end to end (publish + seal + outbox insert + drain): ${rate(relay).toFixed(1)}/s → ${ratio(rate(relay), rate(sequential))} of sequential, ${ratio(rate(relay), rate(parallel))} of 25 in flight`,
    `  relay delivery only (outbox drain → composite collections): ${(relay.delivered / relay.drainSeconds).toFixed(1)}/s → ${ratio(relay.delivered / relay.drainSeconds, rate(sequential))} of sequential, ${ratio(relay.delivered / relay.drainSeconds, rate(parallel))} of 25 in flight`,
    '',
  ].join('\n'),
);
