/**
 * @module http/retry-after
 * The wait an outside service's `Retry-After` header asks for (RFC 9110 §10.2.3), one reading for
 * every port: delta-seconds, or an HTTP date read against `now` (the wall clock the date was
 * written on). Capped, so that a broken or hostile service cannot park work for days.
 */
const DEFAULT_CAP_MS = 3_600_000;

export function retryAfterMs(header: string | null | undefined, now: number, capMs = DEFAULT_CAP_MS) {
  const value = header?.trim();
  if (!value) return undefined;
  const ms = /^\d{1,9}$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, capMs) : undefined;
}
