/**
 * @module env
 * Configuration and secrets, checked once at the entry. Nothing else reads the environment.
 * Error messages name the variable and the rule, never the value: values may be secrets.
 */
import { z } from 'zod';
import { fromBase64url } from './crypto.ts';

const jwkJson = (kty: 'EC' | 'RSA') =>
  z.string().transform((text, ctx) => {
    try {
      const jwk = JSON.parse(text) as Record<string, unknown>;
      if (jwk.kty !== kty || typeof jwk.d !== 'string') throw new Error();
      return jwk as JsonWebKey & { kid?: string };
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a private ${kty} JWK as one line of JSON` });
      return z.NEVER;
    }
  });

/** Random bytes as base64url; `check` names the size rule, which is also the message. */
const base64urlBytes = (check: (length: number) => boolean, message: string) =>
  z.string().transform((text, ctx) => {
    let bytes = new Uint8Array();
    try {
      // A length of 4k + 1 is not base64 at all: the decoder throws rather than answering bytes.
      if (/^[A-Za-z0-9_-]+$/.test(text)) bytes = fromBase64url(text);
    } catch {}
    if (!check(bytes.length)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return bytes;
  });

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

export const configSchema = z.object({
  ZP_DEV: flag,
  ZP_PUBLIC_URL: z.url().default('http://localhost:8787'),
  ZP_PEPPER: base64urlBytes((n) => n >= 32, 'must be at least 32 random bytes, base64url'),
  ZP_SESSION_KEY: jwkJson('EC'),
  ZP_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  ZP_SESSION_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  APPLE_JWKS_URL: z.url().default('https://appleid.apple.com/auth/keys'),
  /** Per fetch of Apple's keys, body included; meanwhile sign-ins with a cached key go on. */
  ZP_APPLE_JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  APPLE_ISSUER: z.string().min(1).default('https://appleid.apple.com'),
  ZP_DEV_APPLE_KEY: jwkJson('RSA').optional(),
  ZP_POS_SCANS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Public layout submissions per client address (/24 or /48) per minute, and per layout. */
  ZP_LAYOUT_SUBMISSIONS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  ZP_LAYOUT_SUBMISSIONS_PER_LAYOUT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  ZP_IDEMPOTENCY_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ZP_CLIENT_IP_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .transform((v) => v.toLowerCase())
    .optional(),
  ZP_RELAY_KEY: base64urlBytes((n) => n === 32, 'must be exactly 32 random bytes, base64url'),
  ZP_RELAY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(3 * 86_400),
  ZP_RELAY_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ZP_RELAY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  /** Jobs per outbox claim (Node); Workers batch by the queue's `max_batch_size`. */
  ZP_JOBS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  /** How long an outbox worker holds claimed jobs before another may take them (Node). */
  ZP_JOBS_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  /** PEM of Apple's WWDR intermediate (G4) for templates uploaded without one. */
  APPLE_WWDR_PEM: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
  APPLE_APNS_URL: z.url().default('https://api.push.apple.com'),
  ZP_APNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** How long a pass update waits for more changes of the same card before Wallet is pushed. */
  ZP_WALLET_PUSH_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_WALLET_API_URL: z.url().default('https://walletobjects.googleapis.com/walletobjects/v1'),
  GOOGLE_WALLET_SAVE_URL: z.url().default('https://pay.google.com/gp/v/save'),
  ZP_GOOGLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** After an erasure voids a pass, how long the voided pass stays fetchable before its rows go. */
  ZP_ERASURE_WALLET_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
  /** Calls to Google Wallet per second per brand (Google's default quota is per issuer). */
  ZP_GOOGLE_REQUESTS_PER_SECOND: z.coerce.number().min(1).max(1000).default(20),
  /** Comma-separated hosts or IPs that webhooks may reach despite the SSRF guard (development only). */
  ZP_CONNECTOR_ALLOW_HOSTS: z.string().default(''),
  /** Comma-separated https origins push endpoints may be on; `https://*.host` admits subdomains. */
  ZP_PUSH_SERVICE_ORIGINS: z
    .string()
    .default(
      'https://fcm.googleapis.com,https://updates.push.services.mozilla.com,https://*.push.apple.com,https://*.notify.windows.com',
    ),
  /** The VAPID `sub` claim (a mailto: or https: contact for push services); ZP_PUBLIC_URL if unset. */
  ZP_PUSH_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/)
    .optional(),
  ZP_PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** A customer gets at most one campaign per this many minutes (0: no cap). */
  ZP_PUSH_FREQUENCY_CAP_MINUTES: z.coerce.number().int().min(0).max(10_080).default(720),
  /** Customers per campaign send job. */
  ZP_PUSH_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
});

export type Config = {
  dev: boolean;
  publicUrl: string;
  pepper: Uint8Array<ArrayBuffer>;
  sessionKey: JsonWebKey & { kid?: string };
  sessionTtlSeconds: number;
  /** No renewed session outlives its sign-in by more than this. */
  sessionMaxAgeSeconds: number;
  appleJwksUrl: string;
  appleJwksTimeoutMs: number;
  appleIssuer: string;
  devAppleKey: (JsonWebKey & { kid?: string }) | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /**
   * The header a trusted proxy sets to the client's address (`cf-connecting-ip` on Workers). Unset:
   * the socket address. A client could forge any header no trusted proxy overwrites.
   */
  clientIpHeader: string | undefined;
  relay: {
    key: Uint8Array<ArrayBuffer>;
    ttlSeconds: number;
    deadLetterRetentionDays: number;
    maxAttempts: number;
    connectorAllowHosts: string[];
  };
  /** The background-jobs port (src/jobs). */
  jobs: { batchSize: number; leaseSeconds: number };
  /** Data subject rights (src/rights). */
  rights: { walletGraceMs: number };
  wallet: {
    apple: { wwdrPem: string | undefined; apnsUrl: string; apnsTimeoutMs: number; pushDelayMs: number };
    google: {
      tokenUrl: string;
      apiUrl: string;
      saveUrl: string;
      timeoutMs: number;
      requestsPerSecond: number;
    };
  };
  /** Web push (src/push). */
  push: {
    serviceOrigins: string[];
    vapidSubject: string;
    timeoutMs: number;
    frequencyCapMinutes: number;
    batchSize: number;
  };
  /** Card-code checks (scans) one POS device may make per minute. */
  posScansPerMinute: number;
  /** Public layout submissions allowed per minute: per client address prefix, and per layout. */
  layoutSubmissionsPerMinute: { perIp: number; perLayout: number };
  /** How long an Idempotency-Key is remembered (and its answer replayed). */
  idempotencyRetentionDays: number;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses raw variables (process.env or Worker bindings) into a Config, or throws a ConfigError. */
export function parseConfig(raw: Record<string, unknown>): Config {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    if (raw[key] !== undefined) picked[key] = raw[key];
  }
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  if (v.ZP_DEV_APPLE_KEY && !v.ZP_DEV) {
    throw new ConfigError('invalid configuration:\n  ZP_DEV_APPLE_KEY: only allowed with ZP_DEV=1');
  }
  const pushOrigins = v.ZP_PUSH_SERVICE_ORIGINS.split(',')
    .map((o) => o.trim().toLowerCase().replace(/\/$/, ''))
    .filter(Boolean);
  if (pushOrigins.some((o) => !/^https:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/.test(o))) {
    throw new ConfigError('invalid configuration:\n  ZP_PUSH_SERVICE_ORIGINS: each must be an https origin');
  }
  return {
    dev: v.ZP_DEV,
    publicUrl: v.ZP_PUBLIC_URL.replace(/\/$/, ''),
    pepper: v.ZP_PEPPER,
    sessionKey: v.ZP_SESSION_KEY,
    sessionTtlSeconds: v.ZP_SESSION_TTL_SECONDS,
    sessionMaxAgeSeconds: v.ZP_SESSION_MAX_AGE_SECONDS,
    appleJwksUrl: v.APPLE_JWKS_URL,
    appleJwksTimeoutMs: v.ZP_APPLE_JWKS_TIMEOUT_MS,
    appleIssuer: v.APPLE_ISSUER,
    devAppleKey: v.ZP_DEV_APPLE_KEY,
    logLevel: v.LOG_LEVEL,
    clientIpHeader: v.ZP_CLIENT_IP_HEADER,
    relay: {
      key: v.ZP_RELAY_KEY,
      ttlSeconds: v.ZP_RELAY_TTL_SECONDS,
      deadLetterRetentionDays: v.ZP_RELAY_DEAD_LETTER_RETENTION_DAYS,
      maxAttempts: v.ZP_RELAY_MAX_ATTEMPTS,
      connectorAllowHosts: v.ZP_CONNECTOR_ALLOW_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    },
    jobs: { batchSize: v.ZP_JOBS_BATCH_SIZE, leaseSeconds: v.ZP_JOBS_LEASE_SECONDS },
    rights: { walletGraceMs: v.ZP_ERASURE_WALLET_GRACE_SECONDS * 1000 },
    wallet: {
      apple: {
        // Secrets stores often keep a PEM on one line with literal \n.
        wwdrPem: v.APPLE_WWDR_PEM?.replace(/\\n/g, '\n'),
        apnsUrl: v.APPLE_APNS_URL.replace(/\/$/, ''),
        apnsTimeoutMs: v.ZP_APNS_TIMEOUT_MS,
        pushDelayMs: v.ZP_WALLET_PUSH_DELAY_MS,
      },
      google: {
        tokenUrl: v.GOOGLE_OAUTH_TOKEN_URL,
        apiUrl: v.GOOGLE_WALLET_API_URL.replace(/\/$/, ''),
        saveUrl: v.GOOGLE_WALLET_SAVE_URL.replace(/\/$/, ''),
        timeoutMs: v.ZP_GOOGLE_TIMEOUT_MS,
        requestsPerSecond: v.ZP_GOOGLE_REQUESTS_PER_SECOND,
      },
    },
    push: {
      serviceOrigins: pushOrigins,
      vapidSubject: v.ZP_PUSH_VAPID_SUBJECT ?? v.ZP_PUBLIC_URL.replace(/\/$/, ''),
      timeoutMs: v.ZP_PUSH_TIMEOUT_MS,
      frequencyCapMinutes: v.ZP_PUSH_FREQUENCY_CAP_MINUTES,
      batchSize: v.ZP_PUSH_BATCH_SIZE,
    },
    posScansPerMinute: v.ZP_POS_SCANS_PER_MINUTE,
    layoutSubmissionsPerMinute: {
      perIp: v.ZP_LAYOUT_SUBMISSIONS_PER_IP_PER_MINUTE,
      perLayout: v.ZP_LAYOUT_SUBMISSIONS_PER_LAYOUT_PER_MINUTE,
    },
    idempotencyRetentionDays: v.ZP_IDEMPOTENCY_RETENTION_DAYS,
  };
}

/** Settings of the Node entry only (the Worker has bindings instead). */
export const nodeSettingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  ZP_DATA_DIR: z.string().min(1).default('./data'),
  /** How often the in-process job worker looks for due jobs. */
  ZP_JOBS_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
});
export type NodeSettings = z.infer<typeof nodeSettingsSchema>;
