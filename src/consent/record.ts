/**
 * @module consent/record
 * Records consent events in the ledger, then relays each to the brand's CRM. Storage first: an
 * event the CRM heard about but the ledger lacks would be a claim without proof. Only events
 * actually written are relayed: a conditional append that wrote nothing sends nothing.
 */
import type { AppDeps } from '../context.ts';
import { type AppendOptions, appendEvents, type ConsentEvent, type ConsentEventDraft } from './ledger.ts';

export async function recordConsentEvents(
  deps: Pick<AppDeps, 'database' | 'relay' | 'now'>,
  brandId: string,
  drafts: ConsentEventDraft[],
  options: AppendOptions = {},
): Promise<ConsentEvent[]> {
  const events = await appendEvents(deps.database, brandId, drafts, deps.now(), options);
  for (const event of events) {
    await deps.relay.publish({
      kind: 'consent.recorded',
      brandId,
      customerId: event.customerId,
      event: {
        eventId: event.id,
        purpose: event.purpose,
        action: event.action,
        method: event.method,
        noticeVersion: event.noticeVersion,
        jurisdiction: event.jurisdiction,
        layoutId: event.layoutId ?? undefined,
        capturedAt: new Date(event.recordedAt).toISOString(),
      },
    });
  }
  return events;
}
