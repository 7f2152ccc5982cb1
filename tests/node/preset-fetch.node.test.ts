/**
 * The Node entry's fetch over a real socket: with no ZP_CLIENT_IP_HEADER, a consent proof takes
 * its IP prefix from the socket address (hardening fault 4: the socket never reached the app).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentEvents } from '../../src/db/schema/index.ts';
import { presetHeaderFetch } from '../../src/node/preset-fetch.ts';
import { createLayout, shownNoticeVersions } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('Node entry fetch', () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { ZP_CLIENT_IP_HEADER: undefined } });
    server = serve({ fetch: presetHeaderFetch(t.app), port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    t.close();
  });

  it('records the socket address prefix in a consent proof when no proxy header is configured', async () => {
    expect(t.deps.config.clientIpHeader).toBeUndefined();
    const b = await t.brand('socket-ip');
    await createLayout(t, b);
    const noticeVersions = await shownNoticeVersions(t, b.brand.slug, 'join', 'en');
    const res = await fetch(`${base}/v1/layouts/${b.brand.slug}/join/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '198.51.100.7' },
      body: JSON.stringify({
        locale: 'en',
        fields: { email: 'socket@example.org' },
        consents: { marketing_sms: true },
        noticeVersions,
      }),
    });
    expect(res.status).toBe(201);
    const events = await t.database.db
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.brandId, b.brand.id));
    expect(events.length).toBeGreaterThan(0);
    // The socket's, not the header a client can write when no trusted proxy is configured.
    for (const event of events) expect(event.ipPrefix).toBe('127.0.0.0/24');
  });
});
