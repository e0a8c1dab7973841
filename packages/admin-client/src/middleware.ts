import type { Middleware } from 'openapi-fetch';
import { KongAdminTimeoutError, METHOD } from './errors.js';

/** Sends the key-auth credential of a proxied Admin API. */
export function apiKeyMiddleware(header: string, key: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set(header, key);
      return request;
    },
  };
}

/** Deadlines of calls in flight, shared by the timeout and retry middleware. */
export type Deadlines = WeakMap<Request, number>;

/**
 * Bounds a whole call, retries included, to `timeoutMs`: aborts it then, and
 * turns the abort into a {@link KongAdminTimeoutError}. A caller's own
 * `signal` still aborts the call as usual.
 */
export function timeoutMiddleware(timeoutMs: number, deadlines: Deadlines): Middleware {
  return {
    onRequest({ request }) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = typeof AbortSignal.any === 'function' ? AbortSignal.any([request.signal, timeout]) : timeout;
      const bounded = new Request(request, { signal });
      deadlines.set(bounded, Date.now() + timeoutMs);
      return bounded;
    },
    onResponse({ request, response }) {
      (response as unknown as Record<symbol, string>)[METHOD] = request.method;
      return response;
    },
    onError({ request, error }) {
      if (isTimeoutAbort(error)) return new KongAdminTimeoutError(request.method, request.url, timeoutMs, { cause: error });
      return error instanceof Error ? error : undefined;
    },
  };
}

/** What the retry middleware tells `onRetry` before each retry. */
export interface RetryEvent {
  /** 1 for the first retry. */
  readonly attempt: number;
  /** How long the client waits before it: `Retry-After` when the answer had one, else exponential backoff. */
  readonly delayMs: number;
  readonly method: string;
  readonly url: string;
  /** The retryable status (429, 502, 503, 504), when the server answered. */
  readonly status?: number;
  /** The network error, when it did not. */
  readonly error?: unknown;
}

export interface RetryOptions {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Retries idempotent calls (GET, HEAD, OPTIONS, PUT, DELETE) on 429, 502,
 * 503, 504 and network errors, never POST or PATCH. Waits what `Retry-After`
 * says when the answer has it, else an exponential backoff with jitter; gives
 * up (answering the last response) when the wait would pass the deadline.
 */
export function retryMiddleware(options: RetryOptions, deadlines: Deadlines): Middleware {
  // Per call: a pristine copy of the request to resend (bodies can be read once).
  const pending = new WeakMap<Request, Request | undefined>();

  async function retry(request: Request, fetch: typeof globalThis.fetch, response: Response | undefined, error: unknown): Promise<Response | Error> {
    const template = pending.get(request);
    pending.delete(request);
    for (let attempt = 1; attempt <= options.retries; attempt++) {
      const delayMs = delayBefore(attempt, response, options.baseDelayMs);
      const deadline = deadlines.get(request);
      if (deadline !== undefined && Date.now() + delayMs >= deadline) break;
      options.onRetry?.({ attempt, delayMs, method: request.method, url: request.url, status: response?.status, error: response ? undefined : error });
      try {
        await sleep(delayMs, request.signal);
        const next = await fetch(template ? template.clone() : request);
        await response?.body?.cancel();
        response = next;
        if (!RETRYABLE_STATUS.has(response.status)) return response;
      } catch (e) {
        if (request.signal.aborted) return response ?? toError(e);
        error = e;
      }
    }
    return response ?? toError(error);
  }

  return {
    onRequest({ request }) {
      if (options.retries > 0 && IDEMPOTENT.has(request.method)) pending.set(request, request.body ? request.clone() : undefined);
      return undefined;
    },
    async onResponse({ request, response, options: { fetch } }) {
      if (!pending.has(request)) return undefined;
      if (!RETRYABLE_STATUS.has(response.status)) {
        pending.delete(request);
        return undefined;
      }
      const out = await retry(request, fetch, response, undefined);
      if (out instanceof Error) throw out;
      return out;
    },
    async onError({ request, error, options: { fetch } }) {
      if (!pending.has(request) || request.signal.aborted) return toError(error);
      return retry(request, fetch, undefined, error);
    },
  };
}

function delayBefore(attempt: number, response: Response | undefined, baseDelayMs: number): number {
  const retryAfter = response?.headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  // Exponential backoff, halved jitter: [0.5, 1) × base × 2^(attempt-1).
  return Math.round(baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
const isTimeoutAbort = (e: unknown) => e instanceof Error && e.name === 'TimeoutError';
