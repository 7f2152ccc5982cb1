/**
 * @module worker
 * The Cloudflare Workers entry: fetch (the Hono app over D1), queue (relay consumer) and
 * scheduled (cron). Dependencies are built once per isolate from the bindings.
 */
import { buildApp } from './app.ts';
import { d1Database } from './db/d1.ts';
import { assembleDeps } from './deps.ts';
import { parseConfig } from './env.ts';
import { createLogger } from './log/logger.ts';
import { MemoryRelay } from './relay/relay.ts';

export type WorkerEnv = {
  DB: D1Database;
  RELAY_QUEUE: Queue<unknown>;
  [variable: string]: unknown;
};

type Built = { app: ReturnType<typeof buildApp>; logger: ReturnType<typeof createLogger> };
let built: Promise<Built> | undefined;

function init(env: WorkerEnv): Promise<Built> {
  built ??= (async () => {
    const config = parseConfig(env);
    const logger = createLogger({
      level: config.logLevel,
      base: { service: 'zeropass', runtime: 'workers' },
    });
    // Until the queue-backed relay lands, contact data waits in isolate memory only: plaintext
    // PII must never be put on a queue body (invariant 1).
    const deps = await assembleDeps({
      config,
      database: d1Database(env.DB),
      relay: new MemoryRelay(1_000),
      logger,
      fetch: (input, init) => fetch(input, init),
    });
    return { app: buildApp(deps), logger };
  })().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

export default {
  async fetch(request, env, ctx) {
    const { app } = await init(env);
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env) {
    const { logger } = await init(env);
    logger.info('relay batch received', { queue: batch.queue, size: batch.messages.length });
    batch.ackAll();
  },
  async scheduled(controller, env) {
    const { logger } = await init(env);
    logger.info('scheduled tick', { cron: controller.cron });
  },
} satisfies ExportedHandler<WorkerEnv>;
