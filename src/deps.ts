/**
 * @module deps
 * Turns config and runtime ports into the ready-to-use dependencies of the app. Both entries call
 * this once per process (Node) or isolate (Workers); tests call it with fakes.
 */

import { guardedFetch } from '../connectors/ssrf.ts';
import type { ResolveHost } from '../connectors/types.ts';
import type { AppDeps } from './context.ts';
import type { Database } from './db/database.ts';
import type { Config } from './env.ts';
import { API_KEY_CACHE_TTL_MS } from './http/auth.ts';
import { JwksCache } from './identity/apple-jwks.ts';
import { AppleVerifier } from './identity/apple-verifier.ts';
import { DevAppleIdentityProvider } from './identity/dev-apple.ts';
import { SessionSigner } from './identity/sessions.ts';
import { JobRunner } from './jobs/dispatch.ts';
import type { JobQueue } from './jobs/types.ts';
import { type KeyedCrypto, webKeyedCrypto } from './keyed-crypto.ts';
import { errorFields, type Logger } from './log/logger.ts';
import { type CardEvents, InProcessCardEvents } from './loyalty/events.ts';
import { CardCodes } from './pos/card-codes.ts';
import { FixedWindowLimiter } from './pos/scan-rate-limit.ts';
import { assemblePush } from './push/assemble.ts';
import { relayDeliveryHandler } from './relay/delivery-job.ts';
import { importRelayKey } from './relay/envelope.ts';
import { EnvelopeRelay } from './relay/envelope-relay.ts';
import type { Relay } from './relay/relay.ts';
import type { RelayDeps } from './relay/relay-deps.ts';
import { erasureHandler } from './rights/erasure.ts';
import { BrandDirectory } from './tenancy/brand-directory.ts';
import { TtlCache } from './ttl-cache.ts';
import type { ApnsTransport } from './wallet/apple/apns.ts';
import { FetchApnsTransport } from './wallet/apple/apns-fetch.ts';
import { type PassCrypto, webPassCrypto } from './wallet/apple/pass-crypto.ts';
import { PreparedTemplates } from './wallet/apple/prepared-templates.ts';
import {
  onCardChanged,
  passUpdatedHandler,
  pushHandler,
  type WalletJobDeps,
} from './wallet/apple/update-jobs.ts';
import { assembleGoogleWallet } from './wallet/google/assemble.ts';

export type RuntimePorts = {
  config: Config;
  database: Database;
  /** The background-jobs port: the outbox (Node) or Cloudflare Queues (Workers). */
  jobs: JobQueue;
  /**
   * A ready-made relay (tests keep messages in memory to inspect them). By default messages are
   * sealed and ride the job queue to the brand's connectors.
   */
  relay?: Relay;
  logger: Logger;
  /** Outbound HTTP, e.g. for Apple's JWKS; tests pass a fake. */
  fetch: typeof fetch;
  /** Outbound HTTP of connectors (CRMs, webhooks); defaults to `fetch`. */
  connectorFetch?: typeof fetch;
  /** DNS for the SSRF guard; without one only IP literals and allowlisted hosts pass. */
  resolveHost?: ResolveHost;
  now?: () => number;
  /** Where `card.changed` goes; defaults to an in-process emitter with no subscribers. */
  events?: CardEvents;
  /** HMAC and ES256 signing; defaults to WebCrypto, the Node entry passes `node:crypto`. */
  keyedCrypto?: KeyedCrypto;
  /** Digests and the RSA signature of passes; WebCrypto by default, `node:crypto` on Node. */
  passCrypto?: PassCrypto;
  /** APNs; by default over `fetch` (Workers), the Node entry passes its HTTP/2 transport. */
  apns?: ApnsTransport;
  /** Outbound HTTP to Google's OAuth and Wallet APIs; defaults to `fetch`. */
  googleFetch?: typeof fetch;
  /** Outbound HTTP to web push services; defaults to `fetch`. */
  pushFetch?: typeof fetch;
};

const noDns: ResolveHost = async () => {
  throw new Error('no DNS resolver configured');
};

export async function assembleDeps(ports: RuntimePorts): Promise<AppDeps & { jwks: JwksCache }> {
  const { config, logger } = ports;
  const now = ports.now ?? Date.now;
  const devApple =
    config.dev && config.devAppleKey
      ? await DevAppleIdentityProvider.create(config.devAppleKey, config.appleIssuer, now)
      : undefined;
  const resolveHost = ports.resolveHost ?? noDns;
  const allowHosts = config.relay.connectorAllowHosts;
  const relayDeps: RelayDeps = {
    database: ports.database,
    key: await importRelayKey(config.relay.key),
    runtime: {
      // Every connector request passes the SSRF guard: brand admins choose these URLs.
      fetch: guardedFetch(ports.connectorFetch ?? ports.fetch, resolveHost, allowHosts, now),
      now,
      logger: logger.child({ component: 'connector' }),
      resolveHost,
      allowHosts,
    },
    policy: config.relay,
    logger: logger.child({ component: 'relay' }),
    now,
    jobs: ports.jobs,
  };
  const relay = ports.relay ?? new EnvelopeRelay(relayDeps);
  const passCrypto = ports.passCrypto ?? webPassCrypto;
  const appleTemplates = new PreparedTemplates({
    database: ports.database,
    key: relayDeps.key,
    now,
    crypto: passCrypto,
    defaultWwdrPem: config.wallet.apple.wwdrPem,
  });
  const apns =
    ports.apns ??
    new FetchApnsTransport({
      baseUrl: config.wallet.apple.apnsUrl,
      fetch: ports.fetch,
      now,
      timeoutMs: config.wallet.apple.apnsTimeoutMs,
    });
  const walletJobs: WalletJobDeps = {
    database: ports.database,
    jobs: ports.jobs,
    templates: appleTemplates,
    apns,
    logger: logger.child({ component: 'wallet' }),
    now,
    pushDelayMs: config.wallet.apple.pushDelayMs,
  };
  const keyed = ports.keyedCrypto ?? webKeyedCrypto;
  const pepper = await keyed.hmacSha256(config.pepper);
  const cardCodes = await CardCodes.fromPepper(pepper, keyed);
  const googleWallet = assembleGoogleWallet({
    config,
    database: ports.database,
    jobs: ports.jobs,
    logger: logger.child({ component: 'wallet' }),
    fetch: ports.googleFetch ?? ports.fetch,
    now,
    cardCodes,
    relayKey: relayDeps.key,
  });
  const webPush = assemblePush({
    config,
    database: ports.database,
    jobs: ports.jobs,
    logger: logger.child({ component: 'push' }),
    fetch: ports.pushFetch ?? ports.fetch,
    now,
    relayKey: relayDeps.key,
  });
  const jobRunner = new JobRunner({
    database: ports.database,
    logger: logger.child({ component: 'jobs' }),
    now,
  })
    .register(webPush.handlers[0])
    .register(webPush.handlers[1])
    .register(webPush.handlers[2])
    .register(relayDeliveryHandler(relayDeps))
    .register(passUpdatedHandler(walletJobs))
    .register(pushHandler(walletJobs))
    .register(googleWallet.handler)
    .register(
      erasureHandler({
        database: ports.database,
        relayDeps,
        jobs: ports.jobs,
        google: googleWallet.google,
        logger: logger.child({ component: 'rights' }),
        now,
        walletGraceMs: config.rights.walletGraceMs,
      }),
    );
  const events =
    ports.events ??
    new InProcessCardEvents((error) => logger.error('card.changed subscriber failed', errorFields(error)));
  if (events instanceof InProcessCardEvents) {
    events.subscribe(onCardChanged(walletJobs));
    events.subscribe(googleWallet.onCardChanged);
  }
  const jwks = new JwksCache({
    url: config.appleJwksUrl,
    fetch: ports.fetch,
    now,
    logger,
    timeoutMs: config.appleJwksTimeoutMs,
  });
  return {
    config,
    database: ports.database,
    relay,
    relayDeps,
    jobs: ports.jobs,
    jobRunner,
    logger,
    now,
    jwks,
    brands: new BrandDirectory(ports.database, now),
    pepper,
    sessions: await SessionSigner.create(
      config.sessionKey,
      { ttlSeconds: config.sessionTtlSeconds, maxAgeSeconds: config.sessionMaxAgeSeconds },
      now,
      keyed,
    ),
    apple: new AppleVerifier({ issuer: config.appleIssuer, jwks, devKeys: devApple?.trustedKeys(), now }),
    devApple,
    cardCodes,
    events,
    passCrypto,
    appleTemplates,
    apns,
    google: googleWallet.google,
    push: webPush.push,
    scanLimiter: new FixedWindowLimiter(config.posScansPerMinute),
    apiKeyCache: new TtlCache({ ttlMs: API_KEY_CACHE_TTL_MS, maxEntries: 10_000, now }),
  };
}
