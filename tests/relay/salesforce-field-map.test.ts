/**
 * Hardening fault 11: layout custom fields reach Salesforce through the connector's `fieldMap`
 * (layout key → custom field API name, checked when the connector is defined). A contact carrying
 * a field with no mapping is not reported delivered without it: it becomes a dead letter that
 * names the field, and a retry after the mapping is added delivers it whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import {
  addConnector,
  createRelayApp,
  deliverAll,
  FakeSalesforce,
  salesforceConfig,
} from '../helpers/relay-fixtures.ts';
import { problemOf, type TestApp } from '../helpers/test-app.ts';

type DeadLetter = { id: string; kind: string; lastError: string; retryable: boolean };

const layout = {
  fields: [
    { key: 'email', required: true },
    { key: 'favouriteStore', required: false, type: 'text', label: 'Favourite store' },
    { key: 'shoeSize', required: false, type: 'number', label: 'Shoe size' },
  ],
};
const fieldMap = { favouriteStore: 'Favourite_Store__c', shoeSize: 'acme__Shoe_Size__c' };

describe(`Salesforce field map for layout fields (${runtime})`, () => {
  let t: TestApp;
  const sf = new FakeSalesforce();

  beforeAll(async () => {
    t = await createRelayApp({ connectorFetch: sf.fetch });
  });
  afterAll(() => t.close());

  const contactOf = (customerId: string) =>
    sf.records('Contact').find((r) => r.Zeropass_Customer_Id__c === customerId);
  const deadLetters = async (b: Provisioned) =>
    (
      (await (await t.request('/v1/admin/dead-letters', { token: b.adminKey })).json()) as {
        data: DeadLetter[];
      }
    ).data;
  const submitted = async (b: Provisioned, email: string) => {
    const res = await submit(t, b, {
      locale: 'en',
      fields: { email, favouriteStore: 'Rivoli', shoeSize: 42 },
      consents: { marketing_sms: false, profiling: false, sale_or_share: false },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as SubmissionResponse;
  };

  it('refuses a field map that is not layout keys onto custom field API names', async () => {
    const b = await t.brand('sfmapbad');
    const create = (map: Record<string, string>) =>
      t.request('/v1/admin/connectors', {
        method: 'POST',
        token: b.adminKey,
        json: { type: 'salesforce', label: 'sf', config: salesforceConfig(sf, { fieldMap: map }) },
      });
    const refused: Record<string, string>[] = [
      { favourite_store: 'Favourite_Store__c' },
      { email: 'Email__c' },
      { favouriteStore: 'Email' },
      { favouriteStore: 'Favourite_Store_c' },
      { favouriteStore: 'Favourite Store__c' },
      { favouriteStore: '_Store__c' },
      { favouriteStore: 'Store___c' },
      { favouriteStore: 'Store__c', shoeSize: 'STORE__c' },
    ];
    for (const map of refused) {
      const res = await create(map);
      expect(res.status, JSON.stringify(map)).toBe(400);
      const problem = (await problemOf(res)) as unknown as { errors: { path: string }[] };
      expect(problem.errors[0]?.path, JSON.stringify(map)).toMatch(/^config\.fieldMap/);
    }
    const clash = await create({ favouriteStore: 'zeropass_customer_id__c' });
    expect(clash.status).toBe(422);
    expect((await problemOf(clash)).detail).toMatch(/fieldMap\.favouriteStore/);
    const good = await create(fieldMap);
    expect(good.status).toBe(201);
    expect(((await good.json()) as { settings: { fieldMap: unknown } }).settings.fieldMap).toEqual(fieldMap);
  });

  it('sends mapped layout fields to their Salesforce fields', async () => {
    const b = await t.brand('sfmapped');
    await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf, { fieldMap }));
    await createLayout(t, b, layout);
    const { customerId } = await submitted(b, 'mapped@example.org');
    await deliverAll(t, 3);
    expect(contactOf(customerId)).toMatchObject({
      Email: 'mapped@example.org',
      Favourite_Store__c: 'Rivoli',
      acme__Shoe_Size__c: 42,
    });
    expect(await deadLetters(b)).toEqual([]);
  });

  it('dead-letters a contact with an unmapped field, naming it, and delivers it once mapped', async () => {
    const b = await t.brand('sfunmapped');
    const connector = await addConnector(t, b.adminKey, 'salesforce', salesforceConfig(sf));
    await createLayout(t, b, layout);
    const { customerId } = await submitted(b, 'unmapped@example.org');
    await deliverAll(t, 3);
    expect(contactOf(customerId)).toBeUndefined();
    const [letter, ...others] = (await deadLetters(b)).filter((d) => d.kind === 'contact.upsert');
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ retryable: true });
    expect(letter?.lastError).toMatch(/favouriteStore, shoeSize/);
    expect(letter?.lastError).not.toContain('Rivoli');

    const patched = await t.request(`/v1/admin/connectors/${connector.id}`, {
      method: 'PATCH',
      token: b.adminKey,
      json: { config: { fieldMap, clientSecret: sf.clientSecret } },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const retry = await t.request(`/v1/admin/dead-letters/${letter?.id}/retry`, {
      method: 'POST',
      token: b.adminKey,
    });
    expect(retry.status).toBe(202);
    await deliverAll(t, 3);
    expect(contactOf(customerId)).toMatchObject({
      Email: 'unmapped@example.org',
      Favourite_Store__c: 'Rivoli',
      acme__Shoe_Size__c: 42,
    });
    expect(await deadLetters(b)).toEqual([]);
  });
});
