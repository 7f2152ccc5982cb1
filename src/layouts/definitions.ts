/**
 * @module layouts/definitions
 * Layout definitions: which fields a form collects (from the vocabulary or custom with a type),
 * which purposes it asks about, which notice template and which locales. A definition is checked
 * against the brand's purposes and the bundled templates before it is saved.
 */
import { and, asc, eq } from 'drizzle-orm';
import { getPurposes } from '../consent/purposes.ts';
import { SUPPORTED_LOCALES } from '../consent/purposes-vocabulary.ts';
import { bundledTemplates } from '../consent/templates.ts';
import { randomId } from '../crypto.ts';
import type { Database } from '../db/database.ts';
import { type LayoutField, type LayoutFieldType, layouts } from '../db/schema/index.ts';
import { AppError, type FieldIssue, ok, type Result } from '../errors.ts';
import { DEFAULT_CUSTOM_TEXT_LENGTH, isStandardField, STANDARD_FIELDS } from './vocabulary.ts';

export type Layout = typeof layouts.$inferSelect;

export type LayoutFieldInput = {
  key: string;
  required: boolean;
  type?: 'text' | 'number' | 'boolean' | 'date' | 'choice' | undefined;
  label?: string | undefined;
  maxLength?: number | undefined;
  options?: string[] | undefined;
};

export type LayoutInput = {
  slug: string;
  title: string;
  fields: LayoutFieldInput[];
  purposes: string[];
  template: string;
  locales: string[];
};

const unprocessable = (issues: FieldIssue[]) =>
  ({
    ok: false,
    error: new AppError('unprocessable', 'The layout definition is not valid', issues),
  }) as const;

async function normalise(
  database: Database,
  brandId: string,
  input: LayoutInput,
): Promise<Result<{ fields: LayoutField[]; purposes: string[]; locales: string[] }>> {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const fields: LayoutField[] = input.fields.map((field, i) => {
    const at = `json.fields.${i}`;
    if (seen.has(field.key)) issues.push({ path: `${at}.key`, message: `field ${field.key} appears twice` });
    seen.add(field.key);
    if (isStandardField(field.key)) {
      if (field.type || field.label || field.options || field.maxLength) {
        issues.push({ path: at, message: `${field.key} is a standard field: only key and required apply` });
      }
      const standard = STANDARD_FIELDS[field.key];
      return {
        key: field.key,
        type: standard.type,
        required: field.required,
        custom: false,
        maxLength: standard.maxLength,
      };
    }
    if (!field.type) issues.push({ path: `${at}.type`, message: 'a custom field needs a type' });
    if (!field.label) issues.push({ path: `${at}.label`, message: 'a custom field needs a label' });
    if (field.type === 'choice' && !field.options?.length) {
      issues.push({ path: `${at}.options`, message: 'a choice field needs options' });
    }
    if (field.type !== 'choice' && field.options)
      issues.push({ path: `${at}.options`, message: 'only choice fields have options' });
    const type: LayoutFieldType = field.type ?? 'text';
    return {
      key: field.key,
      type,
      required: field.required,
      custom: true,
      label: field.label,
      maxLength: type === 'text' ? (field.maxLength ?? DEFAULT_CUSTOM_TEXT_LENGTH) : undefined,
      options: field.options,
    };
  });
  const known = await getPurposes(database, brandId);
  input.purposes.forEach((purpose, i) => {
    if (!known.has(purpose))
      issues.push({ path: `json.purposes.${i}`, message: `no purpose ${purpose}; define it first` });
  });
  if (new Set(input.purposes).size !== input.purposes.length)
    issues.push({ path: 'json.purposes', message: 'a purpose appears twice' });
  if (!bundledTemplates().has(input.template)) {
    issues.push({
      path: 'json.template',
      message: `no template ${input.template}; one of ${[...bundledTemplates().keys()].join(', ')}`,
    });
  }
  input.locales.forEach((locale, i) => {
    if (!(SUPPORTED_LOCALES as readonly string[]).includes(locale)) {
      issues.push({ path: `json.locales.${i}`, message: `must be one of ${SUPPORTED_LOCALES.join(', ')}` });
    }
  });
  if (issues.length) return unprocessable(issues);
  return ok({ fields, purposes: input.purposes, locales: [...new Set(input.locales)] });
}

export async function createLayout(
  database: Database,
  brandId: string,
  input: LayoutInput,
  now: number,
): Promise<Result<Layout>> {
  const normal = await normalise(database, brandId, input);
  if (!normal.ok) return normal;
  const [row] = await database.db
    .insert(layouts)
    .values({
      id: randomId('lay'),
      brandId,
      slug: input.slug,
      title: input.title,
      templateId: input.template,
      ...normal.value,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [layouts.brandId, layouts.slug] })
    .returning();
  return row ? ok(row) : { ok: false, error: new AppError('conflict', `A layout "${input.slug}" exists`) };
}

export async function replaceLayout(
  database: Database,
  brandId: string,
  input: LayoutInput,
  now: number,
): Promise<Result<Layout>> {
  const normal = await normalise(database, brandId, input);
  if (!normal.ok) return normal;
  const [row] = await database.db
    .update(layouts)
    .set({ title: input.title, templateId: input.template, ...normal.value, updatedAt: now })
    .where(and(eq(layouts.brandId, brandId), eq(layouts.slug, input.slug)))
    .returning();
  return row ? ok(row) : { ok: false, error: new AppError('not_found', 'No such layout') };
}

export async function getLayout(
  { db }: Database,
  brandId: string,
  slug: string,
): Promise<Layout | undefined> {
  const [row] = await db
    .select()
    .from(layouts)
    .where(and(eq(layouts.brandId, brandId), eq(layouts.slug, slug)));
  return row;
}

export async function listLayouts({ db }: Database, brandId: string): Promise<Layout[]> {
  return db.select().from(layouts).where(eq(layouts.brandId, brandId)).orderBy(asc(layouts.slug));
}
