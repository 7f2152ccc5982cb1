/**
 * @module deps
 * Turns config and runtime ports into the ready-to-use dependencies of the app. Both entries call
 * this once per process (Node) or isolate (Workers); tests call it with fakes.
 */
import type { AppDeps } from './context.ts';
import { importHmacKey } from './crypto.ts';
import type { Database } from './db/database.ts';
import type { Config } from './env.ts';
import { JwksCache } from './identity/apple-jwks.ts';
import { AppleVerifier } from './identity/apple-verifier.ts';
import { DevAppleIdentityProvider } from './identity/dev-apple.ts';
import { SessionSigner } from './identity/sessions.ts';
import { errorFields, type Logger } from './log/logger.ts';
import { type CardEvents, InProcessCardEvents } from './loyalty/events.ts';
import { CardCodes } from './pos/card-codes.ts';
import { PosKeyCache } from './pos/pos-key-cache.ts';
import { FixedWindowLimiter } from './pos/scan-rate-limit.ts';
import type { Relay } from './relay/relay.ts';

export type RuntimePorts = {
  config: Config;
  database: Database;
  relay: Relay;
  logger: Logger;
  /** Outbound HTTP, e.g. for Apple's JWKS; tests pass a fake. */
  fetch: typeof fetch;
  now?: () => number;
  /** Where `card.changed` goes; defaults to an in-process emitter with no subscribers. */
  events?: CardEvents;
};

export async function assembleDeps(ports: RuntimePorts): Promise<AppDeps & { jwks: JwksCache }> {
  const { config, logger } = ports;
  const now = ports.now ?? Date.now;
  const devApple =
    config.dev && config.devAppleKey
      ? await DevAppleIdentityProvider.create(config.devAppleKey, config.appleIssuer, now)
      : undefined;
  const pepperKey = await importHmacKey(config.pepper);
  const jwks = new JwksCache({ url: config.appleJwksUrl, fetch: ports.fetch, now, logger });
  return {
    config,
    database: ports.database,
    relay: ports.relay,
    logger,
    now,
    jwks,
    pepperKey,
    sessions: await SessionSigner.create(config.sessionKey, config.sessionTtlSeconds, now),
    apple: new AppleVerifier({ issuer: config.appleIssuer, jwks, devKeys: devApple?.trustedKeys(), now }),
    devApple,
    cardCodes: await CardCodes.fromPepper(pepperKey),
    events:
      ports.events ??
      new InProcessCardEvents((error) => logger.error('card.changed subscriber failed', errorFields(error))),
    scanLimiter: new FixedWindowLimiter(config.posScansPerMinute),
    posKeyCache: new PosKeyCache(),
  };
}
