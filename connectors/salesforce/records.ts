/**
 * @module connectors/salesforce/records
 * Maps relay messages onto Salesforce records: contact fields, and the Consent data model
 * (Individual, ContactPointTypeConsent, AuthorizationFormConsent). Pure functions, no I/O.
 * @see https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contactpointtypeconsent.htm
 */
import type { ConsentEventPayload, ContactData } from '../../src/relay/relay.ts';
import type { SalesforceConfig } from './manifest.ts';
import type { SObjectRecord } from './rest.ts';

/**
 * Layout fields of a contact that have no Salesforce field: custom ones and preferredStore not in
 * `fieldMap`. A contact with any is refused whole rather than upserted without them.
 */
export function unmappedFields(config: SalesforceConfig, contact: ContactData): string[] {
  const given = (value: unknown) => value !== undefined && value !== '';
  const keys = Object.entries(contact.custom ?? {})
    .filter(([, value]) => given(value))
    .map(([key]) => key);
  if (given(contact.preferredStore)) keys.push('preferredStore');
  return keys.filter((key) => !Object.hasOwn(config.fieldMap, key));
}

/**
 * The contact object's fields for what the shopper told us; absent values are left alone. Layout
 * fields go to the custom fields `fieldMap` names (unmapped ones are refused before this).
 */
export function contactFields(config: SalesforceConfig, contact: ContactData): SObjectRecord {
  const lead = config.contactObject === 'Lead';
  const out: SObjectRecord = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined && value !== '') out[field] = value;
  };
  set('Email', contact.email);
  set('MobilePhone', contact.phone);
  set('FirstName', contact.firstName);
  set('LastName', contact.lastName);
  if (!lead) set('Birthdate', contact.birthDate);
  set(lead ? 'PostalCode' : 'MailingPostalCode', contact.postalCode);
  const mapped = (key: string) => (Object.hasOwn(config.fieldMap, key) ? config.fieldMap[key] : undefined);
  const store = mapped('preferredStore');
  if (store) set(store, contact.preferredStore);
  for (const [key, value] of Object.entries(contact.custom ?? {})) {
    const field = mapped(key);
    if (field) set(field, value);
  }
  return out;
}

/** What erasure leaves of a contact when the brand prefers anonymising to deleting. */
export function anonymisedContact(config: SalesforceConfig): SObjectRecord {
  const lead = config.contactObject === 'Lead';
  return {
    Email: null,
    MobilePhone: null,
    Phone: null,
    FirstName: null,
    LastName: 'Erased',
    ...(lead ? { PostalCode: null } : { Birthdate: null, MailingPostalCode: null }),
  };
}

/**
 * The Individual stands for the person in the Consent model; it carries our opaque customer ID
 * as its name, never the shopper's.
 */
export function individualFields(customerId: string, erased = false): SObjectRecord {
  return erased
    ? { LastName: 'Erased', ShouldForget: true, HasOptedOutProcessing: true }
    : { LastName: customerId };
}

export function channelOf(config: SalesforceConfig, purpose: string): string {
  const configured = config.purposeChannels[purpose];
  if (configured) return configured;
  if (/sms|phone|mobile|whatsapp/i.test(purpose)) return 'Phone';
  if (/post|mail(ing)?_?address|postal/i.test(purpose)) return 'MailingAddress';
  if (/web|push/i.test(purpose)) return 'Web';
  return 'Email';
}

export function contactPointTypeConsent(
  config: SalesforceConfig,
  event: ConsentEventPayload,
  purposeId: string,
): SObjectRecord {
  const granted = event.action === 'grant';
  return {
    Name: `${event.purpose} ${event.action}`.slice(0, 80),
    DataUsePurposeId: purposeId,
    ContactPointType: channelOf(config, event.purpose),
    PrivacyConsentStatus: granted ? 'OptIn' : 'OptOut',
    CaptureDate: event.capturedAt,
    CaptureSource: config.captureSource,
    CaptureContactPointType: 'Web',
    EffectiveFrom: event.capturedAt,
    ...(event.method === 'doi' ? { DoubleConsentCaptureDate: event.capturedAt } : {}),
  };
}

export function authorizationFormConsent(
  config: SalesforceConfig,
  event: ConsentEventPayload,
  formTextId: string,
): SObjectRecord {
  return {
    Name: `${event.purpose} notice ${event.noticeVersion}`.slice(0, 80),
    AuthorizationFormTextId: formTextId,
    ConsentCapturedDateTime: event.capturedAt,
    ConsentCapturedSource: config.captureSource,
    Status: event.action === 'grant' ? 'Signed' : 'Seen',
  };
}

/** AuthorizationFormText names are at most 80 characters; a notice version hash fits. */
export const noticeTextName = (noticeVersion: string) => `zeropass notice ${noticeVersion}`.slice(0, 80);
export const AUTHORIZATION_FORM_NAME = 'zeropass notices';
