/**
 * The real Worker `queue` handler (src/worker.ts) with relay jobs on both of its queues: an
 * envelope whose connector no longer exists and a message the dead-letter queue hands over both
 * become dead letters in D1, metadata only, and are acknowledged.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { d1Database } from '../../src/db/d1.ts';
import { provisionBrand } from '../../src/tenancy/provision.ts';
import worker from '../../src/worker.ts';

const envelope = (brandId: string, id: string) => ({
  id,
  eventId: `evt_${id}`,
  brandId,
  kind: 'contact.upsert',
  connectorId: 'con_00000000000000000000000000',
  createdAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  ciphertext: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
});

/** A `relay.deliver` job as the jobs queue carries it. */
const job = (brandId: string, id: string) => ({
  zpJob: 1,
  id,
  kind: 'relay.deliver',
  brandId,
  payload: envelope(brandId, id),
  createdAt: Date.now(),
});

describe('Worker queue handler', () => {
  it('dead-letters envelopes for a missing connector and what the DLQ hands over, and acks them', async () => {
    const database = d1Database(env.DB);
    const { brand } = await provisionBrand(
      database,
      { slug: `q-${Date.now().toString(36)}`, label: 'Q', appleClientIds: [] },
      Date.now(),
    );
    const relayBatch = createMessageBatch('zeropass-jobs', [
      { id: 'r1', timestamp: new Date(), attempts: 1, body: job(brand.id, 'env_r1') },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(relayBatch, env as never);
    expect((await getQueueResult(relayBatch, ctx)).explicitAcks).toEqual(['r1']);

    const dlqBatch = createMessageBatch('zeropass-jobs-dlq', [
      { id: 'd1', timestamp: new Date(), attempts: 9, body: job(brand.id, 'env_d1') },
    ]);
    await worker.queue(dlqBatch, env as never);
    expect((await getQueueResult(dlqBatch, createExecutionContext())).ackAll).toBe(true);

    const rows = await database.db.all<{ event_id: string; last_error: string }>(
      sql`select event_id, last_error from relay_dead_letters where brand_id = ${brand.id} order by event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'evt_env_d1', last_error: 'queue retries exhausted' },
      { event_id: 'evt_env_r1', last_error: 'connector deleted' },
    ]);
  });
});
