/**
 * @module pos/scan-rate-limit
 * Per-device fixed-window limit on card-code checks (scan, and earn by code).
 *
 * Why in memory: the limit exists to make guessing codes pointless, and codes already carry a
 * 128-bit MAC or a one-time TOTP, so the limit is defence in depth, not the lock. A database
 * counter would put a write on every scan, the hottest path in the product. Per process (Node)
 * the limit is exact; on Workers it applies per isolate, so the effective ceiling is the limit
 * times the isolates serving one device (usually one or two: a till talks to its nearest colo).
 */

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(limit: number, windowMs = 60_000) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Counts one hit; answers how long to wait (ms) when over the limit, or 0. */
  hit(bucket: string, nowMs: number): number {
    const start = nowMs - (nowMs % this.windowMs);
    let window = this.windows.get(bucket);
    if (!window || window.start !== start) {
      if (this.windows.size > 10_000) this.prune(start);
      window = { start, count: 0 };
      this.windows.set(bucket, window);
    }
    window.count++;
    return window.count > this.limit ? start + this.windowMs - nowMs : 0;
  }

  /** Whole seconds until the current window ends: the Retry-After of a refusal. */
  retryAfterSeconds(nowMs: number): number {
    return Math.ceil((this.windowMs - (nowMs % this.windowMs)) / 1000);
  }

  private prune(currentStart: number) {
    for (const [bucket, window] of this.windows) {
      if (window.start !== currentStart) this.windows.delete(bucket);
    }
  }
}
