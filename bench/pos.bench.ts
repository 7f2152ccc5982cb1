/**
 * POS benchmark: scans per second over HTTP on Node with libsql (auth, code check, lookup) as a
 * ratio to a bare Hono hello-world on @hono/node-server measured in the same run, in alternating
 * rounds after both have warmed up (the median round is the figure); scan p50/p99 latency at
 * about 70 % of a scan rate measured right before; earns per second with idempotency. The same
 * rounds scan the floor server (pos-server.ts `floor`: the stack and the app's lookup, nothing
 * around them), as the reference for how much of the goal the stack itself allows.
 * Servers run in child processes on 127.0.0.1; every phase is bounded in time and count.
 * Usage: npx node bench/pos.bench.ts
 */
import { fileURLToPath } from 'node:url';
import { median, startChildServer } from './lib.ts';
import { type Call, closedLoop, type LoadResult, openLoop, percentile } from './load.ts';

const ROUNDS = 5;
const ROUND_SECONDS = 2;
const PHASE_SECONDS = 5;
// V8 keeps tiering the hot path up for the first tens of thousands of requests (see
// identity.bench.ts); throughput is a steady-state figure.
const WARM_UP_REQUESTS = 30_000;
const CONNECTIONS = 32;
const MAX_REQUESTS = 200_000;
const GOAL_RATIO = 0.35;
// Issue 16: the app should cost little above the least the stack can do (the floor server).
const GOAL_FLOOR_RATIO = 0.9;
const GOAL_P99_MS = 10;

type ServerInfo = { port: number; posKey?: string; codes?: string[]; cardIds?: string[] };

const startServer = (mode: 'hello' | 'pos' | 'floor') =>
  startChildServer<ServerInfo>(fileURLToPath(new URL('./pos-server.ts', import.meta.url)), [mode]);

const rate = (r: LoadResult) => r.completed / r.seconds;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

function report(label: string, r: LoadResult) {
  const failed = r.failed > 0 ? ` (${r.failed} failed!)` : '';
  console.log(`  ${label}: ${fmt(rate(r))} req/s over ${fmt(r.seconds, 1)} s${failed}`);
}

async function main() {
  console.log(
    `POS bench: ${ROUNDS} rounds of ${ROUND_SECONDS} s after ${WARM_UP_REQUESTS} warm-up requests per server, ${CONNECTIONS} keep-alive connections, 127.0.0.1 only`,
  );
  const hello = await startServer('hello');
  const pos = await startServer('pos');
  const floor = await startServer('floor');
  const helloCall: Call = { method: 'GET', path: '/' };
  const { port, posKey = '', cardIds = [] } = pos.info;
  const auth = { authorization: `Bearer ${posKey}`, 'content-type': 'application/json' };
  const scansOf = (info: ServerInfo) => {
    const headers = { authorization: `Bearer ${info.posKey}`, 'content-type': 'application/json' };
    const codes = info.codes ?? [];
    let i = 0;
    return (): Call => ({
      method: 'POST',
      path: '/v1/pos/scan',
      headers,
      body: JSON.stringify({ code: codes[i++ % codes.length] }),
    });
  };
  const scanCall = scansOf(pos.info);
  const floorScanCall = scansOf(floor.info);
  const load = (target: number, call: () => Call, seconds: number, maxRequests = MAX_REQUESTS) =>
    closedLoop(target, call, { connections: CONNECTIONS, seconds, maxRequests });

  await load(hello.info.port, () => helloCall, 30, WARM_UP_REQUESTS);
  await load(port, scanCall, 30, WARM_UP_REQUESTS);
  await load(floor.info.port, floorScanCall, 30, WARM_UP_REQUESTS);
  // Hello-world, scans, floor scans, hello-world, …: each round's scans against the hello-world
  // rates measured just before and just after them.
  let failures = 0;
  const rounds: { scans: number; hello: number; ratio: number; floorRatio: number; ofFloor: number }[] = [];
  let helloBefore = await load(hello.info.port, () => helloCall, ROUND_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    const scans = await load(port, scanCall, ROUND_SECONDS);
    const floorScans = await load(floor.info.port, floorScanCall, ROUND_SECONDS);
    const helloAfter = await load(hello.info.port, () => helloCall, ROUND_SECONDS);
    failures += helloBefore.failed + scans.failed + floorScans.failed;
    const baseline = (rate(helloBefore) + rate(helloAfter)) / 2;
    const ratio = rate(scans) / baseline;
    const floorRatio = rate(floorScans) / baseline;
    const ofFloor = rate(scans) / rate(floorScans);
    rounds.push({ scans: rate(scans), hello: baseline, ratio, floorRatio, ofFloor });
    console.log(
      `  round ${round + 1}: ${fmt(rate(scans))} scans/s ÷ ${fmt(baseline)} hello-world req/s = ${fmt(ratio, 3)}; floor ${fmt(rate(floorScans))}/s = ${fmt(floorRatio, 3)}; scans ÷ floor = ${fmt(ofFloor, 3)}`,
    );
    helloBefore = helloAfter;
  }
  await hello.stop();
  await floor.stop();
  const ratios = rounds.map((r) => r.ratio);
  const floorRatios = rounds.map((r) => r.floorRatio);
  const ofFloorRatios = rounds.map((r) => r.ofFloor);
  const range = (values: number[]) => `${fmt(Math.min(...values), 3)}–${fmt(Math.max(...values), 3)}`;
  const helloRate = median(rounds.map((r) => r.hello));

  // The load for the latency figure is 70 % of what the server does right now: on a machine whose
  // speed drifts, 70 % of a rate measured a minute earlier was at times all it could serve.
  const current = await load(port, scanCall, ROUND_SECONDS);
  failures += current.failed;
  const targetRate = Math.max(1, Math.round(rate(current) * 0.7));
  report('POS scan, just before the latency run', current);
  const paced = await openLoop(port, scanCall, { ratePerSecond: targetRate, seconds: PHASE_SECONDS });
  report(`POS scan paced at ${targetRate}/s`, paced);

  let n = 0;
  const run = Date.now().toString(36);
  const earnCall = (): Call => {
    n++;
    return {
      method: 'POST',
      path: '/v1/pos/earn',
      headers: { ...auth, 'idempotency-key': `bench-${run}-${n}` },
      body: JSON.stringify({
        card: cardIds[n % cardIds.length],
        amount: 1250,
        currency: 'EUR',
        receiptRef: `B-${n}`,
      }),
    };
  };
  const earns = await closedLoop(port, earnCall, {
    connections: 8,
    seconds: PHASE_SECONDS,
    maxRequests: MAX_REQUESTS,
  });
  report('POS earn (idempotent write)', earns);
  await pos.stop();

  const p50 = percentile(paced.latenciesMs, 50);
  const p99 = percentile(paced.latenciesMs, 99);
  console.log('');
  const scanRatio = median(ratios);
  console.log(
    `scan/s ÷ hello-world/s          = ${fmt(scanRatio, 3)}  median of ${ROUNDS} (range ${range(ratios)}; goal ≥ ${GOAL_RATIO}) ${scanRatio >= GOAL_RATIO ? 'ok' : 'BELOW GOAL'}`,
  );
  const ofFloor = median(ofFloorRatios);
  console.log(
    `scan/s ÷ floor-server scan/s    = ${fmt(ofFloor, 3)}  median of ${ROUNDS} (range ${range(ofFloorRatios)}; goal ≥ ${GOAL_FLOOR_RATIO}) ${ofFloor >= GOAL_FLOOR_RATIO ? 'ok' : 'BELOW GOAL'}`,
  );
  console.log(
    `floor-server scan/s ÷ hello/s   = ${fmt(median(floorRatios), 3)}  (range ${range(floorRatios)}; the stack and the lookup alone)`,
  );
  console.log(
    `scan latency at 70 % load       = p50 ${fmt(p50, 2)} ms, p99 ${fmt(p99, 2)} ms (goal p99 ≤ ${GOAL_P99_MS} ms) ${p99 <= GOAL_P99_MS ? 'ok' : 'ABOVE GOAL'}`,
  );
  console.log(
    `earn/s ÷ hello-world/s          = ${fmt(rate(earns) / helloRate, 3)}  (${fmt(rate(earns))} earns/s)`,
  );
  failures += helloBefore.failed + paced.failed + earns.failed;
  if (failures > 0) {
    console.log(`${failures} requests failed: figures are not trustworthy`);
    process.exitCode = 1;
  }
}

await main();
