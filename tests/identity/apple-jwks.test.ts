import { describe, expect, it } from 'vitest';
import { cacheTtlMs, JwksCache } from '../../src/identity/apple-jwks.ts';
import { createLogger } from '../../src/log/logger.ts';
import { APPLE_JWKS_URL, FakeApple } from '../helpers/fake-apple.ts';

const quiet = createLogger({ sink: () => {} });

describe('JwksCache', () => {
  it('reads max-age and s-maxage, clamped to [1 min, 1 day]', () => {
    expect(cacheTtlMs('public, max-age=3600')).toBe(3_600_000);
    expect(cacheTtlMs('max-age=100, s-maxage=7200')).toBe(7_200_000);
    expect(cacheTtlMs('max-age=1')).toBe(60_000);
    expect(cacheTtlMs('max-age=999999999')).toBe(86_400_000);
    expect(cacheTtlMs('no-store')).toBe(60_000);
    expect(cacheTtlMs(null)).toBe(3_600_000);
  });

  it('caches for max-age, refetches after, and limits unknown-kid refetches to one a minute', async () => {
    const apple = await FakeApple.create();
    apple.cacheControl = 'max-age=600';
    let now = 1_000_000;
    const cache = new JwksCache({ url: APPLE_JWKS_URL, fetch: apple.fetch, now: () => now, logger: quiet });
    expect(await cache.getKey('apple-key-1')).toBeDefined();
    expect(await cache.getKey('apple-key-1')).toBeDefined();
    expect(apple.fetchCount).toBe(1);
    expect(await cache.getKey('nope')).toBeUndefined();
    now += 30_000;
    expect(await cache.getKey('nope')).toBeUndefined();
    expect(apple.fetchCount).toBe(1);
    now += 31_000;
    expect(await cache.getKey('nope')).toBeUndefined();
    expect(apple.fetchCount).toBe(2);
    now += 600_001;
    await cache.getKey('apple-key-1');
    expect(apple.fetchCount).toBe(3);
  });

  it('gives up on a JWKS fetch that hangs, after timeoutMs', async () => {
    let signal: AbortSignal | undefined;
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        signal = init?.signal ?? undefined;
        signal?.addEventListener('abort', () => reject(signal?.reason));
      });
    const cache = new JwksCache({
      url: APPLE_JWKS_URL,
      fetch: hanging,
      now: Date.now,
      logger: quiet,
      timeoutMs: 50,
    });
    const started = Date.now();
    await expect(cache.getKey('apple-key-1')).rejects.toMatchObject({ code: 'unavailable' });
    expect(signal?.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('once keys expire, verifies with the held key while the refresh runs in the background', async () => {
    const apple = await FakeApple.create();
    apple.cacheControl = 'max-age=60';
    let now = 0;
    let release: () => void = () => {};
    let slow = false;
    const fetchJwks: typeof fetch = async (input, init) => {
      if (slow) await new Promise<void>((resolve) => (release = resolve));
      return apple.fetch(input, init);
    };
    const cache = new JwksCache({ url: APPLE_JWKS_URL, fetch: fetchJwks, now: () => now, logger: quiet });
    const first = await cache.getKey('apple-key-1');
    slow = true;
    now += 120_000;
    // Answers at once with the held key though the refresh has not come back.
    expect(await cache.getKey('apple-key-1')).toBe(first);
    expect(apple.fetchCount).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(apple.fetchCount).toBe(2);
    // An unknown kid still waits for keys (it may be a rotation).
    expect(await cache.getKey('nope')).toBeUndefined();
  });

  it('shares one fetch among concurrent callers', async () => {
    const apple = await FakeApple.create();
    const cache = new JwksCache({ url: APPLE_JWKS_URL, fetch: apple.fetch, now: Date.now, logger: quiet });
    await Promise.all(Array.from({ length: 20 }, () => cache.getKey('apple-key-1')));
    expect(apple.fetchCount).toBe(1);
  });

  it('serves stale keys through an outage, and fails closed with none', async () => {
    const apple = await FakeApple.create();
    apple.cacheControl = 'max-age=60';
    let now = 0;
    const cache = new JwksCache({ url: APPLE_JWKS_URL, fetch: apple.fetch, now: () => now, logger: quiet });
    expect(await cache.getKey('apple-key-1')).toBeDefined();
    apple.failWith = 503;
    now += 120_000;
    expect(await cache.getKey('apple-key-1')).toBeDefined();
    const empty = new JwksCache({ url: APPLE_JWKS_URL, fetch: apple.fetch, now: () => now, logger: quiet });
    await expect(empty.getKey('apple-key-1')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('with no keys yet, tries a failing JWKS at most once per 5 s, answering unavailable meanwhile', async () => {
    const apple = await FakeApple.create();
    apple.failWith = 503;
    let now = 0;
    const cache = new JwksCache({ url: APPLE_JWKS_URL, fetch: apple.fetch, now: () => now, logger: quiet });
    for (let i = 0; i < 10; i++) {
      await expect(cache.getKey(`forged-${i}`)).rejects.toMatchObject({ code: 'unavailable' });
      now += 400;
    }
    expect(apple.fetchCount).toBe(1);
    now += 1_001;
    apple.failWith = undefined;
    expect(await cache.getKey('apple-key-1')).toBeDefined();
    expect(apple.fetchCount).toBe(2);
  });
});
