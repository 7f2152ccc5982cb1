/**
 * Canary for layouts: submit unique values through a layout, then look for them in every byte
 * the database holds and in every log line. They must reach the relay and nothing else.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtime } from '#test-runtime';
import { createLayout, submit } from '../helpers/consent.ts';
import { databaseHaystack } from '../helpers/database-haystack.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe(`layout PII canary (${runtime})`, () => {
  let t: TestApp;
  const canary = `cn${crypto.randomUUID().replaceAll('-', '')}`;
  const values = {
    email: `${canary}@example.org`,
    phone: '+33 6 12 34 56 78',
    firstName: `First${canary}`,
    lastName: `Last${canary}`,
    postalCode: `75${canary.slice(2, 5)}`,
    note: `Note${canary}`,
  };

  beforeAll(async () => {
    t = await createTestApp();
    const b = await t.brand('layout-canary');
    await createLayout(t, b, {
      fields: [
        { key: 'email', required: true },
        { key: 'phone', required: true },
        { key: 'firstName', required: true },
        { key: 'lastName', required: true },
        { key: 'postalCode', required: true },
        { key: 'note', required: true, type: 'text', label: 'A note' },
      ],
    });
    const res = await submit(
      t,
      b,
      { fields: values, consents: { marketing_email: true, marketing_sms: true } },
      {
        headers: { 'cf-connecting-ip': '203.0.113.99' },
      },
    );
    expect(res.status).toBe(201);
    // A refused submission must not leak either.
    await submit(t, b, { fields: { ...values, undeclared: `Undeclared${canary}` } });
  });
  afterAll(() => t.close());

  it('the values did reach the relay', () => {
    const relayed = JSON.stringify(t.relay.messages);
    for (const value of Object.values(values)) expect(relayed).toContain(value);
  });

  it('no value in the database', async () => {
    const haystack = await databaseHaystack(t.database);
    // The dump is real: it holds the consent events this submission recorded.
    if (t.database.files.length === 0) expect(haystack).toContain('cev_');
    for (const needle of [canary, ...Object.values(values), '203.0.113.99'])
      expect(haystack).not.toContain(needle);
  });

  it('no value in the logs', () => {
    const logs = t.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(canary);
    expect(logs).not.toContain('203.0.113.99');
  });
});
