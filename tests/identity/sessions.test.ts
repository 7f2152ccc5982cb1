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

describe('SessionSigner', () => {
  it('issues ES256 JWTs that jose verifies with the expected header and claims', async () => {
    const { privateJwk, publicJwk } = await sessionKey();
    const nowMs = Date.UTC(2026, 10, 23, 12, 0, 0, 345);
    const signer = await SessionSigner.create(privateJwk, 900, () => nowMs, keyedCrypto);
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
      exp: Math.floor(nowMs / 1000) + 900,
    });
    expect(await signer.verify(accessToken)).toEqual({
      ok: true,
      value: { customerId: 'cus_one', brandId: 'brd_one', issuedAtMs: nowMs },
    });
  });

  it('refuses a token with a changed claim, one signed by another key, and an expired one', async () => {
    let nowMs = Date.now();
    const key = await sessionKey();
    const signer = await SessionSigner.create(key.privateJwk, 900, () => nowMs, keyedCrypto);
    const stranger = await SessionSigner.create(
      (await sessionKey()).privateJwk,
      900,
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

  it('refuses a session key that is not a P-256 private key', async () => {
    const { publicJwk } = await sessionKey();
    await expect(SessionSigner.create(publicJwk, 900, Date.now, keyedCrypto)).rejects.toThrow(/P-256/);
  });
});
