/**
 * @module connectors/salesforce/manifest
 * Salesforce: contacts upserted in sObject Collections by an external-ID field that holds the
 * zeropass customer ID; consents written into the Consent data model; erasure by anonymising or
 * deleting the Contact and Individual. OAuth 2.0 client credentials or JWT bearer.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
 */
import { importPKCS8 } from 'jose';
import { z } from 'zod';
import { err, ok } from '../../src/errors.ts';
import { CUSTOM_FIELD_KEY, isStandardField } from '../../src/layouts/vocabulary.ts';
import { checkOutboundUrl } from '../ssrf.ts';
import { type ConnectorManifest, secret } from '../types.ts';
import { SalesforceClient } from './client.ts';

const ApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'must be a Salesforce API name');
const Channel = z.enum(['Email', 'Phone', 'MailingAddress', 'Web', 'Social']);
/**
 * A custom field's API name: an optional managed-package namespace, a name of letters, digits and
 * single underscores (at most 40, starting with a letter, not ending with `_`), then `__c`.
 * Only custom fields: a layout field must not overwrite Email, OwnerId or another standard field.
 */
export const CUSTOM_FIELD_API_NAME = /^(?:[A-Za-z][A-Za-z0-9]{0,14}__)?[A-Za-z](?:_?[A-Za-z0-9]){0,39}__c$/;
/** Layout fields Salesforce has no standard field for: the brand's custom ones and preferredStore. */
const MappableKey = z
  .string()
  .regex(CUSTOM_FIELD_KEY, 'must be a layout field key')
  .refine((key) => !isStandardField(key) || key === 'preferredStore', 'is sent to a standard field');
const FieldMap = z
  .record(
    MappableKey,
    z.string().regex(CUSTOM_FIELD_API_NAME, 'must be a Salesforce custom field API name (…__c)'),
  )
  .refine((map) => Object.keys(map).length <= 100, 'at most 100 fields')
  // API names are case-insensitive in Salesforce.
  .refine((map) => new Set(Object.values(map).map((f) => f.toLowerCase())).size === Object.keys(map).length, {
    message: 'two layout fields map to the same Salesforce field',
  });

export const salesforceConfigSchema = z.object({
  authFlow: z.enum(['client_credentials', 'jwt_bearer']),
  loginUrl: z.url({ protocol: /^https?$/ }).default('https://login.salesforce.com'),
  /** Overrides the instance URL the token endpoint answers (e.g. behind a proxy). */
  instanceUrl: z.url({ protocol: /^https?$/ }).optional(),
  apiVersion: z
    .string()
    .regex(/^\d{2}\.0$/)
    .default('62.0'),
  clientId: z.string().min(1).max(300),
  clientSecret: secret(z.string().min(1).max(300).optional()),
  /**
   * The integration user for the JWT bearer flow (`sub` of the assertion). Sealed like a secret:
   * a Salesforce username is an email address.
   */
  username: secret(z.string().min(1).max(200).optional()),
  /** PKCS#8 PEM private key whose certificate is on the connected app (JWT bearer flow). */
  privateKey: secret(z.string().min(1).max(10_000).optional()),
  contactObject: z.enum(['Contact', 'Lead']).default('Contact'),
  /** External-ID field, on the contact object and on Individual, holding the zeropass customer ID. */
  externalIdField: ApiName.default('Zeropass_Customer_Id__c'),
  /** External-ID field on ContactPointTypeConsent and AuthorizationFormConsent holding the event ID. */
  eventIdField: ApiName.default('Zeropass_Event_Id__c'),
  captureSource: z.string().min(1).max(255).default('zeropass'),
  /** Contact point type per purpose; purposes not listed are guessed from their name. */
  purposeChannels: z.record(z.string(), Channel).default({}),
  /**
   * Layout field key → custom field API name on the contact object, e.g.
   * `{ favouriteStore: 'Favourite_Store__c' }`. A contact carrying a custom field (or
   * preferredStore) not listed here is rejected, so it shows as a dead letter, not as delivered.
   */
  fieldMap: FieldMap.default({}),
  erasureMode: z.enum(['anonymise', 'delete']).default('anonymise'),
  timeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
});
export type SalesforceConfig = z.infer<typeof salesforceConfigSchema>;

export const salesforceManifest: ConnectorManifest<typeof salesforceConfigSchema> = {
  type: 'salesforce',
  label: 'Salesforce',
  capabilities: { contacts: true, consents: true, erasure: true, export: true },
  configSchema: salesforceConfigSchema,
  async validate(config, runtime) {
    if (config.authFlow === 'client_credentials' && !config.clientSecret)
      return err('unprocessable', 'The client credentials flow needs clientSecret');
    if (config.authFlow === 'jwt_bearer' && (!config.username || !config.privateKey))
      return err('unprocessable', 'The JWT bearer flow needs username and privateKey');
    const ids = new Set([config.externalIdField.toLowerCase(), config.eventIdField.toLowerCase()]);
    const clash = Object.entries(config.fieldMap).find(([, field]) => ids.has(field.toLowerCase()));
    if (clash) return err('unprocessable', `fieldMap.${clash[0]} would overwrite the external-ID field`);
    // A key that does not import would fail every delivery as a "network error" until retries run out.
    if (config.authFlow === 'jwt_bearer' && config.privateKey) {
      try {
        await importPKCS8(config.privateKey, 'RS256');
      } catch {
        return err('unprocessable', 'privateKey is not a PKCS#8 RSA private key (PEM)');
      }
    }
    for (const url of [config.loginUrl, config.instanceUrl]) {
      if (!url) continue;
      const verdict = await checkOutboundUrl(url, runtime.resolveHost, runtime.allowHosts);
      if (!verdict.ok) return err('unprocessable', `The Salesforce URL is refused: ${verdict.reason}`);
    }
    return ok(undefined);
  },
  create: (config, runtime) => new SalesforceClient(config, runtime),
};
