/**
 * An Apple identity token buys one session, and a brand may require the nonce (hardening fault 5
 * of issue 16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweeps } from '../../src/scheduled.ts';
import { countRows, type Provisioned } from '../helpers/consent.ts';
import { createTestApp, problemOf, type TestApp } from '../helpers/test-app.ts';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('Apple identity tokens are single-use', () => {
  let t: TestApp;
  let b: Provisioned;
  const aud = () => b.brand.appleClientIds[0] ?? '';

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('replay');
  });
  afterAll(() => t.close());

  const signIn = (identityToken: string, nonce?: string, brand = b.brand.slug) =>
    t.request('/v1/auth/apple', { method: 'POST', json: { brand, identityToken, nonce } });

  it('refuses a second sign-in with the same token, as problem+json', async () => {
    const token = await t.apple.token({ aud: aud(), sub: 'replay-sub-1' });
    expect((await signIn(token)).status).toBe(200);
    const again = await signIn(token);
    expect(again.status).toBe(401);
    const problem = await problemOf(again);
    expect(problem.code).toBe('invalid_identity_token');
    expect(problem.detail).toMatch(/already been used/);
    // A fresh token of the same shopper still signs in.
    expect((await signIn(await t.apple.token({ aud: aud(), sub: 'replay-sub-1' }))).status).toBe(200);
  });

  it('gives one session to concurrent sign-ins with one token', async () => {
    const token = await t.apple.token({ aud: aud(), sub: 'replay-sub-race' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => signIn(token)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it('knows a token by its signature bytes, so re-encoding the signature is still a replay', async () => {
    const token = await t.apple.token({ aud: aud(), sub: 'replay-sub-encoding' });
    // A 2048-bit signature is 342 base64url characters with 4 unused bits in the last one: setting
    // one gives different text for the same signature, which still verifies.
    const last = BASE64URL.indexOf(token.at(-1) ?? '');
    const reencoded = `${token.slice(0, -1)}${BASE64URL[last ^ 1]}`;
    expect(reencoded).not.toBe(token);
    expect((await signIn(reencoded)).status).toBe(200);
    const replayed = await signIn(token);
    expect(replayed.status).toBe(401);
    expect((await problemOf(replayed)).detail).toMatch(/already been used/);
  });

  it('does not spend a token on a refused sign-in', async () => {
    const token = await t.apple.token({ aud: aud(), rawNonce: 'the-raw-nonce' });
    expect((await signIn(token, 'another-nonce')).status).toBe(401);
    expect((await signIn(token)).status).toBe(401);
    expect((await signIn(token, 'the-raw-nonce')).status).toBe(200);
  });

  it('remembers a used token until it expires, then the sweep forgets it', async () => {
    const before = await countRows(t, 'apple_token_uses', b.brand.id);
    const token = await t.apple.token({ aud: aud(), expiresIn: 60 });
    expect((await signIn(token)).status).toBe(200);
    expect(await countRows(t, 'apple_token_uses', b.brand.id)).toBe(before + 1);
    await runSweeps(t.deps);
    expect(await countRows(t, 'apple_token_uses', b.brand.id)).toBe(before + 1);
    // Within exp + the verifier's 30 s clock tolerance the row must stay: the token still verifies.
    t.clock.offsetMs += 85_000;
    await runSweeps(t.deps);
    expect((await signIn(token)).status).toBe(401);
    t.clock.offsetMs += 10_000;
    await runSweeps(t.deps);
    expect(await countRows(t, 'apple_token_uses', b.brand.id)).toBe(before);
    const late = await signIn(token);
    expect(late.status).toBe(401);
    expect((await problemOf(late)).detail).toMatch(/expired/);
    t.clock.offsetMs -= 95_000;
  });
});

describe('a brand that requires the nonce', () => {
  let t: TestApp;
  let b: Provisioned;
  const aud = () => b.brand.appleClientIds[0] ?? '';

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('nonce');
  });
  afterAll(() => t.close());

  const signIn = (identityToken: string, nonce?: string) =>
    t.request('/v1/auth/apple', { method: 'POST', json: { brand: b.brand.slug, identityToken, nonce } });
  const setRequireNonce = async (requireNonce: boolean) => {
    const res = await t.request('/v1/admin/brand', {
      method: 'PATCH',
      token: b.adminKey,
      json: { requireNonce },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ requireNonce });
  };

  it('accepts a token without a nonce until the brand requires one', async () => {
    expect(await (await t.request('/v1/admin/brand', { token: b.adminKey })).json()).toMatchObject({
      requireNonce: false,
    });
    expect((await signIn(await t.apple.token({ aud: aud() }))).status).toBe(200);
  });

  it('then refuses a missing nonce on either side and a wrong one, and accepts the right one', async () => {
    await setRequireNonce(true);
    const refused = async (response: Response, detail: RegExp) => {
      expect(response.status).toBe(401);
      const problem = await problemOf(response);
      expect(problem.code).toBe('invalid_identity_token');
      expect(problem.detail).toMatch(detail);
    };
    await refused(await signIn(await t.apple.token({ aud: aud() })), /requires a nonce/);
    await refused(await signIn(await t.apple.token({ aud: aud() }), 'raw-1'), /requires a nonce/);
    await refused(await signIn(await t.apple.token({ aud: aud(), rawNonce: 'raw-1' })), /requires a nonce/);
    await refused(await signIn(await t.apple.token({ aud: aud(), rawNonce: 'raw-1' }), 'raw-2'), /not match/);
    // The claim itself is not a raw nonce: anyone holding the token can read it.
    const token = await t.apple.token({ aud: aud(), rawNonce: 'raw-1' });
    const claim = (JSON.parse(atob(token.split('.')[1] ?? '')) as { nonce: string }).nonce;
    await refused(await signIn(token, claim), /not match/);
    expect((await signIn(token, 'raw-1')).status).toBe(200);
  });

  it('accepts tokens without a nonce again once the requirement is lifted', async () => {
    await setRequireNonce(false);
    expect((await signIn(await t.apple.token({ aud: aud() }))).status).toBe(200);
  });
});
