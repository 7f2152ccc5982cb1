/**
 * A small HTTP load generator over node:http with keep-alive, for 127.0.0.1 only. Closed loop
 * (fixed concurrency, as fast as the server answers) measures throughput; open loop (fixed arrival
 * rate) measures latency at a given load without coordinated omission hiding the queueing.
 */
import { Agent, request } from 'node:http';

export type Call = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
export type LoadResult = { completed: number; failed: number; seconds: number; latenciesMs: number[] };

function send(agent: Agent, port: number, call: Call): Promise<number> {
  return new Promise((resolve, reject) => {
    // A Content-Length (not chunked encoding), as a till's HTTP client would send.
    const headers = call.body
      ? { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) }
      : call.headers;
    const req = request(
      { agent, host: '127.0.0.1', port, method: call.method, path: call.path, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

export async function closedLoop(
  port: number,
  next: () => Call,
  options: { connections: number; seconds: number; maxRequests: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  let issued = 0;
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      issued++;
      const t0 = performance.now();
      const status = await send(agent, port, next()).catch(() => 0);
      latenciesMs.push(performance.now() - t0);
      if (status === 200) completed++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { completed, failed, seconds, latenciesMs };
}

export async function openLoop(
  port: number,
  next: () => Call,
  options: { ratePerSecond: number; seconds: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(options.ratePerSecond * options.seconds);
  for (let i = 0; i < total; i++) {
    // Each request has a scheduled start; latency counts from it, so server queueing shows.
    const scheduled = start + (i * 1000) / options.ratePerSecond;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(agent, port, next())
        .catch(() => 0)
        .then((status) => {
          latenciesMs.push(performance.now() - scheduled);
          if (status === 200) completed++;
          else failed++;
        }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { completed, failed, seconds, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
