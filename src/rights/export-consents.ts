/**
 * @module rights/export-consents
 * The consent part of an export. Events name the notice they answered by its hash only, so the
 * words are found again by rendering the bundled templates with the brand's labels and matching
 * the hash (a notice whose brand label has since changed no longer matches and shows null). The
 * receipt is a fresh signed statement of each purpose's current state, like the one handed out
 * at collection time: receipts are never stored, so past ones cannot be replayed from here.
 */
import type { ConsentEvent } from '../consent/ledger.ts';
import { getPurposes } from '../consent/purposes.ts';
import { receiptSigner } from '../consent/receipt-keys.ts';
import { type ReceiptPurpose, signReceipt } from '../consent/receipts.ts';
import { bundledTemplates, renderNotice } from '../consent/templates.ts';
import type { AppDeps } from '../context.ts';

export async function noticeTexts(
  deps: AppDeps,
  brandId: string,
  brandLabel: string,
  events: readonly ConsentEvent[],
): Promise<Map<string, { label: string; text: string }>> {
  const wanted = new Set(events.map((e) => e.noticeVersion));
  const found = new Map<string, { label: string; text: string }>();
  if (wanted.size === 0) return found;
  const purposes = await getPurposes(deps.database, brandId);
  const keys = [...new Set(events.map((e) => e.purpose))];
  for (const template of bundledTemplates().values()) {
    for (const locale of template.locales.keys()) {
      for (const key of keys) {
        try {
          const notice = await renderNotice(template, locale, key, {
            brand: brandLabel,
            purposeLabel: purposes.get(key)?.label ?? key,
          });
          if (wanted.has(notice.version))
            found.set(notice.version, { label: notice.label, text: notice.text });
        } catch {
          // This template has no section for the purpose in this locale: nothing to match.
        }
      }
      if (found.size === wanted.size) return found;
    }
  }
  return found;
}

export async function consentReceipt(
  deps: AppDeps,
  brand: { id: string; slug: string; label: string },
  customerId: string,
  events: readonly ConsentEvent[],
): Promise<string> {
  const latest = new Map(events.map((e) => [e.purpose, e]));
  const purposes: ReceiptPurpose[] = [...latest.values()].map((e) => ({
    purpose: e.purpose,
    label: e.purpose,
    status: e.action === 'grant' ? 'granted' : 'withdrawn',
    method: e.method,
    noticeVersion: e.noticeVersion,
    thirdPartyDisclosure: e.purpose === 'sale_or_share',
    eventId: e.id,
  }));
  const signer = await receiptSigner(deps.database, deps.pepper, brand.id);
  const last = events.at(-1);
  return signReceipt(signer, {
    issuer: deps.config.publicUrl,
    brand,
    customerId,
    jurisdiction: last?.jurisdiction ?? 'unknown',
    locale: 'en',
    layout: { id: 'export', slug: 'export', title: 'Data export' },
    collectionMethod: 'data subject access request',
    policyUrl: `${deps.config.publicUrl}/v1/me/export`,
    piiCategories: [],
    purposes,
    gpc: last?.gpc ?? false,
    consentTimestampMs: deps.now(),
    ledgerHead: last?.hash ?? null,
  });
}
