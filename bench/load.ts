/**
 * A small HTTP/1.1 load generator for 127.0.0.1 only: keep-alive connections over raw sockets,
 * one request in flight per connection. It spends a fraction of what node:http's client (or
 * `fetch`) spends per request, which matters when it shares two cores with the server it
 * measures. Closed loop (fixed concurrency, as fast as the server answers) measures throughput;
 * open loop (fixed arrival rate) measures latency at a given load without coordinated omission
 * hiding the queueing.
 */
import { connect, type Socket } from 'node:net';

export type Call = { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
export type LoadResult = {
  completed: number;
  failed: number;
  /** Answers other than 200 by status (0: no answer, the connection failed). */
  failedStatuses: Record<number, number>;
  seconds: number;
  latenciesMs: number[];
};

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

function serialize(call: Call): Buffer {
  const body = call.body === undefined ? undefined : Buffer.from(call.body);
  let head = `${call.method} ${call.path} HTTP/1.1\r\nhost: 127.0.0.1\r\n`;
  for (const [name, value] of Object.entries(call.headers ?? {})) head += `${name}: ${value}\r\n`;
  // A Content-Length (not chunked encoding), as a till's HTTP client would send.
  if (body) head += `content-length: ${body.length}\r\n`;
  const bytes = Buffer.from(`${head}\r\n`);
  return body ? Buffer.concat([bytes, body]) : bytes;
}

/** One keep-alive connection; `send` resolves with the response status once its body is read. */
class Connection {
  private readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  send(call: Call): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(serialize(call));
    });
  }

  close() {
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.buffered.subarray(0, headEnd).toString('latin1');
    const bodyStart = headEnd + HEAD_END.length;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length) {
      if (this.buffered.length < bodyStart + Number(length[1])) return;
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      if (this.buffered.indexOf(CHUNKED_END, bodyStart) < 0) return;
    }
    this.buffered = Buffer.alloc(0);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error) {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

/** Up to `size` connections; a call waits for an idle one, in arrival order. */
class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly all: Connection[] = [];
  private readonly queue: ((connection: Connection) => void)[] = [];
  private readonly port: number;
  private readonly size: number;

  constructor(port: number, size: number) {
    this.port = port;
    this.size = size;
  }

  async send(call: Call): Promise<number> {
    const connection = await this.acquire();
    try {
      return await connection.send(call);
    } finally {
      const next = this.queue.shift();
      if (next) next(connection);
      else this.idle.push(connection);
    }
  }

  close() {
    for (const connection of this.all) connection.close();
  }

  private acquire(): Promise<Connection> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.all.length < this.size) {
      const connection = new Connection(this.port);
      this.all.push(connection);
      return Promise.resolve(connection);
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }
}

export async function closedLoop(
  port: number,
  next: () => Call,
  options: { connections: number; seconds: number; maxRequests: number },
): Promise<LoadResult> {
  const pool = new ConnectionPool(port, options.connections);
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  const failedStatuses: Record<number, number> = {};
  let issued = 0;
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      issued++;
      const t0 = performance.now();
      const status = await pool.send(next()).catch(() => 0);
      latenciesMs.push(performance.now() - t0);
      if (status === 200) completed++;
      else {
        failed++;
        failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (performance.now() - start) / 1000;
  pool.close();
  return { completed, failed, failedStatuses, seconds, latenciesMs };
}

export async function openLoop(
  port: number,
  next: () => Call,
  options: { ratePerSecond: number; seconds: number },
): Promise<LoadResult> {
  const pool = new ConnectionPool(port, 256);
  const latenciesMs: number[] = [];
  let completed = 0;
  let failed = 0;
  const failedStatuses: Record<number, number> = {};
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(options.ratePerSecond * options.seconds);
  for (let i = 0; i < total; i++) {
    // Each request has a scheduled start; latency counts from it, so server queueing shows.
    const scheduled = start + (i * 1000) / options.ratePerSecond;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      pool
        .send(next())
        .catch(() => 0)
        .then((status) => {
          latenciesMs.push(performance.now() - scheduled);
          if (status === 200) completed++;
          else {
            failed++;
            failedStatuses[status] = (failedStatuses[status] ?? 0) + 1;
          }
        }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  pool.close();
  return { completed, failed, failedStatuses, seconds, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
