/**
 * @module connectors/salesforce/client
 * Delivers a batch of relay messages to Salesforce in as few calls as the API allows: contacts
 * merged per customer and upserted 200 to a collection call; consents as collections of
 * Individuals, contact links, ContactPointTypeConsents and AuthorizationFormConsents, each upserted
 * by an external ID (the event id), so a replay updates instead of duplicating. Records that fail
 * inside a collection with a transient code are retried once, alone; what still fails goes back
 * to the relay per record. REQUEST_LIMIT_EXCEEDED backs off for an hour.
 */
import { err, ok, type Result } from '../../src/errors.ts';
import type { ContactData, RelayMessage } from '../../src/relay/relay.ts';
import {
  type ConnectorClient,
  type ConnectorRuntime,
  type DeliveryItem,
  type DeliveryResult,
  type ExportOutcome,
  faultText,
} from '../types.ts';
import { upsertGraph } from './graph.ts';
import type { SalesforceConfig } from './manifest.ts';
import { fromSave, orgCache, stripUndefined, verdictOf, withoutUnmapped } from './outcomes.ts';
import {
  AUTHORIZATION_FORM_NAME,
  anonymisedContact,
  authorizationFormConsent,
  contactFields,
  contactPointTypeConsent,
  individualFields,
  noticeTextName,
} from './records.ts';
import {
  chunks,
  SalesforceError,
  SalesforceRest,
  type SaveResult,
  type SObjectRecord,
  soqlString,
} from './rest.ts';

type Results = Map<string, DeliveryResult>;
type Of<K extends RelayMessage['kind']> = DeliveryItem & { message: Extract<RelayMessage, { kind: K }> };

const is =
  <K extends RelayMessage['kind']>(kind: K) =>
  (item: DeliveryItem): item is Of<K> =>
    item.message.kind === kind;

export class SalesforceClient implements ConnectorClient {
  readonly rest: SalesforceRest;
  private readonly config: SalesforceConfig;
  private readonly purposeIds: Map<string, string>;
  private readonly noticeIds: Map<string, string>;

  constructor(config: SalesforceConfig, runtime: ConnectorRuntime) {
    this.config = config;
    this.rest = new SalesforceRest(config, runtime);
    // Record ids of purposes and notice texts are stable per org: cached across batches.
    // Keyed by whose connector this is and by the org it points at (a PATCH can repoint it).
    const org = orgCache(
      `${runtime.scope ?? ''}|${config.loginUrl}|${config.instanceUrl ?? ''}|${config.clientId}`,
    );
    this.purposeIds = org.purposeIds;
    this.noticeIds = org.noticeIds;
  }

  async deliver(items: readonly DeliveryItem[]): Promise<DeliveryResult[]> {
    const results: Results = new Map();
    await this.guarded(items.filter(is('contact.upsert')), results, (batch) => this.contacts(batch, results));
    await this.guarded(items.filter(is('consent.recorded')), results, (batch) =>
      this.consents(batch, results),
    );
    await this.guarded(items.filter(is('erasure.requested')), results, (batch) =>
      this.erasures(batch, results),
    );
    for (const item of items.filter(is('consent.confirmation_requested'))) {
      results.set(item.envelopeId, {
        envelopeId: item.envelopeId,
        status: 'rejected',
        error: 'double opt-in mails are not sent through Salesforce; add a webhook connector',
      });
    }
    return [...results.values()];
  }

  /** Runs one step; whatever it leaves without a result gets the fault's verdict. */
  private async guarded<T extends DeliveryItem>(
    batch: T[],
    results: Results,
    step: (batch: T[]) => Promise<void>,
  ) {
    if (batch.length === 0) return;
    try {
      await step(batch);
    } catch (error) {
      for (const item of batch) {
        if (!results.has(item.envelopeId)) results.set(item.envelopeId, verdictOf(item.envelopeId, error));
      }
    }
  }

  private async contacts(all: Of<'contact.upsert'>[], results: Results) {
    const { config } = this;
    const batch = withoutUnmapped(config, all, results);
    // One record per customer: later messages win field by field, in order.
    const merged = new Map<string, ContactData>();
    for (const item of batch) {
      const { customerId, contact } = item.message;
      merged.set(customerId, { ...merged.get(customerId), ...stripUndefined(contact) });
    }
    const saved = new Map<string, SaveResult>();
    for (const chunk of chunks([...merged])) {
      // The Individual and the Contact that points at it travel in one composite call.
      const graph = await upsertGraph(this.rest, [
        {
          ref: 'individuals',
          sobject: 'Individual',
          field: config.externalIdField,
          records: chunk.map(([key]) => ({ key, record: individualFields(key) })),
        },
        {
          ref: 'contacts',
          sobject: config.contactObject,
          field: config.externalIdField,
          records: chunk.map(([key, contact]) => ({
            key,
            record: contactFields(config, contact),
            link: { field: 'IndividualId', ref: 'individuals', key },
          })),
        },
      ]);
      for (const [key, result] of graph.get('contacts') ?? []) saved.set(key, result);
    }
    for (const item of batch)
      results.set(item.envelopeId, fromSave(item.envelopeId, saved.get(item.message.customerId)));
  }

  private async consents(batch: Of<'consent.recorded'>[], results: Results) {
    const { config } = this;
    const purposes = await this.ensurePurposes(batch.map((i) => i.message.event.purpose));
    const notices = await this.ensureNotices(batch.map((i) => i.message.event.noticeVersion));
    for (const chunk of chunks(batch)) {
      const customers = [...new Set(chunk.map((i) => i.message.customerId))];
      const graph = await upsertGraph(this.rest, [
        {
          ref: 'individuals',
          sobject: 'Individual',
          field: config.externalIdField,
          records: customers.map((key) => ({ key, record: individualFields(key) })),
        },
        {
          ref: 'typeConsents',
          sobject: 'ContactPointTypeConsent',
          field: config.eventIdField,
          records: chunk.map(({ eventId, message }) => ({
            key: eventId,
            record: contactPointTypeConsent(config, message.event, purposes.get(message.event.purpose) ?? ''),
            link: { field: 'PartyId', ref: 'individuals', key: message.customerId },
          })),
        },
        {
          ref: 'formConsents',
          sobject: 'AuthorizationFormConsent',
          field: config.eventIdField,
          records: chunk.map(({ eventId, message }) => ({
            key: eventId,
            record: authorizationFormConsent(
              config,
              message.event,
              notices.get(message.event.noticeVersion) ?? '',
            ),
            link: { field: 'ConsentGiverId', ref: 'individuals', key: message.customerId },
          })),
        },
      ]);
      for (const item of chunk) {
        const typeConsent = graph.get('typeConsents')?.get(item.eventId);
        const formConsent = graph.get('formConsents')?.get(item.eventId);
        results.set(
          item.envelopeId,
          fromSave(item.envelopeId, typeConsent?.success ? formConsent : typeConsent),
        );
      }
    }
  }

  private async erasures(batch: Of<'erasure.requested'>[], results: Results) {
    const { config } = this;
    const customers = [...new Set(batch.map((i) => i.message.customerId))];
    const outcome = new Map<string, SaveResult>();
    for (const chunk of chunks(customers)) {
      if (config.erasureMode === 'delete') {
        for (const sobject of [config.contactObject, 'Individual']) {
          const found = await this.rest.query<{ Id: string }>(
            `SELECT Id FROM ${sobject} WHERE ${config.externalIdField} IN (${chunk.map(soqlString).join(',')})`,
          );
          if (found.length > 0) await this.rest.deleteCollection(found.map((r) => r.Id));
        }
        for (const key of chunk) outcome.set(key, { success: true, errors: [] });
        continue;
      }
      const graph = await upsertGraph(this.rest, [
        {
          ref: 'contacts',
          sobject: config.contactObject,
          field: config.externalIdField,
          records: chunk.map((key) => ({ key, record: anonymisedContact(config) })),
        },
        {
          ref: 'individuals',
          sobject: 'Individual',
          field: config.externalIdField,
          records: chunk.map((key) => ({ key, record: individualFields(key, true) })),
        },
      ]);
      for (const key of chunk) {
        const contact = graph.get('contacts')?.get(key);
        outcome.set(
          key,
          contact?.success ? (graph.get('individuals')?.get(key) as SaveResult) : (contact as SaveResult),
        );
      }
    }
    for (const item of batch)
      results.set(item.envelopeId, fromSave(item.envelopeId, outcome.get(item.message.customerId)));
  }

  /** DataUsePurpose ids by purpose key, created on first sight and cached. */
  private async ensurePurposes(keys: string[]): Promise<Map<string, string>> {
    return this.ensureNamed('DataUsePurpose', [...new Set(keys)], this.purposeIds, (name) => ({
      Name: name,
    }));
  }

  /** AuthorizationFormText ids by notice version, under one AuthorizationForm. */
  private async ensureNotices(versions: string[]): Promise<Map<string, string>> {
    const missing = [...new Set(versions)].filter((v) => !this.noticeIds.has(v));
    if (missing.length > 0) {
      const forms = await this.ensureNamed(
        'AuthorizationForm',
        [AUTHORIZATION_FORM_NAME],
        new Map(),
        (name) => ({ Name: name }),
      );
      const formId = forms.get(AUTHORIZATION_FORM_NAME) ?? '';
      const byName = await this.ensureNamed(
        'AuthorizationFormText',
        missing.map(noticeTextName),
        new Map(),
        (name) => ({
          Name: name,
          AuthorizationFormId: formId,
        }),
      );
      for (const v of missing) {
        const id = byName.get(noticeTextName(v));
        if (id) this.noticeIds.set(v, id);
      }
    }
    return this.noticeIds;
  }

  private async ensureNamed(
    sobject: string,
    names: string[],
    cache: Map<string, string>,
    make: (name: string) => SObjectRecord,
  ): Promise<Map<string, string>> {
    const missing = names.filter((n) => !cache.has(n));
    if (missing.length === 0) return cache;
    const found = await this.rest.query<{ Id: string; Name: string }>(
      `SELECT Id, Name FROM ${sobject} WHERE Name IN (${missing.map(soqlString).join(',')})`,
    );
    for (const r of found) cache.set(r.Name, r.Id);
    const create = missing.filter((n) => !cache.has(n));
    for (const chunk of chunks(create)) {
      const saved = await this.rest.createCollection(sobject, chunk.map(make));
      chunk.forEach((name, i) => {
        const id = saved[i]?.id;
        if (id) cache.set(name, id);
      });
    }
    return cache;
  }

  /**
   * The Contact by our external id (`GET /sobjects/{type}/{field}/{value}`, Salesforce's retrieve
   * by external ID): every field the org returns, without Salesforce's `attributes`.
   */
  async exportCustomer(customerId: string): Promise<ExportOutcome> {
    const { contactObject, externalIdField } = this.config;
    try {
      const record = await this.rest.call<Record<string, unknown>>(
        'GET',
        `/sobjects/${contactObject}/${externalIdField}/${encodeURIComponent(customerId)}`,
      );
      const { attributes: _, ...fields } = record;
      return { status: 'found', record: fields };
    } catch (error) {
      if (error instanceof SalesforceError && error.status === 404) return { status: 'absent' };
      return { status: 'failed', error: error instanceof SalesforceError ? error.message : faultText(error) };
    }
  }

  async testConnection(): Promise<Result<{ detail: string }>> {
    try {
      await this.rest.authenticate();
      await this.rest.query(`SELECT Id FROM ${this.config.contactObject} LIMIT 1`);
      return ok({ detail: 'authenticated and queried' });
    } catch (error) {
      const detail = error instanceof SalesforceError ? error.message : faultText(error);
      return err('unavailable', `Salesforce connection failed: ${detail}`);
    }
  }
}
