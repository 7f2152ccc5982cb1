/**
 * @module wallet/google/rate-gate
 * Spaces one brand's calls to Google Wallet at least 1/rate apart (20 per second by default), so a
 * campaign or a busy till never trips Google's per-issuer quota. The gate lives in the process
 * (Node) or isolate (Workers, where the queue consumer's concurrency bounds how many isolates
 * run a brand's jobs at once); 429s from Google still back off through the job queue.
 */
export class RateGate {
  private readonly next = new Map<string, number>();
  private readonly spacingMs: number;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number = Date.now) {
    this.spacingMs = 1000 / perSecond;
    this.now = now;
  }

  /** Resolves when the brand may make its next call. */
  async wait(key: string): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + this.spacingMs);
    if (this.next.size > 10_000) this.prune(now);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  private prune(now: number) {
    for (const [key, at] of this.next) if (at < now) this.next.delete(key);
  }
}
