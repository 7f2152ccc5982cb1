/**
 * Shared benchmark plumbing: start the real Node entry in a child process (so the load generator
 * does not steal the server's event loop), and time loops.
 * Only 127.0.0.1 is ever contacted; every loop is bounded in count and time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

// BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server side.
const serverNodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

export type RunningServer = { url: string; dataDir: string; child: ChildProcess; stop(): Promise<void> };

/** Starts `src/node.ts` with the given environment and waits for /healthz. */
export async function startZeropass(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zeropass-bench-'));
  const child = spawn(process.execPath, [...serverNodeArgs(), join(ROOT, 'src/node.ts')], {
    env: { ...process.env, ZP_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    dataDir,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export type ChildServer<Info> = { child: ChildProcess; info: Info; stop(): Promise<void> };

/**
 * Starts a bench server script (`node script ...args`) that prints one JSON line when it listens;
 * that line is `info`. `stop()` sends SIGTERM and waits up to 3 s.
 */
export async function startChildServer<Info>(
  script: string,
  args: string[] = [],
): Promise<ChildServer<Info>> {
  const child = spawn(process.execPath, [...serverNodeArgs(), script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    info: JSON.parse(first) as Info,
    stop: () => {
      child.kill('SIGTERM');
      return Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 3000))]);
    },
  };
}

/** Repeats `task` for about `ms` milliseconds; returns ops/s. */
export async function loopFor(ms: number, task: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    await task();
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The middle value (the upper one of an even count). */
export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** `loopFor` with `lanes` tasks in flight at once; returns completions per second. */
export async function inFlight(ms: number, lanes: number, task: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const started = performance.now();
  const lane = async () => {
    while (performance.now() - started < ms) {
      await task();
      n++;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return n / ((performance.now() - started) / 1000);
}

/**
 * The longest time (ms) the event loop could run nothing else while `task` ran. A probe re-arms
 * `setImmediate` throughout, so the loop never sleeps and the gap between two probe runs is the
 * synchronous work (GC pauses included) that ran in between, plus a loop turn of a few µs. The
 * task starts in a macrotask of its own, as a request handler would, so the work before its first
 * real wait (I/O, a thread-pool job) and each callback after are separate gaps, as in a server.
 * Microtask-only awaits do not yield to the loop and so count as one gap, as they should.
 */
export async function longestBlock(task: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  await new Promise<void>((resolve, reject) => {
    const probe = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (done) resolve();
      else setImmediate(probe);
    };
    setImmediate(probe);
    setImmediate(() =>
      task().then(() => {
        done = true;
      }, reject),
    );
  });
  return longest;
}
