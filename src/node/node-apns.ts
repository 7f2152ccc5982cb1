/**
 * @module node/node-apns
 * The APNs transport over `node:http2`, for the Node entry. APNs wants long-lived connections with
 * many concurrent streams, not a connection per push, so sessions are pooled: one for token auth
 * (the JWT travels per request) and one per `credentialsId` for certificate auth (the Pass Type
 * ID certificate is presented once, in the TLS handshake of that connection). A session that
 * closes, errors or receives GOAWAY is dropped from the pool, and the next push opens a new one.
 * Sessions are unref'd, so an idle pool never keeps the process alive. A request in flight still
 * does, through its timeout timer.
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-certificate-based-connection-to-apns
 * @see https://nodejs.org/api/http2.html#class-clienthttp2session
 */
import { type ClientHttp2Session, connect, constants, type IncomingHttpHeaders } from 'node:http2';
import type { ApnsOutcome, ApnsPush, ApnsTransport } from '../wallet/apple/apns.ts';
import { passUpdateHeaders } from '../wallet/apple/apns-fetch.ts';
import { apnsOutcome, refuseBeforeSending, refusesProviderToken } from '../wallet/apple/apns-outcome.ts';
import { ApnsProviderTokens } from '../wallet/apple/apns-provider-token.ts';

export type Http2ApnsOptions = {
  /** `https://api.push.apple.com` (or the sandbox, or a fake). Only its origin is used. */
  baseUrl: string;
  now: () => number;
  /** Per request: no answer within this time is a `retry`. */
  timeoutMs: number;
  /** An extra trusted CA (PEM), for tests against a local fake; the system roots otherwise. */
  ca?: string;
};

// APNs error bodies are a few dozen bytes; anything much larger is not APNs talking.
const MAX_BODY_BYTES = 16 * 1024;

const retry = (reason: string): ApnsOutcome => ({ status: 'retry', reason, retryAfterMs: undefined });

export class Http2ApnsTransport implements ApnsTransport {
  private readonly options: Http2ApnsOptions;
  private readonly origin: string;
  private readonly tokens: ApnsProviderTokens;
  private readonly sessions = new Map<string, ClientHttp2Session>();
  private closed = false;

  constructor(options: Http2ApnsOptions) {
    this.options = options;
    this.origin = new URL(options.baseUrl).origin;
    this.tokens = new ApnsProviderTokens(options.now);
  }

  async send(push: ApnsPush): Promise<ApnsOutcome> {
    const refused = refuseBeforeSending(push);
    if (refused) return refused;
    if (this.closed) return retry('the APNs transport is closed');
    const { credentials } = push;
    const headers: Record<string, string> = {
      ':method': 'POST',
      ':path': `/3/device/${push.deviceToken}`,
      ...passUpdateHeaders(push.topic),
    };
    let jwt: string | undefined;
    let session: ClientHttp2Session;
    try {
      if (credentials.kind === 'token') {
        jwt = await this.tokens.token(push.credentialsId, credentials);
        headers.authorization = `bearer ${jwt}`;
        // One connection per team: APNs ties a connection's provider tokens to one developer team.
        session = this.session(`token:${credentials.teamId}`, {});
      } else {
        session = this.session(`certificate:${push.credentialsId}`, {
          cert: credentials.certificatePem,
          key: credentials.privateKeyPem,
        });
      }
    } catch {
      // A PEM that does not parse fails here, before any byte is sent; retrying will not fix it.
      return { status: 'rejected', reason: `the APNs ${credentials.kind} credentials cannot be used` };
    }
    const outcome = await this.request(session, headers);
    if (jwt && refusesProviderToken(outcome)) await this.tokens.drop(push.credentialsId, jwt);
    return outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => this.shut(session)));
  }

  private session(key: string, tls: { cert?: string; key?: string }): ClientHttp2Session {
    const pooled = this.sessions.get(key);
    if (pooled && !pooled.closed && !pooled.destroyed) return pooled;
    const session = connect(this.origin, {
      ...tls,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    session.unref();
    // Only this session is forgotten: a newer one under the same key stays pooled.
    const forget = () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    session.on('goaway', forget);
    session.on('close', forget);
    // The listener is also what keeps an 'error' from crashing the process; the streams on this
    // session fail on their own and report `retry`.
    session.on('error', forget);
    this.sessions.set(key, session);
    return session;
  }

  private request(session: ClientHttp2Session, headers: Record<string, string>): Promise<ApnsOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (outcome: ApnsOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let stream: ReturnType<ClientHttp2Session['request']>;
      try {
        stream = session.request(headers);
      } catch {
        // The session was closed or got GOAWAY between the pool lookup and now.
        return finish(retry('the connection to APNs closed'));
      }
      timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        this.probe(session);
        finish(retry('APNs did not answer in time'));
      }, this.options.timeoutMs);
      let answer: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (received) => {
        answer = received;
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (!answer) return finish(retry('APNs closed the stream without answering'));
        finish(
          apnsOutcome({
            status: Number(answer[':status']),
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: headerValue(answer['retry-after']),
            apnsId: headerValue(answer['apns-id']),
          }),
        );
      });
      // Error text stays out: it can carry the path, and the path holds the device token.
      stream.on('error', () => finish(retry('the APNs stream failed')));
      stream.on('close', () => finish(retry('the APNs stream was reset')));
      stream.end('{}');
    });
  }

  /**
   * After a timeout: is the connection itself dead (a silent network drop), or was it one slow
   * stream? A PING answers that. No pong in time means the session is destroyed, so the next push
   * reconnects instead of timing out on it forever.
   */
  private probe(session: ClientHttp2Session): void {
    if (session.destroyed || session.closed) return;
    if (session.connecting) return void session.destroy();
    const timer = setTimeout(() => session.destroy(), this.options.timeoutMs);
    timer.unref();
    try {
      session.ping((error) => {
        clearTimeout(timer);
        if (error) session.destroy();
      });
    } catch {
      clearTimeout(timer);
      session.destroy();
    }
  }

  /** Graceful close: streams in flight may finish, within one timeout. */
  private shut(session: ClientHttp2Session): Promise<void> {
    return new Promise((resolve) => {
      if (session.destroyed) return resolve();
      const timer = setTimeout(() => session.destroy(), this.options.timeoutMs);
      timer.unref();
      session.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      session.close();
    });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
