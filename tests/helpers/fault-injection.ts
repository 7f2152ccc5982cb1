/**
 * Fault injection for the outside services (issue 16, Build 4): wraps a fake's `fetch` so that
 * the next calls meet the failures real networks and real services produce, one fault per call,
 * in order, then the fake answers normally again. The faults behave as they would over a socket:
 * a timeout never answers until the caller's signal aborts, a reset rejects as `fetch` does, a
 * slow body sends its headers and one chunk and then stalls (so only a timeout that covers the
 * body ends it), malformed JSON is a 200 whose body cannot be parsed.
 */

export type Fault =
  | 'timeout'
  | 'reset'
  | 'slow-body'
  | 'malformed-json'
  | { status: number; retryAfter?: string; body?: string };

export const EVERY_FAULT: Fault[] = [
  'timeout',
  'reset',
  { status: 503 },
  { status: 429, retryAfter: '1' },
  'slow-body',
  'malformed-json',
];

export const faultName = (fault: Fault) =>
  typeof fault === 'string' ? fault : `${fault.status}${fault.retryAfter ? ` + Retry-After` : ''}`;

function abortedError(signal: AbortSignal | null | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Settles only when `signal` aborts (a caller without a signal would hang, as it would for real). */
function untilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(abortedError(signal));
    signal?.addEventListener('abort', () => reject(abortedError(signal)), { once: true });
  });
}

export class FaultPlan {
  /** Faults still to be served, first one next. */
  readonly pending: Fault[] = [];
  /** Every fault served so far, with the URL it hit. */
  readonly served: { fault: Fault; url: string }[] = [];
  /** Only calls whose URL passes this test meet faults (default: every call). */
  matches: (url: string) => boolean = () => true;

  inject(...faults: Fault[]) {
    this.pending.push(...faults);
    return this;
  }

  wrap(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const request = new Request(input, init);
      const fault = this.matches(request.url) ? this.pending.shift() : undefined;
      if (fault === undefined) return inner(input, init);
      this.served.push({ fault, url: request.url });
      const signal = init?.signal ?? request.signal;
      if (fault === 'timeout') return untilAborted(signal);
      if (fault === 'reset') {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        });
      }
      if (fault === 'malformed-json') {
        return new Response('{"id":"truncated', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (fault === 'slow-body') {
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('{"access_token":'));
            untilAborted(signal).catch((error: unknown) => controller.error(error));
          },
        });
        return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      }
      const headers = new Headers({ 'content-type': 'application/json' });
      if (fault.retryAfter) headers.set('retry-after', fault.retryAfter);
      return new Response(fault.body ?? '{"error":"injected fault"}', { status: fault.status, headers });
    };
  }
}
