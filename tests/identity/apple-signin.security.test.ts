import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedCrypto } from '#test-runtime';
import { buildApp } from '../../src/app.ts';
import { base64url, utf8 } from '../../src/crypto.ts';
import { assembleDeps } from '../../src/deps.ts';
import { createLogger } from '../../src/log/logger.ts';
import { MemoryRelay } from '../../src/relay/relay.ts';
import { generateRsaKey } from '../helpers/fake-apple.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/auth/apple — hostile identity tokens', () => {
  let t: TestApp;
  let slug: string;
  let aud: string;

  beforeAll(async () => {
    t = await createTestApp();
    const b = await t.brand('sec');
    slug = b.brand.slug;
    aud = b.brand.appleClientIds[0] ?? '';
    // Warm the JWKS cache so per-test fetch counts start from a known state.
    await t.signIn(slug, aud);
  });
  afterAll(() => t.close());

  const attempt = async (identityToken: string, nonce?: string) => {
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: slug, identityToken, nonce },
    });
    expect(res.status).toBe(401);
    const problem = await problemOf(res);
    expect(problem.code).toBe('invalid_identity_token');
    return problem;
  };

  const encode = (part: object) => base64url(utf8(JSON.stringify(part)));
  const validClaims = () => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: 'https://appleid.apple.com', aud, sub: 'attacker', iat: now, exp: now + 600 };
  };

  it('refuses alg: none', async () => {
    await attempt(`${encode({ alg: 'none', kid: 'apple-key-1' })}.${encode(validClaims())}.`);
  });

  it('refuses a token that is not a JWS, and one without a key id', async () => {
    expect((await attempt('not-a-token')).detail).toMatch(/not a valid JWS/);
    const unsigned = `${encode({ alg: 'RS256' })}.${encode(validClaims())}.${encode({})}`;
    expect((await attempt(unsigned)).detail).toMatch(/no key id/);
  });

  it('refuses HS256 signed with Apple’s RSA public key as the HMAC secret', async () => {
    const jwks = (await (await t.apple.fetch('https://apple.fake/auth/keys')).json()) as { keys: object[] };
    const secret = utf8(JSON.stringify(jwks.keys[0]));
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: 'apple-key-1' })
      .sign(secret);
    await attempt(token);
  });

  it('refuses a wrong audience', async () => {
    expect((await attempt(await t.apple.token({ aud: 'com.someone.else' }))).detail).toMatch(/audience/);
  });

  it('refuses another brand’s audience', async () => {
    const other = await t.brand('sec-other');
    await attempt(await t.apple.token({ aud: other.brand.appleClientIds[0] ?? '' }));
  });

  it('refuses a wrong issuer', async () => {
    expect((await attempt(await t.apple.token({ aud, iss: 'https://evil.example' }))).detail).toMatch(
      /issuer/,
    );
  });

  it('refuses an expired token', async () => {
    expect((await attempt(await t.apple.token({ aud, expiresIn: -120 }))).detail).toMatch(/expired/);
  });

  it('refuses a nonce mismatch, and a token nonce with no nonce sent', async () => {
    await attempt(await t.apple.token({ aud, rawNonce: 'expected' }), 'different');
    await attempt(await t.apple.token({ aud, rawNonce: 'expected' }));
  });

  it('refuses a tampered signature', async () => {
    const token = await t.apple.token({ aud });
    const [h, p] = token.split('.');
    await attempt(`${h}.${encode({ ...validClaims(), sub: 'someone-else' })}.${token.split('.')[2]}`);
    expect(p).toBeDefined();
  });

  it('refuses an unknown kid, refetching the JWKS at most once per minute', async () => {
    const stranger = await generateRsaKey('unknown-kid');
    const before = t.apple.fetchCount;
    for (let i = 0; i < 5; i++) {
      expect((await attempt(await t.apple.token({ aud, key: stranger }))).detail).toMatch(/unknown key/);
    }
    expect(t.apple.fetchCount - before).toBeLessThanOrEqual(1);
  });

  for (const header of ['jku', 'x5u'] as const) {
    it(`refuses a ${header} header pointing at an attacker key set`, async () => {
      const attacker = await generateRsaKey('apple-key-1');
      const before = t.apple.fetchCount;
      await attempt(
        await t.apple.token({ aud, key: attacker, header: { [header]: 'https://evil.example/jwks.json' } }),
      );
      // Same token signed by Apple's real key but carrying the header: still refused.
      await attempt(await t.apple.token({ aud, header: { [header]: 'https://evil.example/jwks.json' } }));
      expect(t.apple.fetchCount).toBe(before);
    });
  }

  it('refuses an embedded jwk header carrying the attacker’s own key', async () => {
    const attacker = await generateRsaKey('attacker');
    const { exportJWK } = await import('jose');
    const jwk = await exportJWK(attacker.publicKey);
    await attempt(await t.apple.token({ aud, key: attacker, header: { jwk } }));
    await attempt(await t.apple.token({ aud, key: { ...attacker, kid: 'apple-key-1' }, header: { jwk } }));
  });

  it('refuses a token signed by a stranger under Apple’s kid', async () => {
    const impostor = await generateRsaKey('apple-key-1');
    expect((await attempt(await t.apple.token({ aud, key: impostor }))).detail).toMatch(/signature/);
  });

  it('answers 503, not 401, while Apple’s keys cannot be fetched', async () => {
    const cold = await createTestApp();
    try {
      const b = await cold.brand('cold');
      cold.apple.failWith = 503;
      const token = await cold.apple.token({ aud: b.brand.appleClientIds[0] ?? '' });
      const res = await cold.request('/v1/auth/apple', {
        method: 'POST',
        json: { brand: b.brand.slug, identityToken: token },
      });
      expect(res.status).toBe(503);
      expect((await problemOf(res)).code).toBe('unavailable');
    } finally {
      cold.close();
    }
  });

  it('does not trust the dev identity provider outside dev mode', async () => {
    expect((await t.request('/dev/apple/keys')).status).toBe(404);
    expect((await t.request('/dev/apple/token', { method: 'POST', json: { sub: 'x' } })).status).toBe(404);
    // The same key, config and database as a ZP_DEV=1 app that accepts the token, with dev off:
    // the verifier must not trust the dev provider's key.
    const dev = await createTestApp({ dev: true });
    try {
      const devBrand = await dev.brand('dev-trust');
      const json = { brand: devBrand.brand.slug, identityToken: '' };
      const minted = await dev.request('/dev/apple/token', {
        method: 'POST',
        json: { sub: 'dev-user', brand: devBrand.brand.slug },
      });
      json.identityToken = ((await minted.json()) as { identityToken: string }).identityToken;
      const signIn = { method: 'POST', headers: { 'content-type': 'application/json' } };
      const accepted = await dev.request('/v1/auth/apple', { ...signIn, body: JSON.stringify(json) });
      expect(accepted.status).toBe(200);
      const production = buildApp(
        await assembleDeps({
          config: { ...dev.deps.config, dev: false },
          database: dev.database,
          relay: new MemoryRelay(),
          jobs: dev.jobs,
          logger: createLogger({ sink: () => {} }),
          fetch: dev.apple.fetch,
          keyedCrypto,
        }),
      );
      const refused = await production.request('/v1/auth/apple', { ...signIn, body: JSON.stringify(json) });
      expect(refused.status).toBe(401);
      expect((await problemOf(refused)).detail).toMatch(/unknown key/);
    } finally {
      dev.close();
    }
  });

  it('never logs the identity token', async () => {
    const token = await t.apple.token({ aud, expiresIn: -120 });
    await attempt(token);
    expect(t.logs.join('\n')).not.toContain(token.split('.')[2]);
  });
});
