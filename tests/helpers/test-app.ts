/**
 * Builds the real app for a test: the project's database adapter, a fake Apple, an in-memory
 * relay and captured logs. Each call provisions fresh brands, so tests never share rows.
 */
import { keyedCrypto, openTestDatabase } from '#test-runtime';
import type { ResolveHost } from '../../connectors/types.ts';
import { buildApp } from '../../src/app.ts';
import { assembleDeps } from '../../src/deps.ts';
import { parseConfig } from '../../src/env.ts';
import { createLogger } from '../../src/log/logger.ts';
import { OutboxTransport, OutboxWorker } from '../../src/relay/outbox.ts';
import { consumeDeadLetterBatch, consumeRelayBatch, QueueTransport } from '../../src/relay/queue.ts';
import { MemoryRelay } from '../../src/relay/relay.ts';
import { generateSecrets } from '../../src/secrets.ts';
import { provisionBrand } from '../../src/tenancy/provision.ts';
import { APPLE_ISSUER, APPLE_JWKS_URL, FakeApple } from './fake-apple.ts';
import { FakeQueue } from './fake-queue.ts';

let counter = 0;
const uniqueSlug = (base: string) => `${base}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export type TestAppOptions = {
  dev?: boolean;
  /** `memory` (default) keeps messages in clear for inspection; the others seal and deliver them. */
  relay?: 'memory' | 'outbox' | 'queue';
  /** Outbound fetch of connectors (the CRM fakes). */
  connectorFetch?: typeof fetch;
  resolveHost?: ResolveHost;
  /** Extra configuration variables. */
  env?: Record<string, string | undefined>;
};

export async function createTestApp(options: TestAppOptions = {}) {
  const secrets = await generateSecrets({ devAppleKey: options.dev ?? false });
  const config = parseConfig({
    ...secrets,
    ZP_DEV: options.dev ? '1' : '0',
    APPLE_JWKS_URL,
    APPLE_ISSUER,
    LOG_LEVEL: 'debug',
    // As on Workers, where Cloudflare sets it; a test can unset it through `env`.
    ZP_CLIENT_IP_HEADER: 'cf-connecting-ip',
    ...options.env,
  });
  const logs: string[] = [];
  const database = await openTestDatabase();
  const apple = await FakeApple.create();
  const relay = new MemoryRelay();
  // Tests move the app's clock forward to cross cache and rate windows without sleeping.
  const clock = { offsetMs: 0 };
  const now = () => Date.now() + clock.offsetMs;
  const queue = options.relay === 'queue' ? new FakeQueue(now) : undefined;
  const relayTransport =
    options.relay === 'outbox'
      ? new OutboxTransport({ database })
      : queue
        ? new QueueTransport(queue.asQueue())
        : undefined;
  const deps = await assembleDeps({
    now,
    config,
    database,
    relay,
    ...(relayTransport ? { relayTransport } : {}),
    ...(options.connectorFetch ? { connectorFetch: options.connectorFetch } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    logger: createLogger({ level: 'debug', sink: (line) => logs.push(line) }),
    fetch: apple.fetch,
    keyedCrypto,
  });
  const outbox = options.relay === 'outbox' ? new OutboxWorker(deps.relayDeps) : undefined;
  /** Runs the relay's consumer once over everything due now (outbox worker or queue consumer). */
  const deliverRelay = async (): Promise<number> => {
    if (outbox) return outbox.drain();
    if (queue) {
      return queue.drain(
        (batch) => consumeRelayBatch(deps.relayDeps, batch),
        (batch) => consumeDeadLetterBatch(deps.relayDeps, batch),
        config.relay.batchSize,
      );
    }
    return 0;
  };
  const app = buildApp(deps);

  const request = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return app.request(path, { ...init, headers, body });
  };

  // A client ID belongs to one brand, and on D1 every test file shares one database: by default
  // each brand gets a client ID of its own, derived from its unique slug.
  const brand = async (base = 'brand', appleClientIds?: string[]) => {
    const slug = uniqueSlug(base);
    return provisionBrand(
      database,
      { slug, label: `${base} label`, appleClientIds: appleClientIds ?? [`com.${slug}.app`] },
      Date.now(),
    );
  };

  /** Signs a shopper in through the real route and returns the session. */
  const signIn = async (brandSlug: string, aud: string, sub = `sub-${counter++}`) => {
    const response = await request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: brandSlug, identityToken: await apple.token({ aud, sub }) },
    });
    if (response.status !== 200)
      throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { customerId: string; accessToken: string };
  };

  return {
    app,
    deps,
    database,
    apple,
    relay,
    queue,
    outbox,
    deliverRelay,
    logs,
    clock,
    request,
    brand,
    signIn,
    close: () => database.close(),
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function problemOf(response: Response) {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`not problem+json: ${type}`);
  return (await response.json()) as { code: string; status: number; detail: string; requestId: string };
}
