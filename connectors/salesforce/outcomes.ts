/**
 * @module connectors/salesforce/outcomes
 * Turning Salesforce answers into relay verdicts, and the per-org caches the client keeps.
 */

import { retryAfterMs } from '../../src/http/retry-after.ts';
import type { ContactData } from '../../src/relay/relay.ts';
import { type DeliveryItem, type DeliveryResult, faultText } from '../types.ts';
import { isTransient } from './graph.ts';
import type { SalesforceConfig } from './manifest.ts';
import { unmappedFields } from './records.ts';
import { SalesforceError, type SaveResult } from './rest.ts';

export const LIMIT_BACKOFF_MS = 60 * 60_000;

const orgs = new Map<string, { purposeIds: Map<string, string>; noticeIds: Map<string, string> }>();
export function orgCache(key: string) {
  let org = orgs.get(key);
  if (!org) {
    if (orgs.size >= 1_000) orgs.delete(orgs.keys().next().value ?? '');
    org = { purposeIds: new Map(), noticeIds: new Map() };
    orgs.set(key, org);
  }
  return org;
}

export function stripUndefined(contact: ContactData): ContactData {
  return Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) as ContactData;
}

export function fromSave(envelopeId: string, saved: SaveResult | undefined): DeliveryResult {
  if (saved?.success) return { envelopeId, status: 'delivered' };
  const code = saved?.errors[0]?.statusCode ?? 'NO_RESULT';
  if (!saved || isTransient(saved))
    return { envelopeId, status: 'retry', error: `salesforce record error ${code}` };
  return { envelopeId, status: 'rejected', error: `salesforce record error ${code}` };
}

export function verdictOf(envelopeId: string, error: unknown): DeliveryResult {
  if (error instanceof SalesforceError) {
    if (error.limitExceeded)
      return { envelopeId, status: 'retry', error: error.message, retryAfterMs: LIMIT_BACKOFF_MS };
    if (error.retryable) {
      const wait = retryAfterMs(error.retryAfter, Date.now());
      return { envelopeId, status: 'retry', error: error.message, ...(wait ? { retryAfterMs: wait } : {}) };
    }
    return { envelopeId, status: 'rejected', error: error.message };
  }
  if (error instanceof Error && error.name === 'OutboundRefused') {
    return { envelopeId, status: 'rejected', error: faultText(error) };
  }
  return { envelopeId, status: 'retry', error: faultText(error) };
}

/**
 * The contacts whose layout fields all have a Salesforce field. Each other one is rejected with a
 * text naming the unmapped keys (never their values): a dead letter the brand can retry once the
 * fields are mapped, where upserting the rest would have reported it delivered.
 */
export function withoutUnmapped<T extends DeliveryItem & { message: { contact: ContactData } }>(
  config: SalesforceConfig,
  items: T[],
  results: Map<string, DeliveryResult>,
): T[] {
  return items.filter((item) => {
    const unmapped = unmappedFields(config, item.message.contact);
    if (unmapped.length === 0) return true;
    const error = `layout fields with no Salesforce field in config.fieldMap: ${unmapped.join(', ')}`;
    results.set(item.envelopeId, { envelopeId: item.envelopeId, status: 'rejected', error });
    return false;
  });
}
