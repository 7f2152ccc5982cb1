/** Shopper sessions as issued here, checked by jose against the public half of the key. */
import { exportJWK, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyedCrypto } from '#test-runtime';
import { generateEs256KeyPair } from '../../src/crypto.ts';
import { SessionSigner } from '../../src/identity/sessions.ts';

async function sessionKey() {
  const pair = await generateEs256KeyPair();
  const { kty, crv, x, y } = await exportJWK(pair.publicKey);
  return { privateJwk: await exportJWK(pair.privateKey), publicJwk: { kty, crv, x, y } };
}

const LIFETIMES = { ttlSeconds: 900, maxAgeSeconds: 3_600 };

describe('SessionSigner', () => {
  it('issues ES256 JWTs that jose verifies with the expected header and claims', async () => {
    const { privateJwk, publicJwk } = await sessionKey();
    const nowMs = Date.UTC(2026, 10, 23, 12, 0, 0, 345);
    const signer = await SessionSigner.create(privateJwk, LIFETIMES, () => nowMs, keyedCrypto);
    const { accessToken, expiresIn } = await signer.issue('cus_one', 'brd_one');
    expect(expiresIn).toBe(900);
    const { payload, protectedHeader } = await jwtVerify(accessToken, await importJWK(publicJwk, 'ES256'), {
      algorithms: ['ES256'],
      issuer: 'zeropass',
      audience: 'zeropass:shopper',
      currentDate: new Date(nowMs),
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(protectedHeader.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(payload).toEqual({
      iss: 'zeropass',
      aud: 'zeropass:shopper',
      sub: 'cus_one',
      brd: 'brd_one',
      iat: Math.floor(nowMs / 1000),
      iat_ms: nowMs,
      auth_time: Math.floor(nowMs / 1000),
      exp: Math.floor(nowMs / 1000) + 900,
    });
    expect(await signer.verify(accessToken)).toEqual({
      ok: true,
      value: {
        customerId: 'cus_one',
        brandId: 'brd_one',
        issuedAtMs: nowMs,
        signedInAtMs: Math.floor(nowMs / 1000) * 1000,
      },
    });
  });

  it('refuses a token with a changed claim, one signed by another key, and an expired one', async () => {
    let nowMs = Date.now();
    const key = await sessionKey();
    const signer = await SessionSigner.create(key.privateJwk, LIFETIMES, () => nowMs, keyedCrypto);
    const stranger = await SessionSigner.create(
      (await sessionKey()).privateJwk,
      LIFETIMES,
      () => nowMs,
      keyedCrypto,
    );
    const { accessToken } = await signer.issue('cus_one', 'brd_one');
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const changed = Buffer.from(JSON.stringify({ ...claims, sub: 'cus_two' })).toString('base64url');
    expect((await signer.verify(`${header}.${changed}.${signature}`)).ok).toBe(false);
    expect((await signer.verify((await stranger.issue('cus_one', 'brd_one')).accessToken)).ok).toBe(false);
    nowMs += 901_000;
    expect((await signer.verify(accessToken)).ok).toBe(false);
  });

  it('renews a session with its sign-in time, never past the sign-in plus the maximum age', async () => {
    const start = Date.UTC(2026, 10, 23, 12, 0, 0);
    let nowMs = start;
    const signer = await SessionSigner.create(
      (await sessionKey()).privateJwk,
      LIFETIMES,
      () => nowMs,
      keyedCrypto,
    );
    let { accessToken } = await signer.issue('cus_one', 'brd_one');
    for (let renewal = 1; renewal <= 4; renewal++) {
      nowMs += 800_000;
      const verified = await signer.verify(accessToken);
      if (!verified.ok) throw verified.error;
      expect(verified.value.signedInAtMs).toBe(start);
      const renewed = await signer.issue('cus_one', 'brd_one', verified.value.signedInAtMs);
      // The fifth would start at 4,000 s, past the 3,600 s bound; the fourth is cut to it.
      expect(renewed.expiresIn).toBe(renewal < 4 ? 900 : 3_600 - 3_200);
      const { exp } = JSON.parse(atob(renewed.accessToken.split('.')[1] ?? '')) as { exp: number };
      expect(exp * 1000).toBeLessThanOrEqual(start + 3_600_000);
      accessToken = renewed.accessToken;
    }
    nowMs = start + 3_600_000;
    expect(await signer.verify(accessToken)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await expect(signer.issue('cus_one', 'brd_one', start)).rejects.toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/maximum age/),
    });
  });

  it('refuses a token older than the maximum age even if its own expiry is later', async () => {
    let nowMs = Date.now();
    const key = (await sessionKey()).privateJwk;
    const generous = await SessionSigner.create(
      key,
      { ttlSeconds: 7_200, maxAgeSeconds: 86_400 },
      () => nowMs,
      keyedCrypto,
    );
    const strict = await SessionSigner.create(key, LIFETIMES, () => nowMs, keyedCrypto);
    const { accessToken } = await generous.issue('cus_one', 'brd_one');
    nowMs += 3_600_000;
    expect((await generous.verify(accessToken)).ok).toBe(true);
    expect((await strict.verify(accessToken)).ok).toBe(false);
  });

  it('refuses a session key that is not a P-256 private key', async () => {
    const { publicJwk } = await sessionKey();
    await expect(SessionSigner.create(publicJwk, LIFETIMES, Date.now, keyedCrypto)).rejects.toThrow(/P-256/);
  });
});
