/**
 * A local fake of APNs' provider API, checking requests as APNs does: a POST to
 * `/3/device/<hex token>`, `apns-topic`, `apns-push-type: background` (priority 5 if given), an
 * empty JSON body, and either a bearer provider token (ES256 JWT, checked against the keys it
 * trusts, refused after an hour) or a TLS client certificate issued by the CA it was given.
 * Answers carry `apns-id` and `{"reason": …}` bodies, as the real service sends them. The answer
 * for each device token can be scripted, and one-shot faults can be injected (hang, reset,
 * GOAWAY, any status). There are two ways in: `fetch` (in process, for both test projects) and
 * `listen()` (a real HTTP/2 TLS server, Node only; it counts sessions).
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
import type { X509Certificate } from 'node:crypto';
import type { Http2SecureServer, ServerHttp2Session } from 'node:http2';
import { compactVerify, decodeProtectedHeader, exportJWK, importJWK, importPKCS8, importSPKI } from 'jose';

export type ScriptedAnswer = 200 | { status: number; reason: string; retryAfter?: number };
export type ApnsFault = 'hang' | 'reset' | 'goaway' | { status: number; reason: string; retryAfter?: number };

export type RecordedPush = {
  deviceToken: string;
  topic: string;
  pushType: string;
  auth: 'token' | 'certificate';
  clientCertSubject?: string;
  /** The provider token and its `iat` in seconds (token auth). */
  providerToken?: string;
  issuedAt?: number;
  status: number;
};

export type FakeApnsRequest = {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
  /** The TLS client certificate (listen() only): its subject, and whether the CA issued it. */
  clientCertificate?: { subject: string; trusted: boolean };
};

export type FakeApnsAnswer =
  | { status: number; headers: Record<string, string>; body: string }
  | 'hang'
  | 'reset'
  | 'goaway';

type TrustedKey = { teamId: string; key: CryptoKey };

const DEVICE_PATH = /^\/3\/device\/([^/?]+)$/;
const HEX = /^[0-9a-fA-F]+$/;
const HOUR_SECONDS = 3600;

export class FakeApns {
  /** Every request that passed validation, with the status it was answered. */
  readonly pushes: RecordedPush[] = [];
  /** Refusals made by validation (status and reason), in order. */
  readonly refusals: { status: number; reason: string }[] = [];
  /** TLS sessions opened (listen() only). */
  sessionsOpened = 0;
  private readonly open = new Set<ServerHttp2Session>();
  private readonly keys = new Map<string, TrustedKey>();
  private readonly answers = new Map<string, ScriptedAnswer>();
  private readonly faults: { fault: ApnsFault; deviceToken: string | undefined }[] = [];
  private readonly now: () => number;
  private server: Http2SecureServer | undefined;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Trusts a provider-token key; the private PEM works too (its public half is derived). */
  async trustKey(keyId: string, teamId: string, pem: string): Promise<void> {
    let key: CryptoKey;
    if (pem.includes('PRIVATE KEY')) {
      const { d: _d, ...publicJwk } = await exportJWK(await importPKCS8(pem, 'ES256', { extractable: true }));
      key = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
    } else key = await importSPKI(pem, 'ES256');
    this.keys.set(keyId, { teamId, key });
  }

  answerFor(deviceToken: string, answer: ScriptedAnswer): void {
    this.answers.set(deviceToken.toLowerCase(), answer);
  }

  /** The next request (for that device token, if given) gets this fault instead of its answer. */
  faultOnce(fault: ApnsFault, deviceToken?: string): void {
    this.faults.push({ fault, deviceToken: deviceToken?.toLowerCase() });
  }

  get openSessions(): number {
    return this.open.size;
  }

  async handle(req: FakeApnsRequest): Promise<FakeApnsAnswer> {
    const refuse = (status: number, reason: string) => {
      this.refusals.push({ status, reason });
      return error(status, reason);
    };
    if (req.method !== 'POST') return refuse(405, 'MethodNotAllowed');
    const match = DEVICE_PATH.exec(req.path);
    if (!match?.[1]) return refuse(404, 'BadPath');
    const deviceToken = match[1].toLowerCase();
    if (!HEX.test(deviceToken)) return refuse(400, 'BadDeviceToken');
    const topic = req.headers['apns-topic'];
    if (!topic) return refuse(400, 'MissingTopic');
    const pushType = req.headers['apns-push-type'] ?? '';
    if (pushType !== 'background') return refuse(400, 'InvalidPushType');
    const priority = req.headers['apns-priority'];
    if (priority !== undefined && priority !== '5') return refuse(400, 'BadPriority');
    if (req.body.trim() === '') return refuse(400, 'PayloadEmpty');
    if (!isEmptyObject(req.body)) return refuse(400, 'BadPayload');

    const record: RecordedPush = { deviceToken, topic, pushType, auth: 'token', status: 0 };
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const checked = await this.checkProviderToken(authorization);
      if (typeof checked === 'string') return refuse(403, checked);
      record.providerToken = checked.jwt;
      record.issuedAt = checked.iat;
    } else if (req.clientCertificate) {
      if (!req.clientCertificate.trusted) return refuse(403, 'BadCertificate');
      // A Pass Type ID certificate may push only to its own pass type id (its UID).
      if (!req.clientCertificate.subject.split('\n').includes(`UID=${topic}`))
        return refuse(400, 'TopicDisallowed');
      record.auth = 'certificate';
      record.clientCertSubject = req.clientCertificate.subject;
    } else return refuse(403, 'MissingProviderToken');

    const faultAt = this.faults.findIndex(
      (f) => f.deviceToken === undefined || f.deviceToken === deviceToken,
    );
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0]?.fault : undefined;
    const answer = fault ?? this.answers.get(deviceToken) ?? 200;
    if (answer === 'hang' || answer === 'reset' || answer === 'goaway') {
      this.pushes.push({ ...record, status: 0 });
      return answer;
    }
    if (answer === 200) {
      this.pushes.push({ ...record, status: 200 });
      return { status: 200, headers: { 'apns-id': apnsId() }, body: '' };
    }
    this.pushes.push({ ...record, status: answer.status });
    const answered = error(answer.status, answer.reason, answer.status === 410 ? this.now() : undefined);
    if (answer.retryAfter !== undefined) answered.headers['retry-after'] = String(answer.retryAfter);
    return answered;
  }

  private async checkProviderToken(authorization: string): Promise<{ jwt: string; iat: number } | string> {
    const jwt = /^bearer (\S+)$/i.exec(authorization)?.[1];
    if (!jwt) return 'MissingProviderToken';
    let claims: { iss?: unknown; iat?: unknown };
    try {
      const header = decodeProtectedHeader(jwt);
      const trusted = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
      if (!trusted || header.alg !== 'ES256') return 'InvalidProviderToken';
      const { payload } = await compactVerify(jwt, trusted.key, { algorithms: ['ES256'] });
      claims = JSON.parse(new TextDecoder().decode(payload));
      if (claims.iss !== trusted.teamId) return 'InvalidProviderToken';
    } catch {
      return 'InvalidProviderToken';
    }
    if (typeof claims.iat !== 'number') return 'InvalidProviderToken';
    const nowSeconds = Math.floor(this.now() / 1000);
    if (nowSeconds - claims.iat > HOUR_SECONDS) return 'ExpiredProviderToken';
    if (claims.iat > nowSeconds + 60) return 'InvalidProviderToken';
    return { jwt, iat: claims.iat };
  }

  /** In-process entry: a `fetch` that answers like APNs, socket-free (works in workerd). */
  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const signal = init?.signal ?? request.signal;
    const url = new URL(request.url);
    const answer = await this.handle({
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    });
    if (answer === 'reset' || answer === 'goaway') throw new TypeError('Network connection lost.');
    if (answer === 'hang')
      return new Promise<Response>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    return new Response(answer.body === '' ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    });
  };

  /** Starts an HTTP/2 TLS server on 127.0.0.1 (Node only); returns its base URL. */
  async listen(tls: { certificatePem: string; privateKeyPem: string; caPem: string; port?: number }) {
    const { createSecureServer, constants } = await import('node:http2');
    const { X509Certificate: Certificate } = await import('node:crypto');
    const issuers = pemBlocks(tls.caPem).map((pem) => new Certificate(pem));
    const server = createSecureServer({
      cert: tls.certificatePem,
      key: tls.privateKeyPem,
      // Asked for but checked per request: token-auth clients present no certificate.
      requestCert: true,
      rejectUnauthorized: false,
    });
    server.on('session', (session) => {
      this.sessionsOpened++;
      this.open.add(session);
      session.on('close', () => this.open.delete(session));
      session.on('error', () => {});
    });
    server.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const peer = stream.session?.socket as { getPeerX509Certificate?: () => X509Certificate | undefined };
        const leaf = peer?.getPeerX509Certificate?.();
        const answer = await this.handle({
          method: String(headers[':method']),
          path: String(headers[':path']),
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]),
          ),
          body: Buffer.concat(chunks).toString('utf8'),
          ...(leaf ? { clientCertificate: { subject: leaf.subject, trusted: issuedBy(leaf, issuers) } } : {}),
        });
        if (answer === 'hang' || stream.destroyed) return;
        if (answer === 'reset') return void stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        if (answer === 'goaway') {
          stream.respond({ ':status': 200, 'apns-id': apnsId() });
          stream.end();
          return void stream.session?.close();
        }
        stream.respond({ ':status': answer.status, ...answer.headers });
        stream.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(tls.port ?? 0, '127.0.0.1', resolve));
    this.server = server;
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    return { baseUrl: `https://127.0.0.1:${address.port}`, port: address.port };
  }

  /** Stops the TLS server, cutting every session (as a restart of APNs would). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const session of this.open) session.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function error(status: number, reason: string, timestamp?: number) {
  const body = timestamp === undefined ? { reason } : { reason, timestamp };
  return {
    status,
    headers: { 'apns-id': apnsId(), 'content-type': 'application/json' } as Record<string, string>,
    body: JSON.stringify(body),
  };
}

function apnsId(): string {
  return crypto.randomUUID().toUpperCase();
}

function isEmptyObject(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body);
    // Wallet's pass update push is exactly `{}`: Wallet ignores any content, so none is sent.
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.keys(parsed).length === 0
    );
  } catch {
    return false;
  }
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function issuedBy(leaf: X509Certificate, issuers: X509Certificate[]): boolean {
  const now = Date.now();
  if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) return false;
  return issuers.some((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
}
