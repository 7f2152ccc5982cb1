import { describe, expect, it } from 'vitest';
import { CegidY2Client, y2CustomerCode } from '../../connectors/cegid-y2/client.ts';
import { createLogger } from '../../src/log/logger.ts';
import { CEGID_URL, FakeCegidY2 } from '../helpers/fake-cegid-y2.ts';
import { consentEvent } from '../helpers/relay-fixtures.ts';

describe('Cegid Y2 connector', () => {
  const y2 = new FakeCegidY2();
  const client = new CegidY2Client(
    { baseUrl: CEGID_URL, database: y2.database, login: y2.login, password: y2.password, timeoutMs: 1_000 },
    {
      fetch: y2.fetch,
      now: Date.now,
      logger: createLogger({ sink: () => {} }),
      resolveHost: async () => [],
      allowHosts: [],
    },
  );
  const customerId = 'cus_y2mapping000000000000001';

  it('creates the customer with its contact fields, then updates it in place', async () => {
    const item = (email: string, n: number) => ({
      envelopeId: `env_${n}`,
      eventId: `evt_${n}`,
      message: {
        kind: 'contact.upsert' as const,
        brandId: 'brd_y2',
        customerId,
        source: 'layout',
        contact: { email, firstName: 'Zoé & Co', postalCode: '75001' },
      },
    });
    expect((await client.deliver([item('a@example.com', 1)]))[0]?.status).toBe('delivered');
    expect((await client.deliver([item('b@example.com', 2)]))[0]?.status).toBe('delivered');
    expect(y2.creates).toBe(1);
    expect(y2.customers.get(await y2CustomerCode(customerId))).toMatchObject({
      Email: 'b@example.com',
      FirstName: 'Zoé &amp; Co',
      ZipCode: '75001',
    });
  });

  it('maps consents_email/post/sms onto OptinEmail/OptinPostal/OptinMobile', async () => {
    const results = await client.deliver(
      (
        [
          ['consents_email', 'grant'],
          ['consents_post', 'withdraw'],
          ['consents_sms', 'grant'],
          ['loyalty_profiling', 'grant'],
        ] as const
      ).map(([purpose, action], i) => ({
        envelopeId: `env_c${i}`,
        eventId: `evt_c${i}`,
        message: {
          kind: 'consent.recorded' as const,
          brandId: 'brd_y2',
          customerId,
          event: consentEvent({ purpose, action }),
        },
      })),
    );
    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(y2.customers.get(await y2CustomerCode(customerId))).toMatchObject({
      OptinEmail: 'true',
      OptinPostal: 'false',
      OptinMobile: 'true',
    });
  });

  it('refuses erasure (not a capability of this connector)', async () => {
    const [result] = await client.deliver([
      {
        envelopeId: 'env_e',
        eventId: 'evt_e',
        message: { kind: 'erasure.requested', brandId: 'brd_y2', customerId },
      },
    ]);
    expect(result?.status).toBe('rejected');
  });
});
