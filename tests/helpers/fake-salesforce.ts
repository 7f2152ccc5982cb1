/**
 * A local fake of the Salesforce REST API, answering like the real one where zeropass relies on
 * it: the OAuth token endpoint (client credentials and JWT bearer), sObject Collections upsert
 * (PATCH, by external ID, results in order, per-record errors), create (POST) and delete, SOQL
 * query (the few shapes the connector sends), an `Sforce-Limit-Info` header, and error injection:
 * whole-call faults (5xx, REQUEST_LIMIT_EXCEEDED, timeouts) and per-record ones
 * (UNABLE_TO_LOCK_ROW). It records every API call and every upsert so tests can count.
 * Reach it through `fetch` (in-process, both runtimes) or `handle` behind a local HTTP server.
 */
import { decodeJwt } from 'jose';

export const SALESFORCE_URL = 'https://salesforce.fake';
const ID_PREFIX: Record<string, string> = {
  Contact: '003',
  Lead: '00Q',
  Individual: '0PK',
  DataUsePurpose: '0ZX',
  ContactPointTypeConsent: '0ZY',
  AuthorizationForm: '0cI',
  AuthorizationFormText: '0cK',
  AuthorizationFormConsent: '0cJ',
};

type Answer = { status: number; body: unknown };
const answer = (body: unknown): Answer => ({ status: 200, body });

function countRecords(body: unknown): number {
  const b = body as { records?: unknown[]; compositeRequest?: { body?: unknown }[] } | undefined;
  return (
    (b?.records?.length ?? 0) + (b?.compositeRequest ?? []).reduce((n, sub) => n + countRecords(sub.body), 0)
  );
}

type Fault = { status: number; errorCode: string } | 'timeout';
type SObject = Record<string, unknown> & { Id: string };

export class FakeSalesforce {
  readonly baseUrl: string;
  readonly clientId = 'fake-client-id';
  readonly clientSecret = 'fake-client-secret';
  /** Every call except token requests: method and path. */
  readonly apiCalls: { method: string; origin: string; path: string; records: number }[] = [];
  tokenRequests = 0;
  readonly objects = new Map<string, Map<string, SObject>>();
  /** Every record-level upsert that succeeded, in order. */
  readonly upserts: { sobject: string; key: string; created: boolean }[] = [];
  /** Faults for the next calls, consumed one per call. */
  readonly faults: Fault[] = [];
  /** While set, every API call fails this way. */
  outage: Fault | undefined;
  /** Per-record errors keyed `SObject:externalId`, consumed one per upsert of that record. */
  readonly recordErrors = new Map<string, string[]>();
  latencyMs = 0;
  inFlight = 0;
  peakInFlight = 0;
  private counter = 0;
  private readonly tokens = new Set<string>();

  constructor(baseUrl = SALESFORCE_URL) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  table(sobject: string): Map<string, SObject> {
    let t = this.objects.get(sobject);
    if (!t) {
      t = new Map();
      this.objects.set(sobject, t);
    }
    return t;
  }

  records(sobject: string): SObject[] {
    return [...this.table(sobject).values()];
  }

  createdCount(sobject: string, key: string): number {
    return this.upserts.filter((u) => u.sobject === sobject && u.key === key && u.created).length;
  }

  fetch: typeof fetch = async (input, init) => this.handle(new Request(input, init));

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/services/oauth2/token') return this.token(request);
    const signal = request.signal;
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      // Like the real service, a bad session is answered before anything else happens.
      const bearer = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      if (!bearer || !this.tokens.has(bearer)) {
        return Response.json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], {
          status: 401,
        });
      }
      const fault = this.faults.shift() ?? this.outage;
      if (fault === 'timeout') {
        await new Promise<never>((_, reject) => {
          const fail = () => reject(signal.reason ?? new DOMException('timed out', 'TimeoutError'));
          if (signal.aborted) fail();
          signal.addEventListener('abort', fail);
        });
      }
      const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json();
      const records = countRecords(body);
      this.apiCalls.push({ method: request.method, origin: url.origin, path: url.pathname, records });
      if (fault && fault !== 'timeout')
        return Response.json([{ message: 'injected', errorCode: fault.errorCode }], { status: fault.status });
      const answer = this.dispatch(request.method, url, body);
      const response = Response.json(answer.body, { status: answer.status });
      response.headers.set('sforce-limit-info', `api-usage=${this.apiCalls.length}/15000`);
      return response;
    } finally {
      this.inFlight--;
    }
  }

  private async token(request: Request): Promise<Response> {
    this.tokenRequests++;
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    const grant = form.get('grant_type');
    let ok = false;
    if (grant === 'client_credentials') {
      ok = form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret;
    } else if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      // Signature checks belong to the real service; the fake checks the claims' shape.
      const claims = decodeJwt(form.get('assertion') ?? '');
      ok = claims.iss === this.clientId && typeof claims.sub === 'string' && typeof claims.exp === 'number';
    }
    if (!ok)
      return Response.json(
        { error: 'invalid_client', error_description: 'invalid client credentials' },
        { status: 400 },
      );
    const accessToken = `00Dfake!${crypto.randomUUID()}`;
    this.tokens.add(accessToken);
    return Response.json({ access_token: accessToken, instance_url: this.baseUrl, token_type: 'Bearer' });
  }

  /** Drops every issued token: the next API call answers 401 INVALID_SESSION_ID. */
  expireTokens() {
    this.tokens.clear();
  }

  private newId(sobject: string) {
    return `${ID_PREFIX[sobject] ?? '001'}fake${(this.counter++).toString().padStart(11, '0')}`;
  }

  private dispatch(method: string, url: URL, body: unknown): Answer {
    const path = url.pathname.replace(/^\/services\/data\/v\d+\.\d+/, '');
    if (method === 'POST' && path === '/composite') return this.composite(body);
    const single = /^\/sobjects\/(\w+)\/(\w+)\/([^/]+)$/.exec(path);
    if (method === 'PATCH' && single?.[1] && single[2] && single[3]) {
      // The one-record upsert (what jsforce's `upsert` sends per record): 201 created, 200 updated.
      const [result] = this.upsert(single[1], single[2], {
        records: [{ ...(body as object), [single[2]]: decodeURIComponent(single[3]) }],
      }).body as {
        created: boolean;
      }[];
      return { status: result?.created ? 201 : 200, body: result };
    }
    if (method === 'GET' && single?.[1] && single[2] && single[3]) {
      // Retrieve by external ID: the record with its `attributes`, or 404 NOT_FOUND.
      const key = decodeURIComponent(single[3]);
      const found = this.records(single[1]).find((r) => r[single[2] as string] === key);
      if (!found) return { status: 404, body: [{ message: 'not found', errorCode: 'NOT_FOUND' }] };
      return answer({ attributes: { type: single[1], url: `/sobjects/${single[1]}/${found.Id}` }, ...found });
    }
    const upsert = /^\/composite\/sobjects\/(\w+)\/(\w+)$/.exec(path);
    if (method === 'PATCH' && upsert?.[1] && upsert[2]) return this.upsert(upsert[1], upsert[2], body);
    if (method === 'POST' && path === '/composite/sobjects') return this.create(body);
    if (method === 'DELETE' && path === '/composite/sobjects') return this.remove(url);
    if (method === 'GET' && path === '/query') return this.query(url.searchParams.get('q') ?? '');
    return { status: 404, body: [{ message: 'not found', errorCode: 'NOT_FOUND' }] };
  }

  /** Runs subrequests in order, resolving `@{ref[i].id}` against earlier collection results. */
  private composite(body: unknown): Answer {
    const { compositeRequest } = body as {
      compositeRequest: { method: string; url: string; referenceId: string; body?: unknown }[];
    };
    if (!Array.isArray(compositeRequest) || compositeRequest.length > 25) {
      return { status: 400, body: [{ message: 'too many subrequests', errorCode: 'INVALID_FIELD' }] };
    }
    const done = new Map<string, unknown>();
    const compositeResponse = compositeRequest.map((sub) => {
      let broken = false;
      const resolved = JSON.parse(JSON.stringify(sub.body ?? null), (_key, value: unknown) => {
        if (typeof value !== 'string') return value;
        const ref = /^@\{(\w+)\[(\d+)\]\.id\}$/.exec(value);
        if (!ref?.[1]) return value;
        const target = (done.get(ref[1]) as { id?: string; success?: boolean }[] | undefined)?.[
          Number(ref[2])
        ];
        if (!target?.success || !target.id) broken = true;
        return target?.id ?? null;
      }) as unknown;
      const answer: Answer = broken
        ? {
            status: 400,
            body: [{ message: `reference in ${sub.referenceId} failed`, errorCode: 'PROCESSING_HALTED' }],
          }
        : this.dispatch(sub.method, new URL(sub.url, this.baseUrl), resolved);
      done.set(sub.referenceId, answer.body);
      return {
        body: answer.body,
        httpHeaders: {},
        httpStatusCode: answer.status,
        referenceId: sub.referenceId,
      };
    });
    return { status: 200, body: { compositeResponse } };
  }

  private upsert(sobject: string, field: string, body: unknown): Answer {
    const { records } = body as { records: Record<string, unknown>[] };
    if (!Array.isArray(records) || records.length > 200) {
      return { status: 400, body: [{ message: 'too many records', errorCode: 'EXCEEDED_ID_LIMIT' }] };
    }
    const table = this.table(sobject);
    return answer(
      records.map((record) => {
        const { attributes: _attributes, ...fields } = record;
        const key = String(fields[field] ?? '');
        const injected = this.recordErrors.get(`${sobject}:${key}`)?.shift();
        if (injected)
          return { success: false, errors: [{ statusCode: injected, message: 'injected', fields: [] }] };
        const existing = [...table.values()].find((r) => r[field] === key);
        if (existing) {
          Object.assign(existing, fields);
          this.upserts.push({ sobject, key, created: false });
          return { id: existing.Id, success: true, errors: [], created: false };
        }
        const Id = this.newId(sobject);
        table.set(Id, { ...fields, Id });
        this.upserts.push({ sobject, key, created: true });
        return { id: Id, success: true, errors: [], created: true };
      }),
    );
  }

  private create(body: unknown): Answer {
    const { records } = body as { records: Record<string, unknown>[] };
    return answer(
      records.map((record) => {
        const { attributes, ...fields } = record as { attributes: { type: string } };
        const Id = this.newId(attributes.type);
        this.table(attributes.type).set(Id, { ...fields, Id });
        return { id: Id, success: true, errors: [] };
      }),
    );
  }

  private remove(url: URL): Answer {
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    return answer(
      ids.map((id) => {
        for (const table of this.objects.values())
          if (table.delete(id)) return { id, success: true, errors: [] };
        return { id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED' }] };
      }),
    );
  }

  /** Understands `SELECT f1, f2 FROM Type [WHERE Field IN ('a','b')] [LIMIT n]`. */
  private query(soql: string): Answer {
    const match = /^SELECT (.+?) FROM (\w+)(?: WHERE (\w+) IN \((.*)\))?(?: LIMIT (\d+))?$/i.exec(
      soql.trim(),
    );
    if (!match?.[1] || !match[2]) {
      return { status: 400, body: [{ message: 'unsupported query', errorCode: 'MALFORMED_QUERY' }] };
    }
    const fields = match[1].split(',').map((f) => f.trim());
    const values = match[4] ? [...match[4].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]) : undefined;
    let rows = this.records(match[2]);
    if (match[3] && values) rows = rows.filter((r) => values.includes(String(r[match[3] as string])));
    if (match[5]) rows = rows.slice(0, Number(match[5]));
    const records = rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
    return answer({ totalSize: records.length, done: true, records });
  }
}
