/**
 * Soak (issue 16, Build 6): scans and earns against the real app on Node with libsql for a few
 * minutes at about 70 % of the rate it serves at the start, in windows. Each window prints the
 * rate, p50/p99 latency and the server's resident memory; the verdict compares the last third of
 * the run with the first third after warm-up, so a leak or a slowly growing table shows as drift.
 * Every figure is from the same run, so a shared machine's speed moves both thirds alike.
 * Usage: npm run bench -- soak   (SOAK_SECONDS, default 180; SOAK_WINDOW_SECONDS, default 15)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, median, startChildServer } from './lib.ts';
import { type Call, closedLoop, openLoop, percentile } from './load.ts';

const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 180);
const WINDOW_SECONDS = Number(process.env.SOAK_WINDOW_SECONDS ?? 15);
const WARM_UP_REQUESTS = 30_000;
// One earn (an idempotent write that grows the ledger) to every four scans, as a busy till does.
const EARN_EVERY = 5;
// Steady means the last third is within these bounds of the first third.
const MAX_P99_DRIFT = 2;
const MAX_RSS_GROWTH = 1.25;

type ServerInfo = { port: number; posKey: string; codes: string[]; cardIds: string[] };

/** Resident set size of a process in MiB, from Linux's /proc (the bench machines are Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) / 1024 : Number.NaN;
}

async function main() {
  const server = await startChildServer<ServerInfo>(
    fileURLToPath(new URL('./pos-server.ts', import.meta.url)),
    ['pos'],
  );
  const { port, posKey, codes, cardIds } = server.info;
  const pid = server.child.pid ?? 0;
  const headers = { authorization: `Bearer ${posKey}`, 'content-type': 'application/json' };
  const run = Date.now().toString(36);
  let n = 0;
  const mixed = (): Call => {
    n++;
    if (n % EARN_EVERY !== 0) {
      return {
        method: 'POST',
        path: '/v1/pos/scan',
        headers,
        body: JSON.stringify({ code: codes[n % codes.length] }),
      };
    }
    return {
      method: 'POST',
      path: '/v1/pos/earn',
      headers: { ...headers, 'idempotency-key': `soak-${run}-${n}` },
      body: JSON.stringify({
        card: cardIds[n % cardIds.length],
        amount: 990,
        currency: 'EUR',
        receiptRef: `S-${n}`,
      }),
    };
  };

  await closedLoop(port, mixed, { connections: 32, seconds: 30, maxRequests: WARM_UP_REQUESTS });
  const capacity = await closedLoop(port, mixed, { connections: 32, seconds: 3, maxRequests: 200_000 });
  const ratePerSecond = Math.max(1, Math.round((capacity.completed / capacity.seconds) * 0.7));
  const windows = Math.max(3, Math.round(SOAK_SECONDS / WINDOW_SECONDS));
  console.log(
    `soak: ${windows} windows of ${WINDOW_SECONDS} s at ${ratePerSecond} req/s (70 % of ${fmt(capacity.completed / capacity.seconds, 0)}/s), one earn per ${EARN_EVERY} requests, 127.0.0.1 only`,
  );

  const results: { p99: number; rss: number }[] = [];
  let failures = 0;
  for (let w = 0; w < windows; w++) {
    const r = await openLoop(port, mixed, { ratePerSecond, seconds: WINDOW_SECONDS });
    const rss = rssMiB(pid);
    const p99 = percentile(r.latenciesMs, 99);
    failures += r.failed;
    results.push({ p99, rss });
    const failed = r.failed > 0 ? `, ${r.failed} failed ${JSON.stringify(r.failedStatuses)}` : '';
    console.log(
      `  window ${w + 1}: ${fmt(r.completed / r.seconds, 0)} req/s, p50 ${fmt(percentile(r.latenciesMs, 50), 2)} ms, p99 ${fmt(p99, 2)} ms, server RSS ${fmt(rss, 1)} MiB${failed}`,
    );
  }
  await server.stop();

  const third = Math.max(1, Math.floor(windows / 3));
  const first = results.slice(0, third);
  const last = results.slice(-third);
  const p99Drift = median(last.map((r) => r.p99)) / median(first.map((r) => r.p99));
  const rssGrowth = median(last.map((r) => r.rss)) / median(first.map((r) => r.rss));
  const steady = p99Drift <= MAX_P99_DRIFT && rssGrowth <= MAX_RSS_GROWTH && failures === 0;
  console.log('');
  console.log(
    `p99 last third ÷ first third    = ${fmt(p99Drift, 2)} (steady if ≤ ${MAX_P99_DRIFT}); max p99 ${fmt(Math.max(...results.map((r) => r.p99)), 2)} ms`,
  );
  console.log(`RSS last third ÷ first third    = ${fmt(rssGrowth, 2)} (steady if ≤ ${MAX_RSS_GROWTH})`);
  console.log(`soak ${steady ? 'steady' : 'NOT STEADY'}; ${failures} failed requests`);
  if (!steady) process.exitCode = 1;
}

await main();
