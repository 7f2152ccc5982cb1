/**
 * @module loyalty/idempotent-write
 * Runs one ledger write under an Idempotency-Key: claim, execute once, and replay the outcome
 * (or the refusal) to every later request with the same key and payload. Emits `card.changed`
 * after a committed write, never on a replay.
 */
import type { AppDeps } from '../context.ts';
import { sha256Hex } from '../crypto.ts';
import { AppError, type ProblemCode, type Result } from '../errors.ts';
import {
  type Claim,
  claimKey,
  IDEMPOTENCY_KEY_PATTERN,
  idempotencyKeyHash,
  recordRefusal,
  releaseClaim,
} from './idempotency.ts';
import { type LedgerOutcome, loadOutcome } from './ledger.ts';

// Refusals that a retry with the same key can get past. A used rotating code is one: the code is
// consumed before the ledger batch, so a write that then failed must not pin its key to the refusal.
// So is a spend without a valid scan: the till scans again and retries the same sale's key.
const TRANSIENT = new Set<ProblemCode>([
  'rate_limited',
  'idempotency_conflict',
  'card_code_used',
  'scan_required',
  'scan_expired',
  'rotating_code_required',
]);

export type IdempotentRequest = {
  brandId: string;
  /** API key id of the device, or customer id of the shopper. */
  owner: string;
  key: string | undefined;
  /** What makes two requests "the same": the operation and its validated input. */
  operation: string;
  payload: unknown;
};

export async function idempotentWrite(
  deps: AppDeps,
  request: IdempotentRequest,
  run: (claim: Claim, now: number) => Promise<Result<LedgerOutcome>>,
): Promise<LedgerOutcome> {
  const { key, brandId, owner } = request;
  if (key === undefined) throw new AppError('idempotency_key_required');
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError('invalid_request', 'Idempotency-Key must be 8 to 255 printable ASCII characters');
  }
  const requestHash = await sha256Hex(JSON.stringify([request.operation, request.payload]));
  const now = deps.now();
  const keyHash = await idempotencyKeyHash(deps.pepper, brandId, owner, key);
  const claimed = await claimKey(deps.database, { brandId, owner, key: keyHash, requestHash, now });
  if (claimed.kind === 'refused') throw claimed.error;
  if (claimed.kind === 'replay') {
    const outcome = await loadOutcome(deps.database, brandId, claimed.entryId);
    if (!outcome) throw new Error('idempotency record points at a missing ledger entry');
    return outcome;
  }
  let result: Result<LedgerOutcome>;
  try {
    result = await run(claimed.claim, now);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) {
      await releaseClaim(deps.database, claimed.claim);
      throw error;
    }
    result = { ok: false, error };
  }
  if (!result.ok) {
    // Transient refusals free the key for a retry; definite ones are replayed as they are.
    if (TRANSIENT.has(result.error.code)) await releaseClaim(deps.database, claimed.claim);
    else await recordRefusal(deps.database, claimed.claim, result.error);
    throw result.error;
  }
  const { entry } = result.value;
  await deps.events.emit({
    type: 'card.changed',
    brandId,
    cardId: entry.cardId,
    entryId: entry.id,
    kind: entry.kind,
    points: entry.points,
    balance: entry.balanceAfter,
    at: new Date(entry.createdAt).toISOString(),
  });
  return result.value;
}
