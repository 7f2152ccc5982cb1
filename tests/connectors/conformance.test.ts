/**
 * One conformance suite for every connector, each against its local fake: the manifest is
 * well-formed (secrets marked), the connection test tells good credentials from bad, a contact is
 * delivered and a replay of the same event does not duplicate it, an outage answers `retry` for
 * every item (never `delivered`, never a throw), and there is one result per item.
 */
import { describe, expect, it } from 'vitest';
import { y2CustomerCode } from '../../connectors/cegid-y2/client.ts';
import { connectorRegistry } from '../../connectors/registry.ts';
import { type ConnectorRuntime, type DeliveryItem, secretKeys } from '../../connectors/types.ts';
import { createLogger } from '../../src/log/logger.ts';
import { CEGID_URL, FakeCegidY2 } from '../helpers/fake-cegid-y2.ts';
import { FakeSalesforce } from '../helpers/fake-salesforce.ts';
import {
  FakeWebhookReceiver,
  fixedResolver,
  newWebhookSecret,
  PUBLIC_IP,
  WEBHOOK_URL,
} from '../helpers/fake-webhook-receiver.ts';
import { EVERY_FAULT, type Fault, FaultPlan, faultName } from '../helpers/fault-injection.ts';

type Subject = {
  type: 'salesforce' | 'webhook' | 'cegid-y2';
  config: Record<string, unknown>;
  badConfig: Record<string, unknown>;
  fetch: typeof fetch;
  /** How many times the CRM holds (or received) this contact. */
  copies: (customerId: string, eventId: string) => number | Promise<number>;
  breakIt: () => void;
  fixIt: () => void;
  /** Whether the CRM's answer body decides the outcome (a webhook's 200 is enough on its own). */
  readsBody: boolean;
};

function salesforce(): Subject {
  const sf = new FakeSalesforce();
  const config = {
    authFlow: 'client_credentials',
    loginUrl: sf.baseUrl,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
    timeoutMs: 1_000,
  };
  return {
    type: 'salesforce',
    readsBody: true,
    config,
    badConfig: { ...config, clientSecret: 'nope' },
    fetch: sf.fetch,
    copies: (customerId) =>
      sf.records('Contact').filter((c) => c.Zeropass_Customer_Id__c === customerId).length,
    breakIt: () => {
      sf.outage = { status: 503, errorCode: 'SERVER_UNAVAILABLE' };
    },
    fixIt: () => {
      sf.outage = undefined;
    },
  };
}

function webhook(): Subject {
  const secret = newWebhookSecret();
  const receiver = new FakeWebhookReceiver([secret]);
  return {
    type: 'webhook',
    readsBody: false,
    config: { url: WEBHOOK_URL, secret },
    badConfig: { url: 'https://unknown.example/hook', secret },
    fetch: receiver.fetch,
    copies: (_customerId, eventId) => receiver.received.filter((r) => r.id === eventId).length,
    breakIt: () => {
      receiver.answerStatus = 503;
    },
    fixIt: () => {
      receiver.answerStatus = 200;
    },
  };
}

function cegid(): Subject {
  const y2 = new FakeCegidY2();
  const config = {
    baseUrl: CEGID_URL,
    database: y2.database,
    login: y2.login,
    password: y2.password,
    timeoutMs: 1_000,
  };
  return {
    type: 'cegid-y2',
    readsBody: true,
    config,
    badConfig: { ...config, password: 'wrong' },
    fetch: y2.fetch,
    copies: async (customerId) => (y2.customers.has(await y2CustomerCode(customerId)) ? 1 : 0),
    breakIt: () => {
      y2.outageStatus = 503;
    },
    fixIt: () => {
      y2.outageStatus = undefined;
    },
  };
}

const runtimeWith = (fetcher: typeof fetch): ConnectorRuntime => ({
  fetch: fetcher,
  now: Date.now,
  logger: createLogger({ sink: () => {} }),
  resolveHost: fixedResolver({ 'hooks.brand.example': [PUBLIC_IP] }),
  allowHosts: [],
});

let n = 0;
const contactItem = (customerId: string): DeliveryItem => ({
  envelopeId: `env_${n++}`,
  eventId: `evt_conf${n++}`,
  message: {
    kind: 'contact.upsert',
    brandId: 'brd_conformance',
    customerId,
    source: 'layout',
    contact: { email: `${customerId}@example.com`, firstName: 'Ada', lastName: 'Lovelace' },
  },
});

describe.each([salesforce, webhook, cegid])('connector conformance: %o', (make) => {
  const subject = make();
  const manifest = connectorRegistry[subject.type];
  const client = () =>
    manifest.create(manifest.configSchema.parse(subject.config), runtimeWith(subject.fetch));

  it('has a manifest whose schema accepts the config and marks its secrets', () => {
    expect(manifest.type).toBe(subject.type);
    expect(manifest.capabilities.contacts).toBe(true);
    expect(manifest.configSchema.safeParse(subject.config).success).toBe(true);
    expect(secretKeys(manifest.configSchema).length).toBeGreaterThan(0);
  });

  it('passes the connection test with good config and fails it with bad', async () => {
    expect((await client().testConnection()).ok).toBe(true);
    const bad = manifest.create(manifest.configSchema.parse(subject.badConfig), runtimeWith(subject.fetch));
    expect((await bad.testConnection()).ok).toBe(false);
  });

  it('delivers a contact, and a replay of the same event does not duplicate it', async () => {
    const item = contactItem(`cus_conf${subject.type.replace('-', '')}00000001`);
    const first = await client().deliver([item]);
    expect(first).toEqual([{ envelopeId: item.envelopeId, status: 'delivered' }]);
    const again = await client().deliver([item]);
    expect(again).toEqual([{ envelopeId: item.envelopeId, status: 'delivered' }]);
    if (item.message.kind !== 'contact.upsert') throw new Error('unreachable');
    expect(await subject.copies(item.message.customerId, item.eventId)).toBe(1);
  });

  it('answers retry for every item during an outage, one result per item, and recovers', async () => {
    const items = [contactItem('cus_confoutage00000000001'), contactItem('cus_confoutage00000000002')];
    subject.breakIt();
    const results = await client().deliver(items);
    expect(results.map((r) => r.status)).toEqual(['retry', 'retry']);
    expect(new Set(results.map((r) => r.envelopeId))).toEqual(new Set(items.map((i) => i.envelopeId)));
    subject.fixIt();
    const recovered = await client().deliver(items);
    expect(recovered, JSON.stringify(recovered)).toEqual(
      items.map((i) => ({ envelopeId: i.envelopeId, status: 'delivered' })),
    );
  });

  // Issue 16, Build 4: what a network and a struggling CRM do, one fault per call.
  const expected: [string, Fault, RegExp][] = EVERY_FAULT.map((fault) => {
    const name = faultName(fault);
    const text = { timeout: /timeout/, reset: /network error/, 'slow-body': /timeout/ }[name];
    return [
      name,
      fault,
      text ?? (typeof fault === 'string' ? /MALFORMED|SOAP response/ : new RegExp(String(fault.status))),
    ];
  });
  it.each(expected)(
    'meets %s with a clear retry (never delivered unread), then delivers once',
    async (name, fault, text) => {
      const item = contactItem(`cus_conffault${name.replace(/\W/g, '')}${subject.type.replace('-', '')}`);
      const plan = new FaultPlan().inject(fault);
      const faulty = manifest.create(
        manifest.configSchema.parse(subject.config),
        runtimeWith(plan.wrap(subject.fetch)),
      );
      const [result] = await faulty.deliver([item]);
      expect(plan.served).toHaveLength(1);
      const bodyFault = fault === 'slow-body' || fault === 'malformed-json';
      if (bodyFault && !subject.readsBody) {
        // A webhook receiver that answered 200 has the event, whatever its body says.
        expect(result).toEqual({ envelopeId: item.envelopeId, status: 'delivered' });
        return;
      }
      expect(result).toMatchObject({
        envelopeId: item.envelopeId,
        status: 'retry',
        error: expect.stringMatching(text),
      });
      if (typeof fault === 'object' && fault.retryAfter && result?.status === 'retry') {
        expect(result.retryAfterMs).toBeGreaterThanOrEqual(1_000);
      }
      expect(await faulty.deliver([item])).toEqual([{ envelopeId: item.envelopeId, status: 'delivered' }]);
      if (item.message.kind !== 'contact.upsert') throw new Error('unreachable');
      expect(await subject.copies(item.message.customerId, item.eventId)).toBe(1);
    },
  );
});
