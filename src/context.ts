/**
 * @module context
 * What the app is built from (ports and ready-made services) and what a request carries.
 * The entries build `AppDeps` for their runtime; nothing below `app.ts` knows which one it is.
 */

import type { Database } from './db/database.ts';
import type { Config } from './env.ts';
import type { AppleVerifier } from './identity/apple-verifier.ts';
import type { DevAppleIdentityProvider } from './identity/dev-apple.ts';
import type { SessionSigner } from './identity/sessions.ts';
import type { JobRunner } from './jobs/dispatch.ts';
import type { JobQueue } from './jobs/types.ts';
import type { Hmac } from './keyed-crypto.ts';
import type { Logger } from './log/logger.ts';
import type { CardEvents } from './loyalty/events.ts';
import type { CardCodes } from './pos/card-codes.ts';
import type { FixedWindowLimiter } from './pos/scan-rate-limit.ts';
import type { PushService } from './push/assemble.ts';
import type { Relay } from './relay/relay.ts';
import type { RelayDeps } from './relay/relay-deps.ts';
import type { ApiKeyPrincipal } from './tenancy/api-keys.ts';
import type { BrandDirectory } from './tenancy/brand-directory.ts';
import type { TtlCache } from './ttl-cache.ts';
import type { ApnsTransport } from './wallet/apple/apns.ts';
import type { PassCrypto } from './wallet/apple/pass-crypto.ts';
import type { PreparedTemplates } from './wallet/apple/prepared-templates.ts';
import type { PreparedIssuers } from './wallet/google/issuers.ts';
import type { GoogleSyncDeps } from './wallet/google/sync.ts';

export type AppDeps = {
  config: Config;
  database: Database;
  relay: Relay;
  /** The relay's services: connectors, envelopes, dead letters. */
  relayDeps: RelayDeps;
  /** Where background work is enqueued (outbox on Node, Cloudflare Queues on Workers). */
  jobs: JobQueue;
  /** Runs jobs of every registered kind; the transports' consumers call it. */
  jobRunner: JobRunner;
  logger: Logger;
  now: () => number;
  /** HMAC-SHA256 under the server pepper. */
  pepper: Hmac;
  brands: BrandDirectory;
  sessions: SessionSigner;
  apple: AppleVerifier;
  /** Present only when config.dev is true. */
  devApple: DevAppleIdentityProvider | undefined;
  /** Signs and checks the card codes shown at the till (static and rotating). */
  cardCodes: CardCodes;
  /** `card.changed` events, emitted after every committed ledger write. */
  events: CardEvents;
  passCrypto: PassCrypto;
  /** Each brand's Apple pass template, prepared for signing once per version. */
  appleTemplates: PreparedTemplates;
  apns: ApnsTransport;
  /** Each brand's Google Wallet issuer, and what keeps Google's copies of its cards current. */
  google: { issuers: PreparedIssuers; sync: GoogleSyncDeps };
  /** Web push: the brands' VAPID keys, the sender, and the campaign jobs' dependencies. */
  push: PushService;
  /** Per-device limit on card-code checks at the POS. */
  scanLimiter: FixedWindowLimiter;
  /** API keys of `{ cached: true }` routes (see http/auth). */
  apiKeyCache: TtlCache<string, ApiKeyPrincipal>;
};

/** `signedInAtMs`: when the session's sign-in happened, which bounds any renewal of it. */
export type ShopperPrincipal = { customerId: string; brandId: string; signedInAtMs: number };

/**
 * Sets a header of the response about to be written, before any handler runs. The Node entry
 * passes node:http's `setHeader`: the headers every response carries then never go through a
 * `Headers` object, which @hono/node-server turns back into a plain one on every response (a
 * visible part of a sign-in). Without it (Workers, tests) the middleware uses `c.header`.
 */
export type PresetHeader = (name: string, value: string) => void;

export type AppEnv = {
  Bindings: {
    presetHeader?: PresetHeader | undefined;
    /** Node: the node:http request, whose socket address is the client's without a proxy. */
    incoming?: { socket?: { remoteAddress?: string | undefined } } | undefined;
  };
  Variables: {
    requestId: string;
    deps: AppDeps;
    log: Logger;
    apiKey: ApiKeyPrincipal;
    shopper: ShopperPrincipal;
  };
};
