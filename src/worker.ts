/**
 * @module worker
 * The Cloudflare Workers entry: fetch (the Hono app over D1), queue (the jobs consumer) and
 * scheduled (cron). Dependencies are built once per isolate from the bindings.
 */
import { buildApp } from './app.ts';
import type { AppDeps } from './context.ts';
import { d1Database } from './db/d1.ts';
import { assembleDeps } from './deps.ts';
import { parseConfig } from './env.ts';
import { CloudflareJobQueue, consumeDeadJobBatch, consumeJobBatch } from './jobs/cloudflare-queue.ts';
import { createLogger } from './log/logger.ts';
import { dohResolver } from './relay/doh-resolver.ts';
import { runSweeps } from './scheduled.ts';

const DEAD_LETTER_QUEUE = 'zeropass-jobs-dlq';

export type WorkerEnv = {
  DB: D1Database;
  JOBS_QUEUE: Queue<unknown>;
  [variable: string]: unknown;
};

type Built = {
  app: ReturnType<typeof buildApp>;
  logger: ReturnType<typeof createLogger>;
  deps: AppDeps;
};
let built: Promise<Built> | undefined;

function init(env: WorkerEnv): Promise<Built> {
  built ??= (async () => {
    const config = parseConfig(env);
    const logger = createLogger({
      level: config.logLevel,
      base: { service: 'zeropass', runtime: 'workers' },
    });
    const outbound: typeof fetch = (input, init) => fetch(input, init);
    // Job bodies hold ids, or sealed envelopes: contact data rides the queue only as ciphertext.
    const database = d1Database(env.DB);
    const deps = await assembleDeps({
      config,
      database,
      jobs: new CloudflareJobQueue(env.JOBS_QUEUE, { database }),
      resolveHost: dohResolver(outbound),
      logger,
      fetch: outbound,
    });
    return { app: buildApp(deps), logger, deps };
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
    const { database, logger, jobRunner: runner } = (await init(env)).deps;
    const consumer = { database, logger, runner };
    if (batch.queue === DEAD_LETTER_QUEUE) await consumeDeadJobBatch(consumer, batch);
    else await consumeJobBatch(consumer, batch);
  },
  async scheduled(controller, env) {
    const { logger, deps } = await init(env);
    logger.info('scheduled tick', { cron: controller.cron, ...(await runSweeps(deps)) });
  },
} satisfies ExportedHandler<WorkerEnv>;
