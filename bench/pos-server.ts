/**
 * Child process of bench/pos.bench.ts, on 127.0.0.1. Prints one JSON line with its port (and, but
 * for hello, the POS key and card codes to use). Modes:
 * - `hello`: a bare Hono hello-world, the baseline.
 * - `pos`: the real app over libsql with a provisioned brand and cards, served as the Node entry
 *   serves it.
 * - `floor`: the least a scan can do on the stack the app is built from, over the same database:
 *   an @hono/zod-openapi route that finds the key and the code in a Map (as the app's caches do)
 *   and answers the app's own one-statement entitlements lookup; no logs, request id, security
 *   headers, body limit or rate limit. The reference for how much of the goal the stack leaves.
 * Usage: node bench/pos-server.ts hello|pos|floor
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { buildApp } from '../src/app.ts';
import { randomId } from '../src/crypto.ts';
import type { Database } from '../src/db/database.ts';
import { migrateLibsql, openLibsql } from '../src/db/libsql.ts';
import { assembleDeps } from '../src/deps.ts';
import { parseConfig } from '../src/env.ts';
import { findOrCreateByAppleLink } from '../src/identity/customers.ts';
import { OutboxJobQueue } from '../src/jobs/outbox.ts';
import { createLogger } from '../src/log/logger.ts';
import { ensureCard, loadEntitlements } from '../src/loyalty/cards.ts';
import { nodeKeyedCrypto } from '../src/node/node-keyed-crypto.ts';
import { presetHeaderFetch } from '../src/node/preset-fetch.ts';
import { MemoryRelay } from '../src/relay/relay.ts';
import { generateSecrets } from '../src/secrets.ts';
import { provisionBrand } from '../src/tenancy/provision.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 500);
const mode = process.argv[2];

function listen(fetch: NonNullable<Parameters<typeof serve>[0]['fetch']>, extra: object) {
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
} else if (mode === 'pos' || mode === 'floor') {
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
    jobs: new OutboxJobQueue({ database }),
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
  const extra = { posKey: brand.posKey, codes, cardIds };
  // As the Node entry serves it: the headers every response carries preset on node:http.
  if (mode === 'pos') listen(presetHeaderFetch(buildApp(deps)), extra);
  else {
    const brandOfKey = new Map([[`Bearer ${brand.posKey}`, brand.brand.id]]);
    const cardOfCode = new Map(codes.map((code, i) => [code, cardIds[i] ?? '']));
    listen(floorApp(database, brandOfKey, cardOfCode).fetch, extra);
  }
} else {
  throw new Error('usage: pos-server.ts hello|pos|floor');
}

function floorApp(database: Database, brandOfKey: Map<string, string>, cardOfCode: Map<string, string>) {
  const scan = createRoute({
    method: 'post',
    path: '/v1/pos/scan',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ code: z.string().min(1).max(200) }) } },
      },
    },
    responses: {
      200: { description: 'Entitlements', content: { 'application/json': { schema: z.object({}) } } },
      401: { description: 'Unknown key' },
      404: { description: 'Unknown card' },
    },
  });
  const app = new OpenAPIHono();
  app.openapi(scan, async (c) => {
    const brandId = brandOfKey.get(c.req.header('authorization') ?? '');
    if (!brandId) return c.body(null, 401);
    const cardId = cardOfCode.get(c.req.valid('json').code) ?? '';
    const found = await loadEntitlements(database, brandId, cardId, Date.now());
    return found ? c.json(found, 200) : c.body(null, 404);
  });
  return app;
}
