/**
 * The fetch APNs transport (the Workers one, run in both projects) against the in-process fake:
 * the request APNs gets, every answer's outcome, provider token reuse and refresh on a fake clock,
 * and what is refused before any request is made.
 */
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApnsPush } from '../../src/wallet/apple/apns.ts';
import { CERTIFICATE_OVER_FETCH, FetchApnsTransport } from '../../src/wallet/apple/apns-fetch.ts';
import { FakeApns } from '../helpers/fake-apns.ts';

const pki = inject('applePki');
const BASE_URL = 'https://api.push.apple.test';
const TOKEN_A = 'a1'.repeat(32);
const MINUTE = 60_000;

let now: number;
let fake: FakeApns;
let requests: Request[];

function transport(timeoutMs = 2_000) {
  const recording: typeof fetch = async (input, init) => {
    requests.push(new Request(input, init));
    return fake.fetch(input, init);
  };
  return new FetchApnsTransport({ baseUrl: BASE_URL, fetch: recording, now: () => now, timeoutMs });
}

function push(deviceToken = TOKEN_A, overrides: Partial<ApnsPush> = {}): ApnsPush {
  return {
    deviceToken,
    topic: pki.brand.passTypeId,
    credentials: { kind: 'token', ...pki.apnsToken },
    credentialsId: 'brand-1:v1',
    ...overrides,
  };
}

beforeEach(async () => {
  now = Date.UTC(2026, 10, 20, 12, 0, 0);
  fake = new FakeApns({ now: () => now });
  requests = [];
  await fake.trustKey(pki.apnsToken.keyId, pki.apnsToken.teamId, pki.apnsToken.privateKeyPem);
});

describe('FetchApnsTransport: happy', () => {
  it('sends a pass update push with a valid ES256 provider token', async () => {
    const outcome = await transport().send(push());
    expect(outcome).toEqual({ status: 'sent', apnsId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
    expect(fake.pushes).toEqual([
      expect.objectContaining({
        deviceToken: TOKEN_A,
        topic: pki.brand.passTypeId,
        pushType: 'background',
        auth: 'token',
        issuedAt: now / 1000,
        status: 200,
      }),
    ]);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`${BASE_URL}/3/device/${TOKEN_A}`);
    expect(request?.headers.get('apns-priority')).toBe('5');
    expect(await request?.text()).toBe('{}');
    const jwt = request?.headers.get('authorization')?.replace(/^bearer /, '') ?? '';
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: pki.apnsToken.keyId });
    expect(decodeJwt(jwt)).toEqual({ iss: pki.apnsToken.teamId, iat: now / 1000 });
  });

  it('reuses one token for 40 minutes, then signs a new one', async () => {
    const apns = transport();
    await apns.send(push());
    now += 39 * MINUTE;
    await apns.send(push());
    now += MINUTE;
    await apns.send(push());
    const [first, second, third] = fake.pushes;
    expect(second?.providerToken).toBe(first?.providerToken);
    expect(third?.providerToken).not.toBe(first?.providerToken);
    expect(third?.issuedAt).toBe(now / 1000);
  });

  it('signs once for many concurrent pushes of one brand', async () => {
    const apns = transport();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => apns.send(push())));
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    expect(new Set(fake.pushes.map((p) => p.providerToken)).size).toBe(1);
  });
});

describe('FetchApnsTransport: APNs answers', () => {
  const cases = [
    [
      { status: 410, reason: 'Unregistered' },
      { status: 'unregistered', reason: 'Unregistered' },
    ],
    [
      { status: 400, reason: 'BadDeviceToken' },
      { status: 'unregistered', reason: 'BadDeviceToken' },
    ],
    [
      { status: 400, reason: 'DeviceTokenNotForTopic' },
      { status: 'unregistered', reason: 'DeviceTokenNotForTopic' },
    ],
    [
      { status: 429, reason: 'TooManyRequests', retryAfter: 30 },
      { status: 'retry', reason: 'TooManyRequests', retryAfterMs: 30_000 },
    ],
    [
      { status: 500, reason: 'InternalServerError' },
      { status: 'retry', reason: 'InternalServerError', retryAfterMs: undefined },
    ],
    [
      { status: 503, reason: 'ServiceUnavailable', retryAfter: 5 },
      { status: 'retry', reason: 'ServiceUnavailable', retryAfterMs: 5_000 },
    ],
    [
      { status: 400, reason: 'BadTopic' },
      { status: 'rejected', reason: 'BadTopic' },
    ],
    [
      { status: 403, reason: 'BadCertificateEnvironment' },
      { status: 'rejected', reason: 'BadCertificateEnvironment' },
    ],
  ] as const;

  it.each(cases)('%o → %o', async (answer, expected) => {
    fake.answerFor(TOKEN_A, answer);
    expect(await transport().send(push())).toEqual(expected);
  });

  it.each(['ExpiredProviderToken', 'InvalidProviderToken'])(
    '403 %s → retry, and the next push carries a new token',
    async (reason) => {
      const apns = transport();
      await apns.send(push());
      fake.faultOnce({ status: 403, reason });
      expect(await apns.send(push())).toEqual({ status: 'retry', reason, retryAfterMs: undefined });
      expect(await apns.send(push())).toMatchObject({ status: 'sent' });
      const tokens = fake.pushes.map((p) => p.providerToken);
      expect(tokens[1]).toBe(tokens[0]);
      expect(tokens[2]).not.toBe(tokens[0]);
    },
  );

  it('network errors and timeouts → retry', async () => {
    fake.faultOnce('reset');
    expect(await transport().send(push())).toEqual({
      status: 'retry',
      reason: 'the connection to APNs failed',
      retryAfterMs: undefined,
    });
    fake.faultOnce('hang');
    expect(await transport(50).send(push())).toEqual({
      status: 'retry',
      reason: 'APNs did not answer in time',
      retryAfterMs: undefined,
    });
  });
});

describe('FetchApnsTransport: error and security', () => {
  it('a key APNs does not know, or of another team, is refused as InvalidProviderToken', async () => {
    const stranger = new FakeApns({ now: () => now });
    await stranger.trustKey(pki.apnsToken.keyId, 'OTHERTEAM1', pki.apnsToken.privateKeyPem);
    fake = stranger;
    expect(await transport().send(push())).toMatchObject({ status: 'retry', reason: 'InvalidProviderToken' });
    fake = new FakeApns({ now: () => now });
    expect(await transport().send(push())).toMatchObject({ status: 'retry', reason: 'InvalidProviderToken' });
    expect(fake.pushes).toEqual([]);
  });

  it('the fake refuses a token older than an hour', async () => {
    const key = await importPKCS8(pki.apnsToken.privateKeyPem, 'ES256');
    const old = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: pki.apnsToken.keyId })
      .setIssuer(pki.apnsToken.teamId)
      .setIssuedAt(now / 1000 - 3601)
      .sign(key);
    const response = await fake.fetch(`${BASE_URL}/3/device/${TOKEN_A}`, {
      method: 'POST',
      headers: {
        'apns-topic': pki.brand.passTypeId,
        'apns-push-type': 'background',
        authorization: `bearer ${old}`,
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ reason: 'ExpiredProviderToken' });
  });

  it.each(['zz'.repeat(32), `${'ab'.repeat(32)}/../../x`, 'ab'.repeat(32).slice(1), ''])(
    'refuses device token %j without a request',
    async (deviceToken) => {
      expect(await transport().send(push(deviceToken))).toEqual({
        status: 'rejected',
        reason: 'the device token is not a hex APNs token',
      });
      expect(requests).toEqual([]);
    },
  );

  it('refuses a topic that could break the header', async () => {
    expect(await transport().send(push(TOKEN_A, { topic: 'pass.x\r\nx-evil: 1' }))).toMatchObject({
      status: 'rejected',
    });
    expect(requests).toEqual([]);
  });

  it('refuses certificate credentials: fetch cannot present a client certificate', async () => {
    const outcome = await transport().send(
      push(TOKEN_A, {
        credentials: {
          kind: 'certificate',
          certificatePem: pki.brand.certificatePem,
          privateKeyPem: pki.brand.privateKeyPem,
        },
      }),
    );
    expect(outcome).toEqual({ status: 'rejected', reason: CERTIFICATE_OVER_FETCH });
    expect(requests).toEqual([]);
  });

  it('refuses a signing key that is not P-256 (an RSA key), without a request', async () => {
    const credentials = { kind: 'token' as const, ...pki.apnsToken, privateKeyPem: pki.brand.privateKeyPem };
    expect(await transport().send(push(TOKEN_A, { credentials }))).toMatchObject({ status: 'rejected' });
    expect(requests).toEqual([]);
  });
});
