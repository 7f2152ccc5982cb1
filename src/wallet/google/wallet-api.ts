/**
 * @module wallet/google/wallet-api
 * The few Google Wallet REST calls zeropass makes, each answered as an outcome the caller acts
 * on rather than an exception: 404 and 409 are ordinary answers (recreate; patch instead), 429
 * and 5xx come back later (honouring Retry-After), other refusals are final. A 401 drops the
 * cached token and tries once more with a new one.
 * @see https://developers.google.com/wallet/reference/rest
 */

import { retryAfterMs } from '../../http/retry-after.ts';
import type { GoogleTokens, ServiceAccount } from './service-account.ts';

export type ApiOutcome =
  | { status: 'ok'; body: Record<string, unknown> }
  | { status: 'not-found' }
  | { status: 'exists' }
  /** 403 quotaExceeded: the object's notification budget is spent (Google counts, not us). */
  | { status: 'quota' }
  | { status: 'retry'; reason: string; retryAfterMs?: number | undefined }
  | { status: 'rejected'; reason: string };

export type WalletApiDeps = { baseUrl: string; fetch: typeof fetch; tokens: GoogleTokens; timeoutMs: number };

export type WalletResource = 'loyaltyClass' | 'loyaltyObject';

export class GoogleWalletApi {
  private readonly deps: WalletApiDeps;

  constructor(deps: WalletApiDeps) {
    this.deps = deps;
  }

  insert(account: ServiceAccount, resource: WalletResource, body: Record<string, unknown>) {
    return this.call(account, 'POST', `/${resource}`, body);
  }

  patch(account: ServiceAccount, resource: WalletResource, id: string, body: Record<string, unknown>) {
    return this.call(account, 'PATCH', `/${resource}/${encodeURIComponent(id)}`, body);
  }

  addMessage(
    account: ServiceAccount,
    resource: WalletResource,
    id: string,
    message: Record<string, unknown>,
  ) {
    return this.call(account, 'POST', `/${resource}/${encodeURIComponent(id)}/addMessage`, { message });
  }

  private async call(
    account: ServiceAccount,
    method: string,
    path: string,
    body: Record<string, unknown>,
    fresh = false,
  ): Promise<ApiOutcome> {
    const token = await this.deps.tokens.token(account);
    if (!token.ok) {
      return token.retry
        ? { status: 'retry', reason: token.reason, retryAfterMs: token.retryAfterMs }
        : { status: 'rejected', reason: token.reason };
    }
    let response: Response;
    try {
      response = await this.deps.fetch(`${this.deps.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
    } catch (error) {
      return { status: 'retry', reason: `Google Wallet unreachable: ${(error as Error).name}` };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Cut off mid-body: what Google did is unknown, so the call is tried again, never taken as done.
      return { status: 'retry', reason: `Google Wallet unreachable: ${(error as Error).name}` };
    }
    if (response.ok) {
      try {
        return { status: 'ok', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      } catch {
        return { status: 'retry', reason: `Google Wallet answered ${response.status} with malformed JSON` };
      }
    }
    if (response.status === 401 && !fresh) {
      this.deps.tokens.forget(account);
      return this.call(account, method, path, body, true);
    }
    if (response.status === 404) return { status: 'not-found' };
    if (response.status === 409) return { status: 'exists' };
    if (response.status === 403 && errorReason(text) === 'quotaExceeded') return { status: 'quota' };
    const reason = `Google Wallet ${method} ${path.split('/')[1]} answered ${response.status} ${errorStatus(text)}`;
    if (response.status === 429 || response.status >= 500) {
      return {
        status: 'retry',
        reason,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()),
      };
    }
    return { status: 'rejected', reason };
  }
}

function errorReason(text: string): string | undefined {
  try {
    const reason = (JSON.parse(text) as { error?: { errors?: { reason?: unknown }[] } }).error?.errors?.[0]
      ?.reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** Google's `error.status` (e.g. INVALID_ARGUMENT), never its message, which can quote the body. */
function errorStatus(text: string): string {
  try {
    const status = (JSON.parse(text) as { error?: { status?: unknown } }).error?.status;
    return typeof status === 'string' ? status.slice(0, 40) : '';
  } catch {
    return '';
  }
}
