/**
 * @module identity/apple-jwks
 * Apple's signing keys, fetched from a configurable JWKS URL and cached as long as the response's
 * Cache-Control allows. A token whose `kid` is unknown triggers at most one refetch per minute,
 * so a flood of forged `kid`s cannot turn us into a load generator against Apple; while no key
 * could ever be fetched (a cold process during an outage, a wrong URL), at most one fetch per
 * EMPTY_RETRY_MS is tried and every sign-in meanwhile is answered 503. A fetch gives up after
 * `timeoutMs`, and once keys have expired a token signed by a key we hold is verified with it
 * while the refresh runs in the background: an expiring cache never makes sign-ins wait on Apple.
 * @see https://developer.apple.com/documentation/signinwithapplerestapi/fetch_apple_s_public_key_for_verifying_token_signature
 */
import { importJWK, type JWK } from 'jose';
import { AppError } from '../errors.ts';
import { errorFields, type Logger } from '../log/logger.ts';

const MIN_TTL_MS = 60_000;
const MAX_TTL_MS = 24 * 3_600_000;
const DEFAULT_TTL_MS = 3_600_000;
const UNKNOWN_KID_REFETCH_MS = 60_000;
const EMPTY_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 3_000;

const unavailable = () => new AppError('unavailable', 'Apple signing keys are unavailable');

export type JwksCacheOptions = {
  url: string;
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
  /** Per JWKS fetch, body included; 3 s by default. */
  timeoutMs?: number;
};

/** Reads max-age (s-maxage wins) from a Cache-Control header, clamped to sane bounds. */
export function cacheTtlMs(cacheControl: string | null): number {
  if (!cacheControl) return DEFAULT_TTL_MS;
  const directives = cacheControl.toLowerCase();
  const match = /(?:^|,)\s*s-maxage=(\d+)/.exec(directives) ?? /(?:^|,)\s*max-age=(\d+)/.exec(directives);
  if (!match?.[1]) return /no-store|no-cache/.test(directives) ? MIN_TTL_MS : DEFAULT_TTL_MS;
  return Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, Number(match[1]) * 1000));
}

export class JwksCache {
  private keys = new Map<string, CryptoKey>();
  private expiresAt = 0;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  /** With no keys at all, the time before which a failed fetch is not tried again. */
  private emptyRetryAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  /** How many times the JWKS URL was fetched; the benchmark and tests read it. */
  fetchCount = 0;

  private readonly options: JwksCacheOptions;

  constructor(options: JwksCacheOptions) {
    this.options = options;
  }

  async getKey(kid: string): Promise<CryptoKey | undefined> {
    const now = this.options.now();
    if (this.keys.size === 0 && now < this.emptyRetryAt) throw unavailable();
    if (now >= this.expiresAt) {
      const stale = this.keys.get(kid);
      if (stale) {
        // A failed refresh keeps the keys (see load), so the background promise never rejects.
        void this.refresh();
        return stale;
      }
      await this.refresh();
    } else if (!this.keys.has(kid) && now - this.lastFetchAt >= UNKNOWN_KID_REFETCH_MS) {
      await this.refresh();
    }
    return this.keys.get(kid);
  }

  // Concurrent callers share one fetch instead of stampeding the JWKS endpoint.
  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    const { url, logger, now } = this.options;
    this.lastFetchAt = now();
    this.fetchCount++;
    try {
      const response = await this.options.fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? FETCH_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
      const body = (await response.json()) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error('JWKS body has no keys array');
      const keys = new Map<string, CryptoKey>();
      for (const jwk of body.keys as JWK[]) {
        if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
        if ((jwk.alg && jwk.alg !== 'RS256') || (jwk.use && jwk.use !== 'sig')) continue;
        const { kty, n, e } = jwk;
        keys.set(jwk.kid, (await importJWK({ kty, n, e }, 'RS256')) as CryptoKey);
      }
      this.keys = keys;
      this.expiresAt = now() + cacheTtlMs(response.headers.get('cache-control'));
    } catch (error) {
      // Serve stale keys through an outage: Apple rotates rarely, refusing every sign-in is worse.
      logger.warn('apple jwks fetch failed', errorFields(error));
      if (this.keys.size === 0) {
        this.emptyRetryAt = now() + EMPTY_RETRY_MS;
        throw unavailable();
      }
      this.expiresAt = now() + MIN_TTL_MS;
    }
  }
}
