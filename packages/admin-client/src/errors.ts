import type { KongErrorBody } from './types.js';

// A brand instead of `instanceof`: the ESM and the CommonJS copies of this
// package define two classes, and errors must be recognised across both.
const BRAND = Symbol.for('@kong-hybrid/admin-client.KongAdminError');
const TIMEOUT_BRAND = Symbol.for('@kong-hybrid/admin-client.KongAdminTimeoutError');

/**
 * A non-2xx answer of the Admin API. `code`, `name`, `message` and `fields`
 * are Kong's own (`name` is `KongAdminError` and `code` undefined when Kong
 * sent a bare `{ message }`, as for a plain 404 or a key-auth 401).
 */
export class KongAdminError extends Error {
  /** HTTP status. */
  public readonly status: number;
  /** Kong error code (2 schema violation, 4 foreign key, 5 unique, 6 not found, …). */
  public readonly code: number | undefined;
  /** Errors by field name, as Kong sent them. */
  public readonly fields: Record<string, unknown> | undefined;
  /** Request method and URL. */
  public readonly method: string;
  public readonly url: string;
  /** The whole body Kong sent. */
  public readonly body: unknown;

  constructor(status: number, body: unknown, method: string, url: string) {
    const err: Partial<KongErrorBody> = typeof body === 'object' && body !== null ? body : {};
    super(typeof err.message === 'string' ? err.message : `${method} ${url} answered ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = typeof err.name === 'string' ? err.name : 'KongAdminError';
    this.status = status;
    this.code = typeof err.code === 'number' ? err.code : undefined;
    this.fields = typeof err.fields === 'object' && err.fields !== null ? err.fields : undefined;
    this.method = method;
    this.url = url;
    this.body = body;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The call did not complete within `timeoutMs` (retries included). */
export class KongAdminTimeoutError extends Error {
  constructor(public readonly method: string, public readonly url: string, public readonly timeoutMs: number, options?: { cause?: unknown }) {
    super(`${method} ${url} did not complete within ${timeoutMs} ms`, options);
    this.name = 'KongAdminTimeoutError';
    Object.defineProperty(this, TIMEOUT_BRAND, { value: true });
  }
}

const has = (err: unknown, brand: symbol) => typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[brand] === true;

export const isKongAdminError = (err: unknown): err is KongAdminError => has(err, BRAND);
/** 404: no such entity (Kong code 6, or a bare `Not found`). */
export const isNotFound = (err: unknown): err is KongAdminError => isKongAdminError(err) && err.status === 404;
/** 409: a unique field is taken (Kong code 5). */
export const isConflict = (err: unknown): err is KongAdminError => isKongAdminError(err) && err.status === 409;
/** 401: the proxy in front of the Admin API (key-auth) refused the API key. */
export const isUnauthorized = (err: unknown): err is KongAdminError => isKongAdminError(err) && err.status === 401;
export const isTimeout = (err: unknown): err is KongAdminTimeoutError => has(err, TIMEOUT_BRAND);

/** What every openapi-fetch call resolves to. */
export interface FetchResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * The data of a successful call; throws {@link KongAdminError} otherwise.
 *
 * @example const service = unwrap(await client.GET('/services/{service}', { params: { path: { service: 'billing' } } }));
 */
export function unwrap<T>(result: FetchResult<T>): T {
  const { response } = result;
  if (!response.ok) throw new KongAdminError(response.status, result.error, methodOf(response), response.url);
  return result.data as T;
}

// A Response does not know its request's method: the client stamps it (see client.ts).
export const METHOD = Symbol.for('@kong-hybrid/admin-client.method');
const methodOf = (response: Response) => ((response as unknown as Record<symbol, string>)[METHOD] ?? 'request');
