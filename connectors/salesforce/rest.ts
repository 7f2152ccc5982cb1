/**
 * @module connectors/salesforce/rest
 * A small Salesforce REST client over the injected fetch: OAuth token (client credentials or JWT
 * bearer, cached, refreshed once on 401), sObject Collections, SOQL query, and a cap on calls in
 * flight per org (Salesforce allows 25 concurrent long-running requests). Faults become typed
 * errors so the connector can choose: REQUEST_LIMIT_EXCEEDED is a long backoff, the rest retry.
 * jsforce is not used: its `upsert` makes one call per record, and a fetch port keeps this the
 * same on Workers, Node and against the local fake.
 * @see https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
import { importPKCS8, SignJWT } from 'jose';
import type { ConnectorRuntime } from '../types.ts';
import type { SalesforceConfig } from './manifest.ts';

export const MAX_IN_FLIGHT = 25;

/** The error code of a 2xx whose body is not the JSON Salesforce documents (cut off, a proxy's page). */
const MALFORMED_RESPONSE = 'MALFORMED_RESPONSE';

/**
 * The body as JSON, or undefined when it is empty or not JSON. A body that cannot be read (the
 * timeout fired mid-body, the connection dropped) throws, so it is reported as what it was.
 */
async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export class SalesforceError extends Error {
  override name = 'SalesforceError';
  readonly status: number;
  readonly errorCode: string;
  /** The answer's Retry-After header, if it had one. */
  readonly retryAfter: string | null;
  constructor(status: number, errorCode: string, retryAfter: string | null = null) {
    super(`Salesforce answered ${status} ${errorCode}`);
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfter = retryAfter;
  }
  get limitExceeded() {
    return this.errorCode === 'REQUEST_LIMIT_EXCEEDED';
  }
  get retryable() {
    return (
      this.status >= 500 ||
      this.status === 401 ||
      this.status === 408 ||
      this.status === 429 ||
      this.limitExceeded ||
      this.errorCode === 'UNABLE_TO_LOCK_ROW' ||
      this.errorCode === MALFORMED_RESPONSE
    );
  }
}

export type SaveResult = {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message?: string; fields?: string[] }[];
};
export type SObjectRecord = Record<string, unknown>;
export type CompositeSubrequest = { method: string; url: string; referenceId: string; body?: unknown };
export type CompositeSubresponse = { body: unknown; httpStatusCode: number; referenceId: string };

/** A counting semaphore shared by every client of one org in this isolate or process. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  peak = 0;
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
const gates = new Map<string, Gate>();
export const gateFor = (org: string) => {
  let gate = gates.get(org);
  if (!gate) {
    gate = new Gate();
    gates.set(org, gate);
  }
  return gate;
};

type Token = { accessToken: string; instanceUrl: string };

/**
 * Access tokens outlive a batch: clients are built per batch, so tokens are kept per process or
 * isolate, keyed by everything that identifies the credentials and where the token sends calls
 * (a configured instance URL, which the cached token carries), in memory only, never logged.
 */
const tokens = new Map<string, Token>();
const MAX_TOKENS = 1_000;

export class SalesforceRest {
  private readonly config: SalesforceConfig;
  private readonly runtime: ConnectorRuntime;
  private readonly tokenKey: string;

  constructor(config: SalesforceConfig, runtime: ConnectorRuntime) {
    this.config = config;
    this.runtime = runtime;
    const { authFlow, loginUrl, instanceUrl, clientId, clientSecret, username, privateKey } = config;
    this.tokenKey = JSON.stringify([
      authFlow,
      loginUrl,
      instanceUrl,
      clientId,
      clientSecret,
      username,
      privateKey,
    ]);
  }

  private get token(): Token | undefined {
    return tokens.get(this.tokenKey);
  }

  private set token(value: Token | undefined) {
    if (!value) {
      tokens.delete(this.tokenKey);
      return;
    }
    if (tokens.size >= MAX_TOKENS) tokens.delete(tokens.keys().next().value ?? '');
    tokens.set(this.tokenKey, value);
  }

  private async assertion(): Promise<string> {
    const key = await importPKCS8(this.config.privateKey ?? '', 'RS256');
    const now = Math.floor(this.runtime.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(this.config.clientId)
      .setSubject(this.config.username ?? '')
      .setAudience(new URL(this.config.loginUrl).origin)
      .setExpirationTime(now + 180)
      .sign(key);
  }

  async authenticate(): Promise<Token> {
    const form = new URLSearchParams();
    if (this.config.authFlow === 'jwt_bearer') {
      form.set('grant_type', 'urn:ietf:params:oauth:grant-type:jwt-bearer');
      form.set('assertion', await this.assertion());
    } else {
      form.set('grant_type', 'client_credentials');
      form.set('client_id', this.config.clientId);
      form.set('client_secret', this.config.clientSecret ?? '');
    }
    const response = await this.runtime.fetch(new URL('/services/oauth2/token', this.config.loginUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    const body = (await readJson(response)) as Record<string, string> | undefined;
    if (!response.ok) {
      const code = body?.error ?? 'TOKEN_REQUEST_FAILED';
      throw new SalesforceError(response.status, code, response.headers.get('retry-after'));
    }
    // A 200 without a token is a broken answer, not a refusal of our credentials: try again later.
    if (typeof body?.access_token !== 'string')
      throw new SalesforceError(response.status, MALFORMED_RESPONSE);
    this.token = {
      accessToken: body.access_token,
      instanceUrl: (this.config.instanceUrl ?? body.instance_url ?? '').replace(/\/$/, ''),
    };
    return this.token;
  }

  /** One REST call; a 401 refreshes the token and tries once more. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const gate = gateFor(this.runtime.scope ?? this.config.instanceUrl ?? this.config.loginUrl);
    for (let attempt = 0; ; attempt++) {
      const token = this.token ?? (await this.authenticate());
      const url = `${token.instanceUrl}/services/data/v${this.config.apiVersion}${path}`;
      const response = await gate.run(() =>
        this.runtime.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token.accessToken}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? null : JSON.stringify(body),
          signal: AbortSignal.timeout(this.config.timeoutMs),
        }),
      );
      const limit = response.headers.get('sforce-limit-info');
      if (limit) this.runtime.logger.debug('salesforce api usage', { limit });
      if (response.status === 204) return undefined as T;
      const parsed = await readJson(response);
      if (response.ok) {
        if (parsed === undefined) throw new SalesforceError(response.status, MALFORMED_RESPONSE);
        return parsed as T;
      }
      const code = Array.isArray(parsed)
        ? String((parsed[0] as { errorCode?: string })?.errorCode ?? '')
        : '';
      if (response.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      throw new SalesforceError(
        response.status,
        code || `HTTP_${response.status}`,
        response.headers.get('retry-after'),
      );
    }
  }

  /** PATCH /composite/sobjects/{type}/{field}: up to 200 upserts in one call, results in order. */
  upsertCollection(
    sobject: string,
    externalIdField: string,
    records: SObjectRecord[],
  ): Promise<SaveResult[]> {
    return this.call('PATCH', `/composite/sobjects/${sobject}/${externalIdField}`, {
      allOrNone: false,
      records: records.map((r) => ({ attributes: { type: sobject }, ...r })),
    });
  }

  /** POST /composite: up to 25 subrequests (5 of them collections) in one API call. */
  composite(subrequests: CompositeSubrequest[]): Promise<{ compositeResponse: CompositeSubresponse[] }> {
    return this.call('POST', '/composite', { allOrNone: false, compositeRequest: subrequests });
  }

  dataPath(path: string) {
    return `/services/data/v${this.config.apiVersion}${path}`;
  }

  createCollection(sobject: string, records: SObjectRecord[]): Promise<SaveResult[]> {
    return this.call('POST', '/composite/sobjects', {
      allOrNone: false,
      records: records.map((r) => ({ attributes: { type: sobject }, ...r })),
    });
  }

  deleteCollection(ids: string[]): Promise<SaveResult[]> {
    return this.call(
      'DELETE',
      `/composite/sobjects?allOrNone=false&ids=${ids.map(encodeURIComponent).join(',')}`,
    );
  }

  async query<T extends SObjectRecord>(soql: string): Promise<T[]> {
    const result = await this.call<{ records: T[] }>('GET', `/query?q=${encodeURIComponent(soql)}`);
    return result.records;
  }
}

/** A SOQL string literal; values come from our own ids and purpose keys, still escaped. */
export const soqlString = (value: string) => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export function chunks<T>(items: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
