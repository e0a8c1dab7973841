import createClient, { type Client } from 'openapi-fetch';
import { resilientFetch, type Clock, type RetryEvent } from './resilient-fetch.js';
import { invalid } from './invalid.js';
import type { paths } from './types.js';

/** Options of {@link createKongAdminClient}. */
export interface KongAdminClientOptions {
  /**
   * Where the Admin API answers, path prefix included, for example
   * `https://kong-gw.example.com/kong-admin` (proxied) or
   * `http://kong-cp.kong.local:8001` (the control plane's admin listener).
   */
  readonly baseUrl: string;
  /**
   * The key-auth credential of a proxied Admin API.
   * @default - no key is sent
   */
  readonly apiKey?: string;
  /**
   * The header key-auth reads the key from (its `key_names`).
   * @default 'apikey'
   */
  readonly apiKeyHeader?: string;
  /**
   * The fetch implementation: inject one in tests or to add an agent. The
   * client calls it as `fetch(request, { signal })`, and aborts that signal
   * at the timeout (or when the caller's own signal aborts).
   * @default globalThis.fetch
   */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * How long one call may take, retries and their waits included, in
   * milliseconds. The call then fails with a `KongAdminTimeoutError`, or
   * answers the last retryable response if it was waiting to retry.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Retries of an idempotent call (GET, HEAD, OPTIONS, PUT, DELETE) after a
   * 429, 502, 503, 504 or a network error. POST and PATCH are never retried.
   * @default 2
   */
  readonly retries?: number;
  /**
   * First backoff delay in milliseconds, doubled on each retry (with jitter).
   * A `Retry-After` header, when present, is used instead.
   * @default 200
   */
  readonly retryBaseDelayMs?: number;
  /**
   * Called before each retry, for example to log it.
   * @default - nothing
   */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * The clock of retry waits and deadlines: `now()` reads the time in epoch
   * milliseconds, `sleep(ms)` waits (an abort still cuts a wait short). Inject
   * a virtual one in tests to drive retries without real waiting. The abort of
   * a request still in flight at `timeoutMs` stays on a real timer.
   * @default - `Date.now` and `setTimeout`
   */
  readonly clock?: Clock;
}

/** A typed Kong Admin API client: openapi-fetch over our OpenAPI document. */
export type KongAdminClient = Client<paths>;

/**
 * Creates a typed client for the Kong 3.9 OSS Admin API.
 *
 * @example
 * const kong = createKongAdminClient({ baseUrl: 'https://kong-gw.example.com/kong-admin', apiKey: process.env.KONG_ADMIN_KEY });
 * const { data, error } = await kong.GET('/services/{service}', { params: { path: { service: 'billing' } } });
 */
export function createKongAdminClient(options: KongAdminClientOptions): KongAdminClient {
  const { baseUrl, apiKey, apiKeyHeader = 'apikey', fetch, timeoutMs = 10_000, retries = 2, retryBaseDelayMs = 200, onRetry, clock } = options ?? ({} as KongAdminClientOptions);
  const fn = 'createKongAdminClient';
  if (!/^https?:\/\/[^/]/.test(baseUrl)) invalid(fn, 'baseUrl must be an http(s) URL', baseUrl);
  // The key itself never appears in a message.
  if (apiKey === '') invalid(fn, 'apiKey must not be empty', apiKey);
  if (!/^[\w-]+$/.test(apiKeyHeader)) invalid(fn, 'apiKeyHeader must be a header name', apiKeyHeader);
  if (!(timeoutMs > 0 && timeoutMs < Infinity)) invalid(fn, 'timeoutMs must be a positive number', timeoutMs);
  if (!(Number.isInteger(retries) && retries >= 0 && retries <= 10)) invalid(fn, 'retries must be an integer from 0 to 10', retries);
  if (!(retryBaseDelayMs >= 0 && retryBaseDelayMs < Infinity)) invalid(fn, 'retryBaseDelayMs must be 0 or more', retryBaseDelayMs);

  // A trailing slash would make `//services`; openapi-fetch appends the paths as they are.
  // The key-auth credential of a proxied Admin API goes in every request's headers.
  const headers = apiKey === undefined ? undefined : { [apiKeyHeader]: apiKey };
  // No middleware: the timeout and retries live in the fetch openapi-fetch calls.
  const resilient = resilientFetch({ fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)), timeoutMs, retries, baseDelayMs: retryBaseDelayMs, onRetry, clock });
  return createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), fetch: resilient as typeof globalThis.fetch, headers });
}
