/**
 * @module node
 * The Node entry (`npm start`): libsql file database under ZP_DATA_DIR, migrations at boot,
 * @hono/node-server, the job worker, graceful shutdown. With ZP_DEV=1 and no secrets in the environment it makes
 * its own dev signing material and a demo brand on first start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { buildApp } from './app.ts';
import { migrateLibsql, openLibsql } from './db/libsql.ts';
import { assembleDeps } from './deps.ts';
import { ConfigError, nodeSettingsSchema, parseConfig } from './env.ts';
import { JobWorker, OutboxJobQueue } from './jobs/outbox.ts';
import { createLogger, errorFields } from './log/logger.ts';
import { DEMO_BRAND, ensureDemoBrand, loadDevSecrets } from './node/dev-files.ts';
import { Http2ApnsTransport } from './node/node-apns.ts';
import { nodeKeyedCrypto } from './node/node-keyed-crypto.ts';
import { nodePassCrypto } from './node/node-pass-crypto.ts';
import { pinnedFetch } from './node/pinned-fetch.ts';
import { presetHeaderFetch } from './node/preset-fetch.ts';
import { nodeResolveHost } from './node/resolve-host.ts';
import { batchedStdoutSink } from './node/stdout-sink.ts';
import { runSweeps, SWEEP_INTERVAL_MS } from './scheduled.ts';

const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

async function main() {
  const env: Record<string, string | undefined> = { ...process.env };
  const settings = nodeSettingsSchema.parse(env);
  mkdirSync(settings.ZP_DATA_DIR, { recursive: true, mode: 0o700 });
  const dev = env.ZP_DEV === '1' || env.ZP_DEV === 'true';
  let secretsPath: string | undefined;
  if (dev && !env.ZP_PEPPER) {
    const loaded = await loadDevSecrets(settings.ZP_DATA_DIR);
    secretsPath = loaded.path;
    Object.assign(env, {
      ...loaded.secrets,
      ...(env.ZP_SESSION_KEY ? { ZP_SESSION_KEY: env.ZP_SESSION_KEY } : {}),
    });
  }
  const config = parseConfig(env);
  const logger = createLogger({
    level: config.logLevel,
    base: { service: 'zeropass', runtime: 'node' },
    sink: batchedStdoutSink(),
  });

  const dbPath = join(settings.ZP_DATA_DIR, 'zeropass.db');
  await migrateLibsql(dbPath, MIGRATIONS);
  const database = await openLibsql(dbPath);
  const deps = await assembleDeps({
    config,
    database,
    jobs: new OutboxJobQueue({ database }),
    resolveHost: nodeResolveHost,
    logger,
    fetch: globalThis.fetch,
    // Connector sockets connect only to addresses the SSRF guard would accept (DNS rebinding).
    connectorFetch: pinnedFetch(config.relay.connectorAllowHosts),
    keyedCrypto: nodeKeyedCrypto,
    passCrypto: nodePassCrypto,
    apns: new Http2ApnsTransport({
      baseUrl: config.wallet.apple.apnsUrl,
      now: Date.now,
      timeoutMs: config.wallet.apple.apnsTimeoutMs,
    }),
  });
  // The job worker drains the outbox in this process; a timer stands in for the Workers cron.
  const worker = new JobWorker(
    { database, logger: deps.logger, now: deps.now, runner: deps.jobRunner },
    config.jobs,
  );
  worker.start(settings.ZP_JOBS_POLL_MS);
  // The sweeps the Workers cron runs (wrangler.toml), on the same period.
  const purge = setInterval(() => {
    runSweeps(deps)
      .then((purged) => logger.debug('sweep', purged))
      .catch((error: unknown) => logger.error('sweep failed', errorFields(error)));
  }, SWEEP_INTERVAL_MS);
  purge.unref();

  if (config.dev && secretsPath) {
    const demo = await ensureDemoBrand(deps, settings.ZP_DATA_DIR, secretsPath);
    if (demo.credentialsPath)
      logger.info(`demo brand created; credentials written to ${demo.credentialsPath}`);
    if (demo.added.length) logger.info(`demo brand: added ${demo.added.join(', ')}`);
  }

  const app = buildApp(deps, { devDefaultBrand: DEMO_BRAND });
  const server = serve(
    { fetch: presetHeaderFetch(app), port: settings.PORT, hostname: settings.HOST },
    (info) => {
      logger.info(
        `zeropass listening on http://${settings.HOST}:${info.port} (docs at /docs${config.dev ? ', shopper demo at /demo' : ''})`,
        {
          dev: config.dev,
          dataDir: settings.ZP_DATA_DIR,
        },
      );
    },
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    clearInterval(purge);
    server.close(() => {
      // Let the jobs in flight finish so their settlements are written; leases cover a hard kill.
      worker.stop().finally(async () => {
        await deps.apns.close();
        database.close();
        process.exit(0);
      });
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : JSON.stringify(errorFields(error));
  process.stderr.write(`zeropass failed to start: ${message}\n`);
  process.exit(1);
});
