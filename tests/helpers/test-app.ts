/**
 * Builds the real app for a test: the project's database adapter, the runtime's jobs transport,
 * a fake Apple, an in-memory relay (unless asked for the real one) and captured logs. Each call provisions fresh brands, so tests never share rows.
 */
import { keyedCrypto, openTestDatabase, passCrypto, runtime } from '#test-runtime';
import type { ResolveHost } from '../../connectors/types.ts';
import { buildApp } from '../../src/app.ts';
import { assembleDeps } from '../../src/deps.ts';
import { parseConfig } from '../../src/env.ts';
import { CloudflareJobQueue, consumeDeadJobBatch, consumeJobBatch } from '../../src/jobs/cloudflare-queue.ts';
import { JobWorker, OutboxJobQueue } from '../../src/jobs/outbox.ts';
import { createLogger } from '../../src/log/logger.ts';
import { MemoryRelay } from '../../src/relay/relay.ts';
import { generateSecrets } from '../../src/secrets.ts';
import { provisionBrand } from '../../src/tenancy/provision.ts';
import type { ApnsTransport } from '../../src/wallet/apple/apns.ts';
import { FetchApnsTransport } from '../../src/wallet/apple/apns-fetch.ts';
import { FakeApns } from './fake-apns.ts';
import { APPLE_ISSUER, APPLE_JWKS_URL, FakeApple } from './fake-apple.ts';
import { FakeGoogle, GOOGLE_API_URL, GOOGLE_SAVE_URL, GOOGLE_TOKEN_URL } from './fake-google.ts';
import { FakePushService, PUSH_ORIGIN, PUSH_ORIGIN_B } from './fake-push-service.ts';
import { FakeQueue } from './fake-queue.ts';
import type { FaultPlan } from './fault-injection.ts';

let counter = 0;
const uniqueSlug = (base: string) => `${base}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export type TestAppOptions = {
  dev?: boolean;
  /**
   * `memory` (default) keeps relay messages in clear for inspection; `outbox` and `queue` seal
   * them and deliver them as jobs on that transport.
   */
  relay?: 'memory' | 'outbox' | 'queue';
  /** The jobs transport when `relay` does not name one; the runtime's own by default. */
  jobs?: 'outbox' | 'queue';
  /** Outbound fetch of connectors (the CRM fakes). */
  connectorFetch?: typeof fetch;
  resolveHost?: ResolveHost;
  /** APNs; by default the fetch transport over an in-process FakeApns (`t.apns`). */
  apns?: ApnsTransport;
  /** Extra configuration variables. */
  env?: Record<string, string | undefined>;
  /** Faults injected in front of the fakes of Apple (JWKS), Google and APNs. */
  faults?: Partial<Record<'apple' | 'google' | 'apns', FaultPlan>>;
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
    ZP_WALLET_PUSH_DELAY_MS: '0',
    ZP_APNS_TIMEOUT_MS: '5000',
    GOOGLE_OAUTH_TOKEN_URL: GOOGLE_TOKEN_URL,
    GOOGLE_WALLET_API_URL: GOOGLE_API_URL,
    GOOGLE_WALLET_SAVE_URL: GOOGLE_SAVE_URL,
    ZP_PUSH_SERVICE_ORIGINS: `${PUSH_ORIGIN},${PUSH_ORIGIN_B}`,
    ZP_PUSH_VAPID_SUBJECT: 'mailto:push-ops@zeropass.test',
    ...options.env,
  });
  const logs: string[] = [];
  const database = await openTestDatabase();
  const apple = await FakeApple.create();
  // Tests move the app's clock forward to cross cache and rate windows without sleeping.
  const clock = { offsetMs: 0 };
  const now = () => Date.now() + clock.offsetMs;
  const memory = options.relay === undefined || options.relay === 'memory';
  const relay = new MemoryRelay();
  const transport =
    options.relay === 'outbox' || options.relay === 'queue'
      ? options.relay
      : (options.jobs ?? (runtime === 'workers' ? 'queue' : 'outbox'));
  const queue = transport === 'queue' ? new FakeQueue(now) : undefined;
  const jobs = queue
    ? new CloudflareJobQueue(queue.asQueue(), { database, now })
    : new OutboxJobQueue({ database, now });
  const apns = new FakeApns({ now });
  const google = new FakeGoogle(now);
  const push = new FakePushService({ now });
  const deps = await assembleDeps({
    now,
    apns:
      options.apns ??
      new FetchApnsTransport({
        baseUrl: 'https://apns.fake',
        fetch: options.faults?.apns?.wrap(apns.fetch) ?? apns.fetch,
        now,
        timeoutMs: config.wallet.apple.apnsTimeoutMs,
      }),
    passCrypto,
    config,
    database,
    jobs,
    ...(memory ? { relay } : {}),
    ...(options.connectorFetch ? { connectorFetch: options.connectorFetch } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    logger: createLogger({ level: 'debug', sink: (line) => logs.push(line) }),
    fetch: options.faults?.apple?.wrap(apple.fetch) ?? apple.fetch,
    googleFetch: options.faults?.google?.wrap(google.fetch) ?? google.fetch,
    pushFetch: push.fetch,
    keyedCrypto,
  });
  const consumer = { database, logger: deps.logger, now, runner: deps.jobRunner };
  const worker = queue ? undefined : new JobWorker(consumer, config.jobs);
  /** Runs the jobs consumer once over everything due now (outbox worker or queue consumer). */
  const runJobs = async (): Promise<number> => {
    if (worker) return worker.drain();
    if (!queue) return 0;
    return queue.drain(
      (batch) => consumeJobBatch(consumer, batch),
      (batch) => consumeDeadJobBatch(consumer, batch),
      50,
    );
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
    apns,
    google,
    push,
    relay,
    jobs,
    queue,
    runJobs,
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
