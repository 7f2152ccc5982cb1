import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('POS and loyalty routes in /openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('documents every route, the Idempotency-Key header of writes and their problems', async () => {
    type Operation = { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> };
    const spec = (await (await t.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const writes = [
      '/v1/pos/earn',
      '/v1/pos/redeem',
      '/v1/pos/convert',
      '/v1/pos/reverse',
      '/v1/me/card/vouchers',
    ];
    for (const path of writes) {
      const post = spec.paths[path]?.post;
      expect(post, path).toBeDefined();
      expect(
        post?.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key'),
        path,
      ).toBe(true);
      expect(Object.keys(post?.responses ?? {}), path).toEqual(expect.arrayContaining(['200', '400', '409']));
    }
    expect(spec.paths['/v1/pos/scan']?.post?.responses).toHaveProperty(['429']);
    for (const path of [
      '/v1/me/card',
      '/v1/admin/loyalty/rules',
      '/v1/admin/loyalty/rewards',
      '/v1/admin/loyalty/cards/{cardId}',
    ]) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
  });
});
