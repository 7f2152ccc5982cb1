import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('dev identity provider (ZP_DEV=1)', () => {
  let t: TestApp;
  let slug: string;
  beforeAll(async () => {
    t = await createTestApp({ dev: true });
    slug = (await t.brand('demo-like')).brand.slug;
  });
  afterAll(() => t.close());

  it('publishes a JWKS and mints Apple-format tokens that sign in', async () => {
    const jwks = (await (await t.request('/dev/apple/keys')).json()) as {
      keys: { kid: string; alg: string; d?: string }[];
    };
    expect(jwks.keys[0]).toMatchObject({ alg: 'RS256' });
    expect(jwks.keys[0]?.d).toBeUndefined();
    const minted = await t.request('/dev/apple/token', {
      method: 'POST',
      json: { sub: 'dev-user', email: 'dev@example.com', brand: slug, nonce: 'n-1' },
    });
    const { identityToken } = (await minted.json()) as { identityToken: string };
    const header = JSON.parse(atob(identityToken.split('.')[0] ?? ''));
    expect(header).toMatchObject({ alg: 'RS256', kid: jwks.keys[0]?.kid });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: slug, identityToken, nonce: 'n-1' },
    });
    expect(res.status).toBe(200);
    expect(t.apple.fetchCount).toBe(0);
  });

  it('still holds dev tokens to the audience check', async () => {
    const minted = await t.request('/dev/apple/token', {
      method: 'POST',
      json: { sub: 'x', aud: 'com.other.app' },
    });
    const { identityToken } = (await minted.json()) as { identityToken: string };
    expect(
      (await t.request('/v1/auth/apple', { method: 'POST', json: { brand: slug, identityToken } })).status,
    ).toBe(401);
  });

  it('mints a distinct, single-use token on every call, even twice in one second', async () => {
    const mint = async () => {
      const minted = await t.request('/dev/apple/token', {
        method: 'POST',
        json: { sub: 'twice', brand: slug },
      });
      return ((await minted.json()) as { identityToken: string }).identityToken;
    };
    const [first, second] = await Promise.all([mint(), mint()]);
    expect(first).not.toBe(second);
    const signIn = (identityToken: string) =>
      t.request('/v1/auth/apple', { method: 'POST', json: { brand: slug, identityToken } });
    expect((await signIn(first ?? '')).status).toBe(200);
    expect((await signIn(second ?? '')).status).toBe(200);
    expect((await signIn(first ?? '')).status).toBe(401);
  });
});
