import { sql } from 'drizzle-orm';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLayout, type Provisioned, type SubmissionResponse, submit } from '../helpers/consent.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

describe('consent receipts', () => {
  let t: TestApp;
  let b: Provisioned;
  let other: Provisioned;
  let result: SubmissionResponse;
  let jwks: JSONWebKeySet;

  beforeAll(async () => {
    t = await createTestApp();
    b = await t.brand('receipts');
    other = await t.brand('receipts-other');
    await createLayout(t, b);
    await createLayout(t, other);
    const res = await submit(t, b, {
      locale: 'da',
      fields: { email: 'r@example.org' },
      consents: { marketing_email: true, marketing_sms: true, profiling: false },
    });
    result = (await res.json()) as SubmissionResponse;
    await submit(t, other, { fields: { email: 's@example.org' }, consents: { profiling: true } });
    const keys = await t.request('/.well-known/jwks.json');
    expect(keys.status).toBe(200);
    expect(keys.headers.get('content-type')).toContain('application/jwk-set+json');
    jwks = (await keys.json()) as JSONWebKeySet;
  });
  afterAll(() => t.close());

  it('publishes one ES256 public key per brand, without private parts', () => {
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('verifies with jose against /.well-known/jwks.json and carries the Kantara CR v1.1 fields', async () => {
    const { payload, protectedHeader } = await jwtVerify(result.receipt, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      issuer: t.deps.config.publicUrl,
      typ: 'consent-receipt+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'EU',
      language: 'da',
      piiPrincipalId: result.customerId,
      sub: result.customerId,
      sensitive: false,
      spiCat: [],
      'zp:brand': b.brand.slug,
      'zp:gpc': false,
    });
    expect(payload.consentReceiptID).toBe(payload.jti);
    expect(typeof payload.consentTimestamp).toBe('number');
    expect(payload.piiControllers).toEqual([
      { piiController: b.brand.label, onBehalf: false, piiControllerUrl: t.deps.config.publicUrl },
    ]);
    const services = payload.services as { purposes: Record<string, unknown>[] }[];
    const purposes = services[0]?.purposes ?? [];
    const byKey = Object.fromEntries(purposes.map((p) => [(p.purposeCategory as string[])[0], p]));
    expect(byKey.marketing_email).toMatchObject({
      consentStatus: 'pending',
      consentMethod: 'doi',
      consentType: 'EXPLICIT',
    });
    expect(byKey.marketing_sms).toMatchObject({ consentStatus: 'granted', consentMethod: 'checkbox' });
    expect(byKey.profiling).toMatchObject({ consentStatus: 'not_given' });
    expect(byKey.sale_or_share).toMatchObject({ thirdPartyDisclosure: true });
    expect(byKey.marketing_sms?.noticeVersion).toBe(
      result.consents.find((c) => c.purpose === 'marketing_sms')?.noticeVersion,
    );
    expect(byKey.marketing_sms?.ledgerEventId).toMatch(/^cev_/);
    expect(byKey.marketing_sms?.piiCategory).toEqual(['email', 'firstName', 'birthDate', 'shoeSize']);
  });

  it('fails verification when any single byte is altered', async () => {
    const keys = createLocalJWKSet(jwks);
    const [header, payload, signature] = result.receipt.split('.') as [string, string, string];
    const flip = (text: string, at: number) => {
      const c = text[at] === 'A' ? 'B' : 'A';
      return text.slice(0, at) + c + text.slice(at + 1);
    };
    const altered = [
      `${header}.${flip(payload, 10)}.${signature}`,
      `${header}.${flip(payload, payload.length - 3)}.${signature}`,
      `${header}.${payload}.${flip(signature, 5)}`,
    ];
    for (const receipt of altered) {
      await expect(compactVerify(receipt, keys)).rejects.toThrow();
    }
  });

  it('another brand’s key does not verify this brand’s receipt', async () => {
    const { kid } = decodeProtectedHeader(result.receipt);
    const scoped = (await (
      await t.request(`/.well-known/jwks.json?brand=${other.brand.slug}`)
    ).json()) as JSONWebKeySet;
    expect(scoped.keys).toHaveLength(1);
    expect(scoped.keys[0]?.kid).not.toBe(kid);
    await expect(jwtVerify(result.receipt, createLocalJWKSet(scoped))).rejects.toThrow();
  });

  it('keeps the private key sealed at rest (AES-GCM under a key derived from the pepper)', async () => {
    const rows = await t.database.db.all<{ sealed_private_jwk: string; public_jwk: string }>(
      sql`select sealed_private_jwk, public_jwk from receipt_keys where brand_id = ${b.brand.id}`,
    );
    expect(rows).toHaveLength(1);
    const sealed = rows[0]?.sealed_private_jwk ?? '';
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('"d"');
    expect(rows[0]?.public_jwk).not.toContain('"d"');
  });

  it('answers 404 for the keys of an unknown brand', async () => {
    expect((await t.request('/.well-known/jwks.json?brand=nobody-here')).status).toBe(404);
  });
});
