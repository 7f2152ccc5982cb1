/**
 * @module layouts/submissions
 * A shopper submits a layout: values are checked against the definition (nothing undeclared,
 * nothing invalid: any fault refuses everything), the customer is created or linked, each ticked
 * box becomes a grant (or a pending double opt-in), a GPC signal becomes an opt-out of
 * sale_or_share, the values go to the relay only, and the answer carries a signed receipt.
 */
import { confirmationToken, insertConfirmation, newConfirmation } from '../consent/double-opt-in.ts';
import type { ConsentEventDraft } from '../consent/ledger.ts';
import { getPurposes } from '../consent/purposes.ts';
import { receiptSigner } from '../consent/receipt-keys.ts';
import { type ReceiptPurpose, signReceipt } from '../consent/receipts.ts';
import { recordConsentEvents } from '../consent/record.ts';
import type { AppDeps, ShopperPrincipal } from '../context.ts';
import { randomId } from '../crypto.ts';
import { customers } from '../db/schema/index.ts';
import { AppError, err, type FieldIssue, ok, type Result } from '../errors.ts';
import { type ShopperCard, shopperCard } from '../loyalty/shopper-card.ts';
import { getBrandBySlug } from '../tenancy/brands.ts';
import { getStore } from '../tenancy/stores.ts';
import { getLayout } from './definitions.ts';
import { checkFieldValues } from './field-values.ts';
import { pickLocale, presentNotices } from './presentation.ts';

export type SubmissionInput = {
  locale?: string | undefined;
  fields: Record<string, unknown>;
  consents: Record<string, boolean>;
  /**
   * The notice versions the shopper's screen showed. Every ticked purpose needs one (a grant is
   * proof only of the words it points at); a stale one is refused, not recorded.
   */
  noticeVersions: Record<string, string>;
  /** `navigator.globalPrivacyControl` as seen by the embedded form. */
  gpc?: boolean | undefined;
};

export type SubmissionFacts = {
  brand: string;
  layout: string;
  acceptLanguage: string | undefined;
  gpcHeader: boolean;
  ipPrefix: string | null;
  uaFamily: string | null;
  shopper: ShopperPrincipal | undefined;
};

export type SubmissionResult = {
  customerId: string;
  created: boolean;
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** The customer's loyalty card with its signed code, ready for the wallet pass or the till. */
  card: ShopperCard;
  consents: ReceiptPurpose[];
  receipt: string;
};

const refuse = (issues: FieldIssue[]) =>
  ({
    ok: false,
    error: new AppError('unprocessable', 'The submission does not match the layout', issues),
  }) as const;

export async function submitLayout(
  deps: AppDeps,
  facts: SubmissionFacts,
  input: SubmissionInput,
): Promise<Result<SubmissionResult>> {
  const brand = await getBrandBySlug(deps.database, facts.brand);
  const layout = brand && (await getLayout(deps.database, brand.id, facts.layout));
  if (!brand || !layout) return err('not_found', 'No such layout');
  if (facts.shopper && facts.shopper.brandId !== brand.id) {
    return err('forbidden', 'This session belongs to another brand');
  }

  // 1. Minimisation: refuse anything undeclared or invalid before touching storage or the relay.
  const checked = checkFieldValues(layout.fields, input.fields, deps.now());
  if (!checked.ok) return refuse(checked.issues);
  const unknownPurposes = Object.keys(input.consents).filter((p) => !layout.purposes.includes(p));
  if (unknownPurposes.length) {
    return refuse(
      unknownPurposes.map((p) => ({
        path: `json.consents.${p}`,
        message: 'this layout does not ask for this purpose',
      })),
    );
  }
  // A ticked box without the version of the notice beside it proves nothing: recording it against
  // whatever notice is current would claim the shopper read words we cannot show they saw.
  const unproven = Object.keys(input.consents).filter(
    (p) => input.consents[p] === true && !(Object.hasOwn(input.noticeVersions, p) && input.noticeVersions[p]),
  );
  if (unproven.length) {
    return refuse(
      unproven.map((p) => ({
        path: `json.noticeVersions.${p}`,
        message: 'a ticked purpose needs the version of the notice that was shown with it',
      })),
    );
  }
  const { storeId } = checked.value;
  if (storeId && !(await getStore(deps.database, brand.id, storeId))) {
    return refuse([{ path: 'json.fields.preferredStore', message: 'no such store' }]);
  }

  // 2. The words the shopper saw: the submitted versions must match what we render now.
  const gpc = facts.gpcHeader || input.gpc === true;
  const purposes = await getPurposes(deps.database, brand.id);
  const locale = pickLocale(layout, input.locale, facts.acceptLanguage);
  const notices = await presentNotices(brand, layout, purposes, locale, gpc ? ['sale_or_share'] : []);
  const stale = Object.entries(input.noticeVersions).filter(
    ([key, version]) => notices.purposes.find((p) => p.purpose === key)?.noticeVersion !== version,
  );
  if (stale.length) {
    return err(
      'conflict',
      `The notice for ${stale.map(([k]) => k).join(', ')} has changed; reload the layout`,
    );
  }

  // 3. The customer: the signed-in shopper, or a new one, written in the same batch as its events.
  const now = deps.now();
  const { db } = deps.database;
  const created = !facts.shopper;
  const customerId = facts.shopper?.customerId ?? randomId('cus');
  const before = created
    ? [db.insert(customers).values({ id: customerId, brandId: brand.id, createdAt: now })]
    : [];

  // 4. Events: one per ticked box (double opt-in purposes wait), plus the GPC opt-out.
  const common = {
    customerId,
    noticeVersion: '',
    jurisdiction: notices.template.jurisdiction,
    layoutId: layout.id,
    gpc,
    ipPrefix: facts.ipPrefix,
    uaFamily: facts.uaFamily,
  };
  const drafts: ConsentEventDraft[] = [];
  const pending: ReturnType<typeof newConfirmation>[] = [];
  const outcome = new Map<string, Pick<ReceiptPurpose, 'status' | 'method'>>();
  for (const notice of notices.purposes) {
    const ticked = input.consents[notice.purpose] === true;
    if (notice.purpose === 'sale_or_share' && gpc) {
      // The browser's Global Privacy Control signal is an opt-out that a ticked box cannot override.
      drafts.push({
        ...common,
        purpose: notice.purpose,
        action: 'withdraw',
        method: 'gpc',
        noticeVersion: notice.noticeVersion,
      });
      outcome.set(notice.purpose, { status: 'withdrawn', method: 'gpc' });
    } else if (ticked && notice.doubleOptIn) {
      const { jurisdiction, layoutId } = common;
      const { purpose, noticeVersion } = notice;
      pending.push(
        newConfirmation(
          { brandId: brand.id, customerId, purpose, noticeVersion, jurisdiction, layoutId },
          now,
        ),
      );
      outcome.set(notice.purpose, { status: 'pending', method: 'doi' });
    } else if (ticked) {
      drafts.push({
        ...common,
        purpose: notice.purpose,
        action: 'grant',
        method: 'checkbox',
        noticeVersion: notice.noticeVersion,
      });
      outcome.set(notice.purpose, { status: 'granted', method: 'checkbox' });
    } else {
      outcome.set(notice.purpose, { status: 'not_given', method: null });
    }
  }
  // One batch: the customer, its events and its pending confirmations land together or not at all.
  const after = pending.map((row) => insertConfirmation(deps.database, row));
  const events = await recordConsentEvents(deps, brand.id, drafts, { before, after });

  // 5. The values go to the relay, and only there.
  if (checked.value.count > 0) {
    await deps.relay.publish({
      kind: 'contact.upsert',
      brandId: brand.id,
      customerId,
      source: `layout:${layout.slug}`,
      contact: checked.value.contact,
    });
  }
  for (const row of pending) {
    const token = await confirmationToken(deps.pepper, row.id, row.expiresAt);
    await deps.relay.publish({
      kind: 'consent.confirmation_requested',
      brandId: brand.id,
      customerId,
      purpose: row.purpose,
      confirmUrl: `${deps.config.publicUrl}/consent/confirm/${token}`,
      expiresAt: new Date(row.expiresAt).toISOString(),
    });
  }

  // 6. The answer: a session for the customer and the signed receipt.
  const consents: ReceiptPurpose[] = notices.purposes.map((notice) => {
    const result = outcome.get(notice.purpose) ?? { status: 'not_given', method: null };
    return {
      purpose: notice.purpose,
      label: notice.label,
      ...result,
      noticeVersion: notice.noticeVersion,
      thirdPartyDisclosure: notice.purpose === 'sale_or_share',
      eventId: events.find((e) => e.purpose === notice.purpose)?.id ?? null,
    };
  });
  const signer = await receiptSigner(deps.database, deps.pepper, brand.id);
  const receipt = await signReceipt(signer, {
    issuer: deps.config.publicUrl,
    brand: { id: brand.id, slug: brand.slug, label: brand.label },
    customerId,
    jurisdiction: notices.template.jurisdiction,
    locale,
    layout: { id: layout.id, slug: layout.slug, title: layout.title },
    collectionMethod: gpc
      ? 'web form with Global Privacy Control signal'
      : 'web form, one unticked box per purpose',
    policyUrl: `${deps.config.publicUrl}/v1/layouts/${brand.slug}/${layout.slug}?locale=${locale}`,
    piiCategories: layout.fields.map((f) => f.key),
    purposes: consents,
    gpc,
    consentTimestampMs: now,
    ledgerHead: events.at(-1)?.hash ?? null,
  });
  const [session, card] = await Promise.all([
    deps.sessions.issue(customerId, brand.id, facts.shopper?.signedInAtMs),
    shopperCard(deps, brand.id, customerId, now),
  ]);
  return ok({ customerId, created, ...session, tokenType: 'Bearer', card, consents, receipt });
}
