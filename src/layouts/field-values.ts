/**
 * @module layouts/field-values
 * Checks a submission's values against the layout (data minimisation): only declared fields,
 * every required one, each value valid for its type and within its length. Any fault refuses the
 * whole submission before anything is written or relayed. Valid values become `ContactData` for
 * the relay; they are never stored.
 */
import type { LayoutField } from '../db/schema/index.ts';
import type { FieldIssue } from '../errors.ts';
import type { ContactData } from '../relay/relay.ts';
import { isStandardField } from './vocabulary.ts';

type Value = string | number | boolean;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{5,30}$/;
const POSTAL = /^[A-Za-z0-9][A-Za-z0-9 -]{1,15}$/;
const STORE_ID = /^sto_[0-9a-z]{26}$/;
// Control characters have no place in a name or a note, and some CRMs choke on them.
const CONTROL = /\p{Cc}/u;

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function check(field: LayoutField, value: unknown, today: string): { value?: Value; message?: string } {
  if (field.type === 'boolean')
    return typeof value === 'boolean' ? { value } : { message: 'must be true or false' };
  if (field.type === 'number') {
    return typeof value === 'number' && Number.isFinite(value) ? { value } : { message: 'must be a number' };
  }
  if (typeof value !== 'string') return { message: 'must be a string' };
  const text = value.trim();
  if (field.maxLength !== undefined && text.length > field.maxLength) {
    return { message: `must be at most ${field.maxLength} characters` };
  }
  if (CONTROL.test(text)) return { message: 'must not contain control characters' };
  switch (field.type) {
    case 'email':
      return EMAIL.test(text) ? { value: text } : { message: 'must be an email address' };
    case 'phone':
      return PHONE.test(text) ? { value: text } : { message: 'must be a phone number' };
    case 'postal_code':
      return POSTAL.test(text) ? { value: text } : { message: 'must be a postal code' };
    case 'store':
      return STORE_ID.test(text) ? { value: text } : { message: 'must be a store id' };
    case 'date':
      if (!isRealDate(text)) return { message: 'must be a date as YYYY-MM-DD' };
      if (field.key === 'birthDate' && (text >= today || text < '1900-01-01'))
        return { message: 'must be a past date' };
      return { value: text };
    case 'choice':
      return field.options?.includes(text)
        ? { value: text }
        : { message: `must be one of ${field.options?.join(', ')}` };
    default:
      return { value: text };
  }
}

export type CheckedFields = { contact: ContactData; storeId: string | undefined; count: number };

export function checkFieldValues(
  fields: LayoutField[],
  values: Record<string, unknown>,
  now: number,
): { ok: true; value: CheckedFields } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const declared = new Map(fields.map((f) => [f.key, f]));
  for (const key of Object.keys(values)) {
    if (!declared.has(key))
      issues.push({ path: `json.fields.${key}`, message: 'this layout does not collect this field' });
  }
  const today = new Date(now).toISOString().slice(0, 10);
  const contact: ContactData = {};
  const custom: Record<string, Value> = {};
  let count = 0;
  for (const field of fields) {
    // Own properties only: a field named like an Object.prototype member must not read it.
    const raw = Object.hasOwn(values, field.key) ? values[field.key] : undefined;
    const absent = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (absent) {
      if (field.required) issues.push({ path: `json.fields.${field.key}`, message: 'is required' });
      continue;
    }
    const checked = check(field, raw, today);
    if (checked.message !== undefined || checked.value === undefined) {
      issues.push({ path: `json.fields.${field.key}`, message: checked.message ?? 'is invalid' });
      continue;
    }
    count++;
    if (isStandardField(field.key)) contact[field.key] = String(checked.value);
    else custom[field.key] = checked.value;
  }
  if (issues.length) return { ok: false, issues };
  if (Object.keys(custom).length) contact.custom = custom;
  return { ok: true, value: { contact, storeId: contact.preferredStore, count } };
}
