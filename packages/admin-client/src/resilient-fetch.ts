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

/** What the client tells `onRetry` before each retry. */
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

export interface ResilienceOptions {
  readonly fetch: typeof globalThis.fetch;
  /** A call's deadline, retries and body read included, is this long after its start. */
  readonly timeoutMs: number;
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly onRetry?: (event: RetryEvent) => void;
  /** Decides the waits and whether they fit the deadline: `Date.now` and `setTimeout` when undefined. */
  readonly clock?: Clock;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * The fetch openapi-fetch calls: the timeout and the retries of a call, in
 * one function rather than openapi-fetch middleware (measured: middleware
 * rebuilds the Request, the cost the client's overhead target cannot pay).
 *
 * Bounds the whole call, body read included, to `timeoutMs`: aborts it then
 * with a {@link KongAdminTimeoutError} as the reason. A caller's own `signal`
 * still aborts it as usual. Sends `fetch(request, { signal })`.
 *
 * Retries idempotent calls (GET, HEAD, OPTIONS, PUT, DELETE) on 429, 502,
 * 503, 504 and network errors, never POST or PATCH. Waits what `Retry-After`
 * says when the answer has it, else an exponential backoff with jitter; gives
 * up (answering the last response, or throwing the last network error as
 * fetch threw it) when the wait would pass the deadline. Waits and the
 * deadline are read from the clock; an abort cuts a wait short.
 */
export function resilientFetch(options: ResilienceOptions): (request: Request) => Promise<Response> {
  const { fetch, timeoutMs, retries, baseDelayMs, onRetry, clock } = options;
  const now = clock ? () => clock.now() : Date.now;

  return async (request) => {
    const { method, url, signal: caller } = request;
    const controller = new AbortController();
    const { signal } = controller;
    if (caller.aborted) controller.abort(caller.reason);
    else caller.addEventListener('abort', () => controller.abort(caller.reason), { once: true });
    // Left to run through the body read: unref'd, it never holds a process open.
    (setTimeout(() => controller.abort(new KongAdminTimeoutError(method, url, timeoutMs)), timeoutMs) as { unref?(): void }).unref?.();
    if (!retries || !IDEMPOTENT.has(method)) return fetch(request, { signal });

    const deadline = now() + timeoutMs;
    // A pristine copy to resend: a body can be read once.
    const template = request.body ? request.clone() : undefined;
    let response: Response | undefined;
    let error: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await fetch(attempt && template ? template.clone() : request, { signal });
        if (!RETRYABLE_STATUS.has(response.status)) return response;
      } catch (e) {
        if (signal.aborted) throw e;
        response = undefined;
        error = e;
      }
      if (attempt === retries) break;
      const delayMs = delayBefore(attempt + 1, response, baseDelayMs, now);
      // Waiting past the deadline would only end in a timeout: answer what we have.
      if (now() + delayMs >= deadline) break;
      onRetry?.(response ? { attempt: attempt + 1, delayMs, request, response } : { attempt: attempt + 1, delayMs, request, error });
      // Frees the connection for the wait.
      await response?.body?.cancel().catch(() => undefined);
      await sleep(clock, delayMs, signal);
    }
    if (response) return response;
    throw error;
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
