import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('POST /v1/auth/apple — happy paths', () => {
  let t: TestApp;
  let brand: Awaited<ReturnType<TestApp['brand']>>;
  const aud = () => brand.brand.appleClientIds[0] ?? '';

  beforeAll(async () => {
    t = await createTestApp();
    brand = await t.brand('happy');
  });
  afterAll(() => t.close());

  it('answers an opaque customer id and a session that opens /v1/me', async () => {
    const token = await t.apple.token({
      aud: aud(),
      sub: 'apple-sub-1',
      email: 'x1@privaterelay.appleid.com',
    });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: brand.brand.slug, identityToken: token },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      customerId: string;
      accessToken: string;
      created: boolean;
      expiresIn: number;
    };
    expect(body.customerId).toMatch(/^cus_[0-9a-z]{26}$/);
    expect(body.created).toBe(true);
    expect(body.expiresIn).toBe(900);

    const me = await t.request('/v1/me', { token: body.accessToken });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      customerId: body.customerId,
      brand: brand.brand.slug,
      signInMethods: ['apple'],
    });
  });

  it('maps the same Apple account to the same customer, and relays contact data instead of storing it', async () => {
    t.relay.take();
    const first = await t.signIn(brand.brand.slug, aud(), 'apple-sub-2');
    const again = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: {
        brand: brand.brand.slug,
        identityToken: await t.apple.token({ aud: aud(), sub: 'apple-sub-2' }),
      },
    });
    const second = (await again.json()) as { customerId: string; created: boolean };
    expect(second.customerId).toBe(first.customerId);
    expect(second.created).toBe(false);
    const relayed = t.relay.take();
    expect(relayed).toHaveLength(1);
    expect(relayed[0]).toMatchObject({
      kind: 'contact.upsert',
      customerId: first.customerId,
      source: 'apple',
    });
  });

  it('gives the same Apple account unrelated customers at two brands', async () => {
    const other = await t.brand('other');
    const a = await t.signIn(brand.brand.slug, aud(), 'shared-sub');
    const b = await t.signIn(other.brand.slug, other.brand.appleClientIds[0] ?? '', 'shared-sub');
    expect(a.customerId).not.toBe(b.customerId);
  });

  it('accepts a Hide My Email relay address and the name Apple sends on first authorisation', async () => {
    t.relay.take();
    const token = await t.apple.token({ aud: aud(), sub: 'hme-sub', email: 'q8c2@privaterelay.appleid.com' });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: {
        brand: brand.brand.slug,
        identityToken: token,
        user: { name: { firstName: 'Ada', lastName: 'L' } },
      },
    });
    expect(res.status).toBe(200);
    expect(t.relay.take()[0]).toMatchObject({
      kind: 'contact.upsert',
      contact: {
        email: 'q8c2@privaterelay.appleid.com',
        firstName: 'Ada',
        lastName: 'L',
      },
    });
  });

  it('checks the nonce as SHA-256 of the raw value', async () => {
    const token = await t.apple.token({ aud: aud(), rawNonce: 'raw-nonce-123' });
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: brand.brand.slug, identityToken: token, nonce: 'raw-nonce-123' },
    });
    expect(res.status).toBe(200);
  });

  it('accepts any of the brand’s client IDs as audience', async () => {
    const multi = await t.brand('multi', ['com.multi.web', 'com.multi.ios']);
    const ok = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: multi.brand.slug, identityToken: await t.apple.token({ aud: 'com.multi.ios' }) },
    });
    expect(ok.status).toBe(200);
  });

  it('follows Apple’s key rotation with one refetch', async () => {
    const before = t.apple.fetchCount;
    await t.apple.rotate('apple-key-2');
    t.clock.offsetMs += 61_000; // past the one-refetch-a-minute window for unknown kids
    const res = await t.request('/v1/auth/apple', {
      method: 'POST',
      json: { brand: brand.brand.slug, identityToken: await t.apple.token({ aud: aud() }) },
    });
    expect(res.status).toBe(200);
    expect(t.apple.fetchCount).toBe(before + 1);
  });

  it('revokes every session with sign-out-everywhere', async () => {
    const session = await t.signIn(brand.brand.slug, aud(), 'revoke-sub');
    await new Promise((r) => setTimeout(r, 2));
    expect(
      (await t.request('/v1/me/sessions/revoke', { method: 'POST', token: session.accessToken })).status,
    ).toBe(204);
    expect((await t.request('/v1/me', { token: session.accessToken })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 2));
    const fresh = await t.signIn(brand.brand.slug, aud(), 'revoke-sub');
    expect((await t.request('/v1/me', { token: fresh.accessToken })).status).toBe(200);
  });

  it('undoes a new customer whose contact could not be relayed, so the retry relays it', async () => {
    t.relay.take();
    const publish = t.relay.publish.bind(t.relay);
    t.relay.publish = async () => {
      t.relay.publish = publish;
      throw new Error('relay transport down');
    };
    const token = await t.apple.token({
      aud: aud(),
      sub: 'apple-sub-relay-down',
      email: 'r@privaterelay.appleid.com',
    });
    const signIn = () =>
      t.request('/v1/auth/apple', {
        method: 'POST',
        json: { brand: brand.brand.slug, identityToken: token },
      });
    const failed = await signIn();
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { code: string }).code).toBe('unavailable');
    expect(t.relay.take()).toEqual([]);
    const retried = await signIn();
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { created: boolean }).created).toBe(true);
    expect(t.relay.take()).toMatchObject([
      { kind: 'contact.upsert', contact: { email: 'r@privaterelay.appleid.com' } },
    ]);
  });
});
