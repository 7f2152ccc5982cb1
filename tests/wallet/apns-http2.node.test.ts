/**
 * The node:http2 APNs transport against the fake over real TLS: connection reuse, token and
 * certificate auth (the fake checks the client certificate against the WWDR-like CA), answer
 * mapping, timeouts, a server restart, GOAWAY and close().
 */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { Http2ApnsTransport } from '../../src/node/node-apns.ts';
import type { ApnsCredentials, ApnsPush } from '../../src/wallet/apple/apns.ts';
import { FakeApns } from '../helpers/fake-apns.ts';

const pki = inject('applePki');
const TOKEN_A = 'a1'.repeat(32);
const TOKEN_B = 'b2'.repeat(32);

let fake: FakeApns;
let port: number;
let apns: Http2ApnsTransport;

const server = () => ({
  certificatePem: pki.apnsServer.certificatePem,
  privateKeyPem: pki.apnsServer.privateKeyPem,
  caPem: pki.wwdrPem,
});

function transport(timeoutMs = 2_000) {
  return new Http2ApnsTransport({
    baseUrl: `https://127.0.0.1:${port}`,
    now: Date.now,
    timeoutMs,
    ca: pki.rootPem,
  });
}

const tokenPush = (deviceToken = TOKEN_A): ApnsPush => ({
  deviceToken,
  topic: pki.brand.passTypeId,
  credentials: { kind: 'token', ...pki.apnsToken },
  credentialsId: 'brand-1:v1',
});

const certificate = (identity: { certificatePem: string; privateKeyPem: string }): ApnsCredentials => ({
  kind: 'certificate',
  certificatePem: identity.certificatePem,
  privateKeyPem: identity.privateKeyPem,
});

beforeEach(async () => {
  fake = new FakeApns();
  await fake.trustKey(pki.apnsToken.keyId, pki.apnsToken.teamId, pki.apnsToken.privateKeyPem);
  ({ port } = await fake.listen(server()));
  apns = transport();
});

afterEach(async () => {
  await apns.close();
  await fake.close();
});

describe('Http2ApnsTransport: happy', () => {
  it('sends many pushes, concurrent and sequential, over one session', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => apns.send(tokenPush())));
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    for (let i = 0; i < 5; i++) expect(await apns.send(tokenPush(TOKEN_B))).toMatchObject({ status: 'sent' });
    expect(fake.pushes).toHaveLength(55);
    expect(fake.pushes.every((p) => p.auth === 'token' && p.pushType === 'background')).toBe(true);
    expect(fake.sessionsOpened).toBe(1);
  });

  it('certificate auth presents the Pass Type ID certificate, one session per credentialsId', async () => {
    const brand = { ...tokenPush(), credentials: certificate(pki.brand), credentialsId: 'brand-1:cert' };
    const other = {
      ...tokenPush(TOKEN_B),
      topic: pki.other.passTypeId,
      credentials: certificate(pki.other),
      credentialsId: 'brand-2:cert',
    };
    expect(await apns.send(brand)).toMatchObject({ status: 'sent' });
    expect(await apns.send(brand)).toMatchObject({ status: 'sent' });
    expect(await apns.send(other)).toMatchObject({ status: 'sent' });
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    const [first, second, third, fourth] = fake.pushes;
    expect(first?.auth).toBe('certificate');
    expect(first?.clientCertSubject).toContain(`CN=Pass Type ID: ${pki.brand.passTypeId}`);
    expect(second?.clientCertSubject).toBe(first?.clientCertSubject);
    expect(third?.clientCertSubject).toContain(`CN=Pass Type ID: ${pki.other.passTypeId}`);
    expect(fourth?.auth).toBe('token');
    expect(fourth).not.toHaveProperty('clientCertSubject');
    expect(fake.sessionsOpened).toBe(3);
  });
});

describe('Http2ApnsTransport: APNs answers', () => {
  it.each([
    [
      { status: 410, reason: 'Unregistered' },
      { status: 'unregistered', reason: 'Unregistered' },
    ],
    [
      { status: 400, reason: 'BadDeviceToken' },
      { status: 'unregistered', reason: 'BadDeviceToken' },
    ],
    [
      { status: 429, reason: 'TooManyRequests', retryAfter: 12 },
      { status: 'retry', reason: 'TooManyRequests', retryAfterMs: 12_000 },
    ],
    [
      { status: 500, reason: 'InternalServerError' },
      { status: 'retry', reason: 'InternalServerError', retryAfterMs: undefined },
    ],
  ] as const)('%o → %o', async (answer, expected) => {
    fake.answerFor(TOKEN_A, answer);
    expect(await apns.send(tokenPush())).toEqual(expected);
  });

  it('403 ExpiredProviderToken → retry with a fresh token next time', async () => {
    await apns.send(tokenPush());
    fake.faultOnce({ status: 403, reason: 'ExpiredProviderToken' });
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'retry', reason: 'ExpiredProviderToken' });
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    const tokens = fake.pushes.map((p) => p.providerToken);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('a stream that gets no answer times out as retry; the live session is kept', async () => {
    apns = transport(300);
    await apns.send(tokenPush());
    fake.faultOnce('hang');
    expect(await apns.send(tokenPush())).toEqual({
      status: 'retry',
      reason: 'APNs did not answer in time',
      retryAfterMs: undefined,
    });
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    expect(fake.sessionsOpened).toBe(1);
  });

  it('a reset stream → retry', async () => {
    fake.faultOnce('reset');
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'retry' });
  });
});

describe('Http2ApnsTransport: connections', () => {
  it('reconnects after the server restarts', async () => {
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    await fake.close();
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'retry' });
    await fake.listen({ ...server(), port });
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    expect(fake.sessionsOpened).toBe(2);
  });

  it('opens a new session after GOAWAY', async () => {
    fake.faultOnce('goaway');
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    await vi.waitFor(() => expect(fake.openSessions).toBe(0));
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'sent' });
    expect(fake.sessionsOpened).toBe(2);
  });

  it('close() closes every session and refuses later pushes', async () => {
    await apns.send(tokenPush());
    await apns.send({ ...tokenPush(), credentials: certificate(pki.brand), credentialsId: 'brand-1:cert' });
    expect(fake.openSessions).toBe(2);
    await apns.close();
    await vi.waitFor(() => expect(fake.openSessions).toBe(0));
    expect(await apns.send(tokenPush())).toMatchObject({ status: 'retry' });
    expect(fake.sessionsOpened).toBe(2);
  });
});

describe('Http2ApnsTransport: security', () => {
  it('a client certificate the CA did not issue is refused', async () => {
    const push = { ...tokenPush(), credentials: certificate(pki.apnsServer), credentialsId: 'stranger' };
    expect(await apns.send(push)).toEqual({ status: 'rejected', reason: 'BadCertificate' });
    expect(fake.pushes).toEqual([]);
  });

  it("a certificate cannot push to another brand's pass type id", async () => {
    const push = {
      ...tokenPush(),
      topic: pki.other.passTypeId,
      credentials: certificate(pki.brand),
      credentialsId: 'brand-1:cert',
    };
    expect(await apns.send(push)).toEqual({ status: 'rejected', reason: 'TopicDisallowed' });
  });

  it('an unparseable certificate is rejected before connecting', async () => {
    const push = {
      ...tokenPush(),
      credentials: certificate({ certificatePem: 'not a pem', privateKeyPem: 'nor this' }),
      credentialsId: 'broken',
    };
    expect(await apns.send(push)).toEqual({
      status: 'rejected',
      reason: 'the APNs certificate credentials cannot be used',
    });
    expect(fake.sessionsOpened).toBe(0);
  });
});
