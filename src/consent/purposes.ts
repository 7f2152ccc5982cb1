/**
 * @module consent/purposes
 * A brand's purposes: the five standard ones (always present, mapping overridable) plus custom
 * ones it defines. Each maps to a CRM channel and CRM purpose, carried on every relayed event.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { consentPurposes } from '../db/schema/index.ts';
import { err, ok, type Result } from '../errors.ts';
import {
  isStandardPurpose,
  PURPOSE_KEY,
  type PurposeMapping,
  STANDARD_PURPOSE_DEFAULTS,
  STANDARD_PURPOSES,
} from './purposes-vocabulary.ts';

export type Purpose = PurposeMapping & { purpose: string; kind: 'standard' | 'custom'; label: string | null };

/** Section names of the templates; a custom purpose may not take them. */
const RESERVED = new Set(['intro', 'custom']);

export async function listPurposes({ db }: Database, brandId: string): Promise<Purpose[]> {
  const rows = await db
    .select()
    .from(consentPurposes)
    .where(eq(consentPurposes.brandId, brandId))
    .orderBy(asc(consentPurposes.purpose));
  const byKey = new Map(rows.map((row) => [row.purpose, row]));
  const standard = STANDARD_PURPOSES.map((purpose): Purpose => {
    const row = byKey.get(purpose);
    const mapping = row
      ? { crmChannel: row.crmChannel, crmPurpose: row.crmPurpose, doubleOptIn: row.doubleOptIn }
      : STANDARD_PURPOSE_DEFAULTS[purpose];
    return { purpose, kind: 'standard', label: null, ...mapping };
  });
  const custom = rows
    .filter((row) => !isStandardPurpose(row.purpose))
    .map(
      (row): Purpose => ({
        purpose: row.purpose,
        kind: 'custom',
        label: row.label,
        crmChannel: row.crmChannel,
        crmPurpose: row.crmPurpose,
        doubleOptIn: row.doubleOptIn,
      }),
    );
  return [...standard, ...custom];
}

export async function getPurposes(database: Database, brandId: string): Promise<Map<string, Purpose>> {
  return new Map((await listPurposes(database, brandId)).map((p) => [p.purpose, p]));
}

export type PurposeInput = {
  label?: string | undefined;
  crmChannel: string;
  crmPurpose: string;
  doubleOptIn?: boolean | undefined;
};

/** Creates a custom purpose or sets the CRM mapping of any purpose. */
export async function putPurpose(
  { db }: Database,
  brandId: string,
  purpose: string,
  input: PurposeInput,
  now: number,
): Promise<Result<Purpose>> {
  if (!PURPOSE_KEY.test(purpose) || RESERVED.has(purpose)) {
    return err('invalid_request', 'A purpose key is 2–40 lowercase letters, digits and underscores');
  }
  const standard = isStandardPurpose(purpose);
  if (standard && input.label !== undefined) {
    return err('unprocessable', 'Standard purposes take their label from the notice template');
  }
  if (!standard && !input.label) return err('unprocessable', 'A custom purpose needs a label');
  const values = {
    label: standard ? null : (input.label ?? null),
    crmChannel: input.crmChannel,
    crmPurpose: input.crmPurpose,
    doubleOptIn: input.doubleOptIn ?? (standard ? STANDARD_PURPOSE_DEFAULTS[purpose].doubleOptIn : false),
    updatedAt: now,
  };
  await db
    .insert(consentPurposes)
    .values({ brandId, purpose, ...values })
    .onConflictDoUpdate({ target: [consentPurposes.brandId, consentPurposes.purpose], set: values });
  const [row] = await db
    .select()
    .from(consentPurposes)
    .where(and(eq(consentPurposes.brandId, brandId), eq(consentPurposes.purpose, purpose)));
  if (!row) throw new Error('purpose vanished after upsert');
  return ok({
    purpose,
    kind: standard ? 'standard' : 'custom',
    label: row.label,
    crmChannel: row.crmChannel,
    crmPurpose: row.crmPurpose,
    doubleOptIn: row.doubleOptIn,
  });
}
