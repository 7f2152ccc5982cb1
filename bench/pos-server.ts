/**
 * Child process of bench/pos.bench.ts: serves either a bare Hono hello-world (the baseline) or the
 * real app over libsql with a provisioned brand and cards, on 127.0.0.1, and prints one JSON line
 * with its port (and, for the app, the POS key and card codes to use).
 * Usage: node bench/pos-server.ts hello|pos
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { buildApp } from '../src/app.ts';
import { randomId } from '../src/crypto.ts';
import { migrateLibsql, openLibsql } from '../src/db/libsql.ts';
import { assembleDeps } from '../src/deps.ts';
import { parseConfig } from '../src/env.ts';
import { findOrCreateByAppleLink } from '../src/identity/customers.ts';
import { createLogger } from '../src/log/logger.ts';
import { ensureCard } from '../src/loyalty/cards.ts';
import { nodeKeyedCrypto } from '../src/node/node-keyed-crypto.ts';
import { MemoryRelay } from '../src/relay/relay.ts';
import { generateSecrets } from '../src/secrets.ts';
import { provisionBrand } from '../src/tenancy/provision.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 500);
const mode = process.argv[2];

function listen(fetch: (request: Request) => Response | Promise<Response>, extra: object) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`${JSON.stringify({ port: info.port, ...extra })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => process.exit(0));
}

if (mode === 'hello') {
  const app = new Hono();
  app.get('/', (c) => c.text('Hello Hono!'));
  listen(app.fetch, {});
} else if (mode === 'pos') {
  const dir = mkdtempSync(join(tmpdir(), 'zeropass-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  await migrateLibsql(join(dir, 'zeropass.db'), fileURLToPath(new URL('../migrations', import.meta.url)));
  const database = await openLibsql(join(dir, 'zeropass.db'));
  const config = parseConfig({
    ...(await generateSecrets({ devAppleKey: false })),
    // The bench measures throughput, so the per-device scan limit must not be what stops it.
    ZP_POS_SCANS_PER_MINUTE: '1000000',
  });
  const deps = await assembleDeps({
    config,
    database,
    relay: new MemoryRelay(),
    // Every request is logged as in production; the lines go nowhere, as the bench reads stdout.
    logger: createLogger({ sink: () => {} }),
    fetch: globalThis.fetch,
    keyedCrypto: nodeKeyedCrypto,
  });
  const now = Date.now();
  const brand = await provisionBrand(database, { slug: 'bench', label: 'Bench', appleClientIds: [] }, now);
  const codes: string[] = [];
  const cardIds: string[] = [];
  for (let i = 0; i < CARDS; i++) {
    const { customerId } = await findOrCreateByAppleLink(database, brand.brand.id, randomId('link'), now);
    const card = await ensureCard(database, brand.brand.id, customerId, now);
    cardIds.push(card.id);
    codes.push(await deps.cardCodes.staticCode(card.id));
  }
  listen(buildApp(deps).fetch, { posKey: brand.posKey, codes, cardIds });
} else {
  throw new Error('usage: pos-server.ts hello|pos');
}
