/**
 * A stand-in for a Cloudflare Queue and its consumer loop, for tests that run the real consumer
 * (`consumeJobBatch`) against the app's own fakes: batches up to a size, a send's `delaySeconds`
 * and explicit ack/retry with `delaySeconds` measured on the test clock, `attempts` counted from 1, and a dead-letter queue
 * after `maxRetries` retries, as wrangler.toml configures. Bodies are kept as sent (JSON).
 */
type Pending = { id: string; body: unknown; attempts: number; visibleAt: number; timestamp: Date };

export class FakeQueue {
  readonly pending: Pending[] = [];
  readonly deadLettered: Pending[] = [];
  readonly sentBodies: unknown[] = [];
  private counter = 0;
  private readonly now: () => number;
  private readonly maxRetries: number;

  constructor(now: () => number, maxRetries = 8) {
    this.now = now;
    this.maxRetries = maxRetries;
  }

  asQueue(): Queue<unknown> {
    const enqueue = (body: unknown, delaySeconds = 0) => {
      const copy = JSON.parse(JSON.stringify(body)) as unknown;
      this.sentBodies.push(copy);
      this.pending.push({
        id: `msg-${this.counter++}`,
        body: copy,
        attempts: 0,
        visibleAt: this.now() + delaySeconds * 1000,
        timestamp: new Date(),
      });
    };
    return {
      send: async (body: unknown, options?: { delaySeconds?: number }) =>
        enqueue(body, options?.delaySeconds),
      sendBatch: async (messages: Iterable<{ body: unknown; delaySeconds?: number }>) => {
        for (const m of messages) enqueue(m.body, m.delaySeconds);
      },
    } as unknown as Queue<unknown>;
  }

  /** Delivers every visible message in batches; answers how many deliveries were made. */
  async drain(
    consumer: (batch: MessageBatch<unknown>) => Promise<void>,
    deadLetterConsumer: (batch: MessageBatch<unknown>) => Promise<void>,
    batchSize = 100,
  ): Promise<number> {
    let delivered = 0;
    for (;;) {
      const now = this.now();
      const visible = this.pending.filter((p) => p.visibleAt <= now).slice(0, batchSize);
      if (visible.length === 0) return delivered;
      for (const p of visible) this.pending.splice(this.pending.indexOf(p), 1);
      const outcome = new Map<string, { kind: 'ack' } | { kind: 'retry'; delaySeconds: number }>();
      const messages = visible.map((p) => {
        p.attempts++;
        return {
          id: p.id,
          timestamp: p.timestamp,
          body: p.body,
          attempts: p.attempts,
          ack: () => outcome.set(p.id, { kind: 'ack' }),
          retry: (options?: { delaySeconds?: number }) =>
            outcome.set(p.id, { kind: 'retry', delaySeconds: options?.delaySeconds ?? 0 }),
        };
      });
      const batch = {
        queue: 'zeropass-jobs',
        messages,
        ackAll: () => {
          for (const p of visible) outcome.set(p.id, { kind: 'ack' });
        },
        retryAll: () => {
          for (const p of visible) outcome.set(p.id, { kind: 'retry', delaySeconds: 0 });
        },
      } as unknown as MessageBatch<unknown>;
      delivered += visible.length;
      try {
        await consumer(batch);
      } catch {
        // A throwing consumer retries the messages it did not settle, like Queues does.
      }
      const dead: Pending[] = [];
      for (const p of visible) {
        const o = outcome.get(p.id) ?? { kind: 'retry', delaySeconds: 0 };
        if (o.kind === 'ack') continue;
        if (p.attempts > this.maxRetries) dead.push(p);
        else this.pending.push({ ...p, visibleAt: now + o.delaySeconds * 1000 });
      }
      if (dead.length > 0) {
        this.deadLettered.push(...dead);
        await deadLetterConsumer({
          queue: 'zeropass-jobs-dlq',
          messages: dead.map((p) => ({
            id: p.id,
            timestamp: p.timestamp,
            body: p.body,
            attempts: p.attempts,
            ack() {},
            retry() {},
          })),
          ackAll() {},
          retryAll() {},
        } as unknown as MessageBatch<unknown>);
      }
    }
  }
}
