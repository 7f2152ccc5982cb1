/**
 * @module connectors/salesforce/records
 * Maps relay messages onto Salesforce records: contact fields, and the Consent data model
 * (Individual, ContactPointTypeConsent, AuthorizationFormConsent). Pure functions, no I/O.
 * @see https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contactpointtypeconsent.htm
 */
import type { ConsentEventPayload, ContactData } from '../../src/relay/relay.ts';
import type { SalesforceConfig } from './manifest.ts';
import type { SObjectRecord } from './rest.ts';

const CUSTOM_FIELD = /^[A-Za-z][A-Za-z0-9_]{0,39}__c$/;

/** The contact object's fields for what the shopper told us; absent values are left alone. */
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
  for (const [key, value] of Object.entries(contact.custom ?? {})) {
    if (CUSTOM_FIELD.test(key)) set(key, value);
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
