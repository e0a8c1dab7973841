import type { Middleware } from 'openapi-fetch';
import { KongAdminTimeoutError } from './errors.js';

/**
 * Wall clock and waiting, injectable so that tests drive time: the same shape
 * as the idle scaler's `Clock` port.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/**
 * Bounds a whole call, retries included, to `timeoutMs`: aborts it then, and
 * turns the abort into a {@link KongAdminTimeoutError}. A caller's own
 * `signal` still aborts the call as usual.
 */
export function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    onRequest({ request }) {
      // Rebuilt from its parts: new Request(request, { signal }) and AbortSignal.any
      // would cost more than openapi-fetch itself per call.
      const controller = new AbortController();
      const timeout = AbortSignal.timeout(timeoutMs);
      timeout.onabort = () => controller.abort(timeout.reason);
      request.signal.addEventListener('abort', () => controller.abort(request.signal.reason));
      const { url, method, headers, body } = request;
      return new Request(url, { method, headers, body, signal: controller.signal, duplex: 'half' } as RequestInit);
    },
    onError({ request, error }) {
      return isTimeoutAbort(error) ? new KongAdminTimeoutError(request.method, request.url, timeoutMs, { cause: error }) : undefined;
    },
  };
}

/** What the retry middleware tells `onRetry` before each retry. */
export interface RetryEvent {
  /** 1 for the first retry. */
  readonly attempt: number;
  /** How long the client waits before it: `Retry-After` when the answer had one, else exponential backoff. */
  readonly delayMs: number;
  /** The request being retried (method, url). */
  readonly request: Request;
  /** The retryable answer (429, 502, 503, 504), when the server answered. */
  readonly response?: Response;
  /** The network error, when it did not. */
  readonly error?: unknown;
}

export interface RetryOptions {
  readonly retries: number;
  /** The call's deadline is this long after its start. */
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
  /** Decides the waits and whether they fit the deadline: `Date.now` and `setTimeout` when undefined. */
  readonly clock?: Clock;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Retries idempotent calls (GET, HEAD, OPTIONS, PUT, DELETE) on 429, 502,
 * 503, 504 and network errors, never POST or PATCH. Waits what `Retry-After`
 * says when the answer has it, else an exponential backoff with jitter; gives
 * up (answering the last response) when the wait would pass the deadline.
 * Waits and the deadline are read from the clock; an abort cuts a wait short.
 */
export function retryMiddleware(options: RetryOptions): Middleware {
  const { retries, timeoutMs, baseDelayMs, onRetry, clock } = options;
  const now = clock ? () => clock.now() : Date.now;
  // Per call: a pristine copy of the request to resend (a body can be read once), and the deadline.
  const pending = new WeakMap<Request, [Request | undefined, number]>();

  async function retry(request: Request, fetch: typeof globalThis.fetch, response?: Response, error?: unknown): Promise<Response | Error> {
    const [template, deadline] = pending.get(request)!;
    pending.delete(request);
    for (let attempt = 1; attempt <= retries; attempt++) {
      const delayMs = delayBefore(attempt, response, baseDelayMs, now);
      // Waiting past the deadline would only end in a timeout: answer what we have.
      if (now() + delayMs >= deadline) break;
      onRetry?.(response ? { attempt, delayMs, request, response } : { attempt, delayMs, request, error });
      try {
        await sleep(clock, delayMs, request.signal);
        const next = await fetch(template?.clone() ?? request);
        await response?.body?.cancel();
        response = next;
        if (!RETRYABLE_STATUS.has(response.status)) break;
      } catch (e) {
        error = e;
        if (request.signal.aborted) break;
      }
    }
    return response ?? toError(error);
  }

  return {
    onRequest({ request }) {
      if (IDEMPOTENT.has(request.method)) pending.set(request, [request.body ? request.clone() : undefined, now() + timeoutMs]);
      return undefined;
    },
    onResponse({ request, response, options: { fetch } }) {
      if (pending.has(request) && RETRYABLE_STATUS.has(response.status)) return retry(request, fetch, response) as Promise<Response>;
      pending.delete(request);
      return undefined;
    },
    onError({ request, error, options: { fetch } }) {
      return pending.has(request) && !request.signal.aborted ? retry(request, fetch, undefined, error) : undefined;
    },
  };
}

function delayBefore(attempt: number, response: Response | undefined, baseDelayMs: number, now: () => number): number {
  const retryAfter = response?.headers.get('retry-after');
  if (retryAfter) {
    // delay-seconds, or an HTTP date
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now();
    if (!Number.isNaN(ms)) return Math.max(0, ms);
  }
  // Exponential backoff, halved jitter: [0.5, 1) × base × 2^(attempt-1).
  return baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
}

/** `clock.sleep(ms)` (a timer without a clock), cut short by an abort of `signal`. */
function sleep(clock: Clock | undefined, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Listening first: a clock may abort from inside its sleep.
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
    if (clock) clock.sleep(ms).then(resolve, reject);
    else timer = setTimeout(resolve, ms);
  });
}

/**
 * openapi-fetch wants an `Error` of its own realm; fetch's errors (undici's
 * TypeError, the DOMException of an abort) may come from another realm (a
 * jest VM, a bundler's shim): keep their name and message, chain the cause.
 */
function toError(e: unknown): Error {
  const { name = 'Error', message = String(e) } = (e ?? {}) as { name?: string; message?: string };
  return e instanceof Error ? e : Object.assign(new Error(message, { cause: e }), { name });
}
const isTimeoutAbort = (e: unknown) => (e as { name?: unknown } | undefined)?.name === 'TimeoutError';
