/**
 * @module relay/delivery
 * The relay's delivery policy, run as the `relay.deliver` job (relay/delivery-job): open a batch
 * of envelopes, hand them to their connectors grouped by connector, and decide per envelope:
 * delivered, retry later (exponential backoff with jitter, at least what the CRM asked for), or
 * dead (rejected for good, or past its TTL). Attempts are counted by the jobs dispatcher.
 */
import { backoffMs, type DeliveryItem, type DeliveryResult, faultText } from '../../connectors/types.ts';
import { errorFields } from '../log/logger.ts';
import { disableConnector, loadConnector } from './connectors-store.ts';
import { type Envelope, openEnvelope } from './envelope.ts';
import type { RelayDeps } from './relay-deps.ts';

export type Verdict =
  | { envelope: Envelope; status: 'delivered' }
  | { envelope: Envelope; status: 'retry'; error: string; delayMs: number }
  | { envelope: Envelope; status: 'dead'; error: string };

/** `attempts` counts this attempt too (1 on the first delivery). */
export async function deliverEnvelopes(
  rd: RelayDeps,
  batch: readonly { envelope: Envelope; attempts: number }[],
): Promise<Verdict[]> {
  const groups = new Map<string, { envelope: Envelope; attempts: number }[]>();
  const verdicts: Verdict[] = [];
  const now = rd.now();
  for (const entry of batch) {
    // Past its TTL (e.g. the process was down for days): not attempted any more. Its dead letter
    // is written without the ciphertext (deadLetterInsert), so the PII does not outlive the TTL.
    if (entry.envelope.expiresAt <= now) {
      verdicts.push({
        envelope: entry.envelope,
        status: 'dead',
        error: `expired before delivery (${entry.attempts - 1} attempts)`,
      });
      continue;
    }
    const key = `${entry.envelope.brandId}\u0000${entry.envelope.connectorId}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const entries of groups.values()) verdicts.push(...(await deliverGroup(rd, entries)));
  const counts = { delivered: 0, retry: 0, dead: 0 };
  for (const v of verdicts) counts[v.status]++;
  rd.logger.info('relay batch delivered', { size: batch.length, ...counts });
  return verdicts;
}

async function deliverGroup(
  rd: RelayDeps,
  entries: { envelope: Envelope; attempts: number }[],
): Promise<Verdict[]> {
  const first = entries[0]?.envelope;
  if (!first) return [];
  const loaded = await loadConnector(rd, first.brandId, first.connectorId);
  if (!loaded.ok) {
    return entries.map(({ envelope }) => ({ envelope, status: 'dead', error: loaded.error.message }));
  }
  const verdicts: Verdict[] = [];
  const items: DeliveryItem[] = [];
  const byId = new Map<string, { envelope: Envelope; attempts: number }>();
  for (const entry of entries) {
    try {
      const message = await openEnvelope(rd.key, entry.envelope);
      items.push({ envelopeId: entry.envelope.id, eventId: entry.envelope.eventId, message });
      byId.set(entry.envelope.id, entry);
    } catch {
      verdicts.push({
        envelope: entry.envelope,
        status: 'dead',
        error: 'envelope does not open with the relay key',
      });
    }
  }
  if (items.length === 0) return verdicts;
  let results: DeliveryResult[];
  try {
    results = await loaded.value.client.deliver(items);
  } catch (error) {
    rd.logger.warn('connector threw', { connectorId: first.connectorId, ...errorFields(error) });
    const error_ = faultText(error);
    results = items.map((i) => ({ envelopeId: i.envelopeId, status: 'retry', error: error_ }));
  }
  const now = rd.now();
  let disabled = false;
  for (const result of results) {
    const entry = byId.get(result.envelopeId);
    if (!entry) continue;
    byId.delete(result.envelopeId);
    verdicts.push(judge(entry, result, now));
    if (result.status === 'disable' && !disabled) {
      disabled = true;
      await disableConnector(rd, first.brandId, first.connectorId, result.error);
    }
  }
  // A connector that forgot an item gets it again later rather than losing it.
  for (const entry of byId.values()) {
    verdicts.push(judge(entry, { envelopeId: entry.envelope.id, status: 'retry', error: 'no result' }, now));
  }
  return verdicts;
}

function judge(
  { envelope, attempts }: { envelope: Envelope; attempts: number },
  result: DeliveryResult,
  now: number,
): Verdict {
  switch (result.status) {
    case 'delivered':
      return { envelope, status: 'delivered' };
    case 'rejected':
    case 'disable':
      return { envelope, status: 'dead', error: result.error };
    case 'retry': {
      // Running out of attempts is the jobs dispatcher's call; the TTL is the relay's own.
      const delayMs = Math.max(backoffMs(attempts), result.retryAfterMs ?? 0);
      if (now + delayMs > envelope.expiresAt) {
        return { envelope, status: 'dead', error: `expired after ${attempts} attempts: ${result.error}` };
      }
      return { envelope, status: 'retry', error: result.error, delayMs };
    }
  }
}
