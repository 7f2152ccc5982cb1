/**
 * @module rights/export
 * The right of access: everything zeropass holds on one customer, plus what each CRM connector
 * with the `export` capability holds, fetched at request time and handed straight to the caller
 * (never stored, never logged). Pseudonymous artefacts are shown as far as they identify nothing
 * more than needed: Apple device library ids truncated, push subscriptions as their origin only.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { faultText } from '../../connectors/types.ts';
import { customerEvents } from '../consent/ledger.ts';
import type { AppDeps } from '../context.ts';
import {
  applePasses,
  appleRegistrations,
  cards,
  googleWalletIssuers,
  googleWalletObjects,
  ledgerEntries,
  relayDeadLetters,
  vouchers,
} from '../db/schema/index.ts';
import { getCustomer } from '../identity/customers.ts';
import { listConnectors, loadConnector } from '../relay/connectors-store.ts';
import { getBrand } from '../tenancy/brands.ts';
import { consentReceipt, noticeTexts } from './export-consents.ts';
import { pushSubscriptionsOf } from './push-port.ts';

export type CrmExport = {
  connectorId: string;
  type: string;
  label: string;
  status: 'found' | 'absent' | 'failed';
  record: Record<string, unknown> | null;
  error: string | null;
};

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** A device library id shortened to its first 8 characters: enough to tell devices apart. */
export const truncatedDevice = (id: string) => `${id.slice(0, 8)}…`;

/** Builds the whole export; undefined when the brand has no such (un-erased) customer. */
export async function buildExport(deps: AppDeps, brandId: string, customerId: string) {
  const { db } = deps.database;
  const [customer, brand] = await Promise.all([
    getCustomer(deps.database, brandId, customerId),
    getBrand(deps.database, brandId),
  ]);
  if (!customer || !brand) return undefined;
  const [card] = await db
    .select()
    .from(cards)
    .where(and(eq(cards.brandId, brandId), eq(cards.customerId, customerId)));
  const cardIds = card ? [card.id] : [];
  const [ledger, voucherRows, passes, googleObjects, issuer, events] = await Promise.all([
    card
      ? db
          .select()
          .from(ledgerEntries)
          .where(and(eq(ledgerEntries.brandId, brandId), eq(ledgerEntries.cardId, card.id)))
          .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id))
      : [],
    card
      ? db
          .select()
          .from(vouchers)
          .where(and(eq(vouchers.brandId, brandId), eq(vouchers.cardId, card.id)))
      : [],
    cardIds.length
      ? db
          .select()
          .from(applePasses)
          .where(and(eq(applePasses.brandId, brandId), inArray(applePasses.cardId, cardIds)))
      : [],
    cardIds.length
      ? db
          .select()
          .from(googleWalletObjects)
          .where(and(eq(googleWalletObjects.brandId, brandId), inArray(googleWalletObjects.cardId, cardIds)))
      : [],
    db
      .select({ issuerId: googleWalletIssuers.issuerId })
      .from(googleWalletIssuers)
      .where(eq(googleWalletIssuers.brandId, brandId)),
    customerEvents(deps.database, brandId, customerId),
  ]);
  const serials = passes.map((p) => p.serial);
  const registrations = serials.length
    ? await db
        .select()
        .from(appleRegistrations)
        .where(and(eq(appleRegistrations.brandId, brandId), inArray(appleRegistrations.serial, serials)))
    : [];
  const eventIds = events.map((e) => e.id);
  // Envelopes are sealed and name no customer; the consent events' ids are how their failed
  // deliveries are found (a delivered envelope leaves nothing behind).
  const deadLetters = eventIds.length
    ? await db
        .select()
        .from(relayDeadLetters)
        .where(and(eq(relayDeadLetters.brandId, brandId), inArray(relayDeadLetters.eventId, eventIds)))
    : [];
  const [notices, receipt, push, crm] = await Promise.all([
    noticeTexts(deps, brandId, brand.label, events),
    consentReceipt(deps, brand, customerId, events),
    pushSubscriptionsOf(deps, brandId, customerId),
    crmExports(deps, brandId, customerId),
  ]);
  const issuerId = issuer[0]?.issuerId;
  return {
    exportedAt: iso(deps.now()),
    customer: {
      customerId: customer.id,
      brand: brand.slug,
      createdAt: iso(customer.createdAt),
      signInMethods: customer.appleLink ? ['apple'] : [],
    },
    card: card
      ? {
          cardId: card.id,
          status: card.status,
          points: card.points,
          lifetimePoints: card.lifetimePoints,
          createdAt: iso(card.createdAt),
        }
      : null,
    ledger: ledger.map((e) => ({
      entryId: e.id,
      kind: e.kind,
      points: e.points,
      balanceAfter: e.balanceAfter,
      amountMinor: e.amountMinor,
      currency: e.currency,
      receiptRef: e.receiptRef,
      voucherId: e.voucherId,
      reversesEntryId: e.reversesEntryId,
      storeId: e.storeId,
      createdAt: iso(e.createdAt),
    })),
    vouchers: voucherRows.map((v) => ({
      voucherId: v.id,
      label: v.label,
      status: v.status,
      issuedAt: iso(v.issuedAt),
      expiresAt: iso(v.expiresAt),
      redeemedAt: iso(v.redeemedAt),
    })),
    consentEvents: events.map((e) => ({
      eventId: e.id,
      purpose: e.purpose,
      action: e.action,
      method: e.method,
      jurisdiction: e.jurisdiction,
      gpc: e.gpc,
      ipPrefix: e.ipPrefix,
      uaFamily: e.uaFamily,
      recordedAt: iso(e.recordedAt),
      noticeVersion: e.noticeVersion,
      noticeLabel: notices.get(e.noticeVersion)?.label ?? null,
      noticeText: notices.get(e.noticeVersion)?.text ?? null,
      hash: e.hash,
    })),
    consentReceipt: { receipt },
    wallet: [
      ...passes.map((p) => ({
        wallet: 'apple' as const,
        id: p.serial,
        voided: p.voided,
        devices: registrations
          .filter((r) => r.serial === p.serial)
          .map((r) => truncatedDevice(r.deviceLibraryId))
          .join(', '),
        createdAt: iso(p.createdAt),
      })),
      ...googleObjects.map((o) => ({
        wallet: 'google' as const,
        id: issuerId ? `${issuerId}.${o.cardId}` : o.cardId,
        voided: false,
        devices: '',
        createdAt: iso(o.createdAt),
      })),
    ],
    pushSubscriptions: push.map((p) => ({ origin: p.origin, createdAt: iso(p.createdAt) })),
    relayDeliveries: deadLetters.map((d) => ({
      eventId: d.eventId,
      kind: d.kind,
      connectorId: d.connectorId,
      status: 'dead_letter',
      attempts: d.attempts,
      lastError: d.lastError,
      at: iso(d.deadAt),
    })),
    crm,
  };
}

export type DataExport = NonNullable<Awaited<ReturnType<typeof buildExport>>>;

/** Asks each enabled connector with the `export` capability, all at once; a failure is shown, not fatal. */
async function crmExports(deps: AppDeps, brandId: string, customerId: string): Promise<CrmExport[]> {
  const connectors = (await listConnectors(deps.relayDeps, brandId)).filter(
    (c) => c.enabled && c.capabilities.export,
  );
  return Promise.all(
    connectors.map(async (c): Promise<CrmExport> => {
      const base = { connectorId: c.id, type: c.type, label: c.label };
      const loaded = await loadConnector(deps.relayDeps, brandId, c.id);
      const client = loaded.ok ? loaded.value.client : undefined;
      if (!client?.exportCustomer) {
        const error = loaded.ok ? 'connector cannot export' : loaded.error.message;
        return { ...base, status: 'failed', record: null, error };
      }
      try {
        const outcome = await client.exportCustomer(customerId);
        if (outcome.status === 'found')
          return { ...base, status: 'found', record: outcome.record, error: null };
        if (outcome.status === 'absent') return { ...base, status: 'absent', record: null, error: null };
        return { ...base, status: 'failed', record: null, error: outcome.error };
      } catch (error) {
        return { ...base, status: 'failed', record: null, error: faultText(error) };
      }
    }),
  );
}
