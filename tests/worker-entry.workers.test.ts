/**
 * The real Worker entry (src/worker.ts) inside workerd, configured from the bindings that
 * vitest.config.ts passes (secrets generated at config time, ZP_DEV=1, D1 from wrangler.toml).
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/worker.ts';

describe('Worker entry', () => {
  it('serves /healthz over D1', async () => {
    const res = await exports.default.fetch('https://zeropass.test/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'd1' });
  });

  it('serves the dev identity provider when ZP_DEV=1', async () => {
    const res = await exports.default.fetch('https://zeropass.test/dev/apple/keys');
    expect(res.status).toBe(200);
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await exports.default.fetch('https://zeropass.test/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('acknowledges (drops) a queue message that is not a job, and runs the cron handler', async () => {
    const batch = createMessageBatch('zeropass-jobs', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { kind: 'noop' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env as never);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['m1']);
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env as never);
  });
});
