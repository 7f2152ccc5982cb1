/**
 * A local fake of Google's OAuth 2.0 token endpoint and the Wallet REST API (walletobjects v1),
 * answering like the real ones where zeropass relies on them: the JWT-bearer grant checked
 * against the service account's public key (iss, aud, scope, exp), bearer tokens it issued
 * (401 otherwise), insert (409 ALREADY_EXISTS), get and patch (404 NOT_FOUND) of loyalty classes
 * and objects, addMessage, and injected faults (429 with Retry-After, 5xx, network errors) for
 * the next API calls. It records every API call with its time, and every notification.
 */
import { exportPKCS8, jwtVerify } from 'jose';
import { generateRs256KeyPair, randomId } from '../../src/crypto.ts';

export const GOOGLE_TOKEN_URL = 'https://oauth2.google.fake/token';
export const GOOGLE_API_URL = 'https://walletobjects.google.fake/walletobjects/v1';
export const GOOGLE_SAVE_URL = 'https://pay.google.fake/gp/v/save';
export const WALLET_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';

type Fault = { status: number; retryAfter?: string } | 'network';
export type ApiCall = {
  method: string;
  resource: string;
  id: string | undefined;
  at: number;
  body: Record<string, unknown>;
};
type Resource = Record<string, unknown> & { id: string };

const googleError = (code: number, status: string, message: string) =>
  Response.json(
    { error: { code, message, status, errors: [{ reason: status.toLowerCase(), message }] } },
    { status: code },
  );

export class FakeGoogle {
  readonly calls: ApiCall[] = [];
  readonly notifications: { id: string; at: number; kind: 'update' | 'message' }[] = [];
  readonly classes = new Map<string, Resource>();
  readonly objects = new Map<string, Resource>();
  tokenRequests = 0;
  /** Faults for the next API calls, consumed one per call. */
  readonly faults: Fault[] = [];
  private readonly publicKeys = new Map<string, CryptoKey>();
  private readonly tokens = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** A service account's JSON key, as Google Cloud hands it out; the fake trusts its public key. */
  async serviceAccount(name = 'zeropass-wallet') {
    const pair = await generateRs256KeyPair();
    const keyId = randomId('key').slice(4, 20);
    const email = `${name}@brand-project.iam.gserviceaccount.com`;
    this.publicKeys.set(`${email} ${keyId}`, pair.publicKey);
    const pem = await exportPKCS8(pair.privateKey);
    return {
      key: {
        type: 'service_account' as const,
        project_id: 'brand-project',
        private_key_id: keyId,
        private_key: pem,
        client_email: email,
      },
      publicKey: pair.publicKey,
    };
  }

  /** Calls of one kind: e.g. `calls('PATCH', 'loyaltyObject')`. */
  callsOf(method: string, resource: string) {
    return this.calls.filter((c) => c.method === method && c.resource === resource);
  }

  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url === GOOGLE_TOKEN_URL) return this.token(request);
    if (!request.url.startsWith(`${GOOGLE_API_URL}/`)) return new Response('not found', { status: 404 });
    const bearer = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    const expires = this.tokens.get(bearer);
    if (!expires || expires <= this.now()) {
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    }
    const [resource = '', rawId, action] = request.url.slice(GOOGLE_API_URL.length + 1).split('/');
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
    const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    this.calls.push({
      method: request.method,
      resource: action ? `${resource}/${action}` : resource,
      id,
      at: Date.now(),
      body,
    });
    const fault = this.faults.shift();
    if (fault === 'network') throw new TypeError('fetch failed: connection reset');
    if (fault) {
      const headers = fault.retryAfter ? { 'retry-after': fault.retryAfter } : undefined;
      return new Response(JSON.stringify({ error: { code: fault.status, status: 'UNAVAILABLE' } }), {
        status: fault.status,
        headers,
      });
    }
    const store =
      resource === 'loyaltyClass' ? this.classes : resource === 'loyaltyObject' ? this.objects : undefined;
    if (!store) return googleError(404, 'NOT_FOUND', 'Unknown resource');
    return this.api(store, request.method, id, action, body);
  };

  private api(
    store: Map<string, Resource>,
    method: string,
    id: string | undefined,
    action: string | undefined,
    body: Record<string, unknown>,
  ) {
    if (method === 'POST' && id === undefined) {
      if (typeof body.id !== 'string') return googleError(400, 'INVALID_ARGUMENT', 'id is required');
      if (store.has(body.id)) return googleError(409, 'ALREADY_EXISTS', `Resource ${body.id} already exists`);
      if (store === this.objects && !this.classes.has(String(body.classId))) {
        return googleError(404, 'NOT_FOUND', `Class ${String(body.classId)} not found`);
      }
      store.set(body.id, { ...body, id: body.id });
      return Response.json(store.get(body.id));
    }
    const current = id === undefined ? undefined : store.get(id);
    if (!current) return googleError(404, 'NOT_FOUND', `Resource ${id} not found`);
    if (method === 'GET') return Response.json(current);
    if (method === 'PATCH') {
      const { notifyPreference, ...fields } = body;
      if (notifyPreference === 'NOTIFY_ON_UPDATE') {
        const dayAgo = this.now() - 86_400_000;
        if (this.notifications.filter((n) => n.id === current.id && n.at > dayAgo).length >= 3) {
          // What Google answers over the budget: 403 with the reason and no `status`.
          const error = {
            code: 403,
            message: 'Quota exceeded',
            errors: [{ domain: 'walletobjects', reason: 'quotaExceeded' }],
          };
          return Response.json({ error }, { status: 403 });
        }
        this.notifications.push({ id: current.id, at: this.now(), kind: 'update' });
      }
      Object.assign(current, fields);
      return Response.json(current);
    }
    if (method === 'POST' && action === 'addMessage') {
      const message = body.message as { messageType?: string } | undefined;
      current.messages = [...((current.messages as unknown[]) ?? []), message];
      if (message?.messageType === 'TEXT_AND_NOTIFY')
        this.notifications.push({ id: current.id, at: this.now(), kind: 'message' });
      return Response.json({ resource: current });
    }
    return googleError(400, 'INVALID_ARGUMENT', 'Unsupported call');
  }

  private async token(request: Request): Promise<Response> {
    this.tokenRequests++;
    const form = new URLSearchParams(await request.text());
    const invalid = (description: string) =>
      Response.json({ error: 'invalid_grant', error_description: description }, { status: 400 });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return Response.json({ error: 'unsupported_grant_type' }, { status: 400 });
    }
    const assertion = form.get('assertion') ?? '';
    try {
      const [header = ''] = assertion.split('.');
      const { kid } = JSON.parse(atob(header.replace(/-/g, '+').replace(/_/g, '/'))) as { kid?: string };
      const [, claimsPart = ''] = assertion.split('.');
      const { iss } = JSON.parse(atob(claimsPart.replace(/-/g, '+').replace(/_/g, '/'))) as { iss?: string };
      const key = this.publicKeys.get(`${iss} ${kid}`);
      if (!key) return invalid('Invalid JWT Signature.');
      const { payload } = await jwtVerify(assertion, key, {
        audience: GOOGLE_TOKEN_URL,
        algorithms: ['RS256'],
        currentDate: new Date(this.now()),
      });
      if (payload.scope !== WALLET_SCOPE) return invalid('Invalid scope');
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600)
        return invalid('Invalid JWT: exp too far in the future');
    } catch {
      return invalid('Invalid JWT Signature.');
    }
    const token = `ya29.${randomId('tok').slice(4)}`;
    this.tokens.set(token, this.now() + 3600_000);
    return Response.json({ access_token: token, expires_in: 3599, token_type: 'Bearer' });
  }
}
