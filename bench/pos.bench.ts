/**
 * POS benchmark: scans per second over HTTP on Node with libsql (auth, code check, lookup) as a
 * ratio to a bare Hono hello-world on @hono/node-server measured in the same run; scan p50/p99
 * latency at about 70 % of the measured scan rate; earns per second with idempotency.
 * Servers run in child processes on 127.0.0.1; every phase is bounded in time and count.
 * Usage: npx node bench/pos.bench.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Call, closedLoop, type LoadResult, openLoop, percentile } from './load.ts';

const SECONDS = 5;
const CONNECTIONS = 32;
const MAX_REQUESTS = 200_000;
const GOAL_RATIO = 0.35;
const GOAL_P99_MS = 20;

type Started = {
  child: ChildProcess;
  info: { port: number; posKey?: string; codes?: string[]; cardIds?: string[] };
};

async function startServer(mode: 'hello' | 'pos'): Promise<Started> {
  const script = fileURLToPath(new URL('./pos-server.ts', import.meta.url));
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server side.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, info: JSON.parse(first) };
}

async function stop({ child }: Started) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
}

const rate = (r: LoadResult) => r.completed / r.seconds;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

function report(label: string, r: LoadResult) {
  const failed = r.failed > 0 ? ` (${r.failed} failed!)` : '';
  console.log(`  ${label}: ${fmt(rate(r))} req/s over ${fmt(r.seconds, 1)} s${failed}`);
}

async function main() {
  console.log(`POS bench: ${SECONDS} s per phase, ${CONNECTIONS} keep-alive connections, 127.0.0.1 only`);

  const hello = await startServer('hello');
  const helloCall: Call = { method: 'GET', path: '/' };
  await closedLoop(hello.info.port, () => helloCall, {
    connections: CONNECTIONS,
    seconds: 1,
    maxRequests: MAX_REQUESTS,
  });
  const baseline = await closedLoop(hello.info.port, () => helloCall, {
    connections: CONNECTIONS,
    seconds: SECONDS,
    maxRequests: MAX_REQUESTS,
  });
  await stop(hello);
  report('baseline hello-world', baseline);

  const pos = await startServer('pos');
  const { port, posKey = '', codes = [], cardIds = [] } = pos.info;
  const auth = { authorization: `Bearer ${posKey}`, 'content-type': 'application/json' };
  let i = 0;
  const scanCall = (): Call => ({
    method: 'POST',
    path: '/v1/pos/scan',
    headers: auth,
    body: JSON.stringify({ code: codes[i++ % codes.length] }),
  });
  await closedLoop(port, scanCall, { connections: CONNECTIONS, seconds: 1, maxRequests: MAX_REQUESTS });
  const scans = await closedLoop(port, scanCall, {
    connections: CONNECTIONS,
    seconds: SECONDS,
    maxRequests: MAX_REQUESTS,
  });
  report('POS scan', scans);

  const targetRate = Math.max(1, Math.round(rate(scans) * 0.7));
  const paced = await openLoop(port, scanCall, { ratePerSecond: targetRate, seconds: SECONDS });
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
    seconds: SECONDS,
    maxRequests: MAX_REQUESTS,
  });
  report('POS earn (idempotent write)', earns);
  await stop(pos);

  const scanRatio = rate(scans) / rate(baseline);
  const p50 = percentile(paced.latenciesMs, 50);
  const p99 = percentile(paced.latenciesMs, 99);
  console.log('');
  console.log(
    `scan/s ÷ hello-world/s          = ${fmt(scanRatio, 3)}  (goal ≥ ${GOAL_RATIO}) ${scanRatio >= GOAL_RATIO ? 'ok' : 'BELOW GOAL'}`,
  );
  console.log(
    `scan latency at 70 % load       = p50 ${fmt(p50, 2)} ms, p99 ${fmt(p99, 2)} ms (goal p99 ≤ ${GOAL_P99_MS} ms) ${p99 <= GOAL_P99_MS ? 'ok' : 'ABOVE GOAL'}`,
  );
  console.log(
    `earn/s ÷ hello-world/s          = ${fmt(rate(earns) / rate(baseline), 3)}  (${fmt(rate(earns))} earns/s)`,
  );
  const failures = baseline.failed + scans.failed + paced.failed + earns.failed;
  if (failures > 0) {
    console.log(`${failures} requests failed: figures are not trustworthy`);
    process.exitCode = 1;
  }
}

await main();
