/**
 * Hardening fault 9, request ids: a caller's `x-request-id` goes into every log line of its
 * request, so it is taken only when shaped like a machine-made id; anything that could carry an
 * email, a phone number, a `tel:`/`mailto:` URI or a name is replaced and never logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedRequestId } from '../../src/http/request-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const canary = `cn${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
const refused = [
  `${canary}@example.org`,
  `tel:0612345678${canary}`,
  `mailto:${canary}.example.org`,
  '0612345678',
  '06.12.34.56.78',
  'jean-dupont',
  `${canary} spaced`,
  `${canary}${'x'.repeat(64)}`,
  'a1b2c3',
];
const accepted = [
  crypto.randomUUID(),
  'trace-12345678',
  '01J9ZB4X6N7Q8R9S0T1V2W3X4Y',
  'req_abc.def-123',
  `${'x'.repeat(63)}1`,
];

describe('acceptedRequestId', () => {
  it.each(refused)('refuses %s', (value) => expect(acceptedRequestId(value)).toBeUndefined());
  it.each(accepted)('accepts %s', (value) => expect(acceptedRequestId(value)).toBe(value));
  it('refuses a missing header', () => expect(acceptedRequestId(undefined)).toBeUndefined());
});

describe('x-request-id on a request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('replaces a refused id in the response, the problem body and the logs', async () => {
    for (const value of refused) {
      const res = await t.request('/v1/admin/connectors', { headers: { 'x-request-id': value } });
      expect(res.status).toBe(401);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^req_/);
      expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
    }
    const logs = t.logs.join('\n');
    expect(logs).toContain('"route":"/v1/admin/connectors"');
    expect(logs).not.toContain(canary);
    expect(logs).not.toContain('0612345678');
    expect(logs).not.toContain('jean-dupont');
  });

  it('keeps an accepted id in the response and the logs', async () => {
    const id = crypto.randomUUID();
    const res = await t.request('/healthz', { headers: { 'x-request-id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(t.logs.join('\n')).toContain(`"requestId":"${id}"`);
  });
});
