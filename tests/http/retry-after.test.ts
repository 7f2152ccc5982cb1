import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/http/retry-after.ts';

describe('Retry-After', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 5 ', now)).toBe(5_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('caps the wait, and ignores what asks for none or cannot be read', () => {
    expect(retryAfterMs('999999', now)).toBe(3_600_000);
    expect(retryAfterMs('60', now, 10_000)).toBe(10_000);
    for (const header of [null, undefined, '', '0', '-5', '1.5', 'soon', 'Sun, 06 Dec 2026 11:00:00 GMT'])
      expect(retryAfterMs(header, now)).toBeUndefined();
  });
});
