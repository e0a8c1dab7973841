import type { KongErrorBody } from './types.js';

// A brand instead of `instanceof`: the ESM and the CommonJS copies of this
// package define two classes, and errors must be recognised across both.
const BRAND = Symbol.for('kong-hybrid.error');
const TIMEOUT_BRAND = Symbol.for('kong-hybrid.timeout');

/**
 * A non-2xx answer of the Admin API. `code`, `name`, `message` and `fields`
 * are Kong's own (`name` is `KongAdminError` and `code` undefined when Kong
 * sent a bare `{ message }`, as for a plain 404 or a key-auth 401).
 */
export class KongAdminError extends Error {
  /** HTTP status. */
  declare readonly status: number;
  /** Kong error code (2 schema violation, 4 foreign key, 5 unique, 6 not found, …). */
  declare readonly code: number | undefined;
  /** Errors by field name, as Kong sent them. */
  declare readonly fields: Record<string, unknown> | undefined;
  /** The URL of the request. */
  declare readonly url: string;
  /** The whole body Kong sent (a string when it was not JSON). */
  declare readonly body: unknown;

  constructor(status: number, body: unknown, url: string) {
    const err: Partial<KongErrorBody> = body && typeof body === 'object' ? body : {};
    super(err.message ?? `${url} answered ${status}`);
    Object.assign(this, { name: err.name ?? 'KongAdminError', status, code: err.code, fields: err.fields, url, body, [BRAND]: true });
  }
}

/** The call did not complete within `timeoutMs` (retries included). */
export class KongAdminTimeoutError extends Error {
  declare readonly method: string;
  declare readonly url: string;
  declare readonly timeoutMs: number;

  constructor(method: string, url: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`${method} ${url} did not complete within ${timeoutMs} ms`, options);
    Object.assign(this, { name: 'KongAdminTimeoutError', method, url, timeoutMs, [TIMEOUT_BRAND]: true });
  }
}

const has = (err: unknown, brand: symbol) => (err as Record<symbol, unknown> | undefined)?.[brand] === true;

export const isKongAdminError = (err: unknown): err is KongAdminError => has(err, BRAND);
const withStatus = (status: number) => (err: unknown): err is KongAdminError => isKongAdminError(err) && err.status === status;
/** 404: no such entity (Kong code 6, or a bare `Not found`). */
export const isNotFound = withStatus(404);
/** 409: a unique field is taken (Kong code 5). */
export const isConflict = withStatus(409);
/** 401: the proxy in front of the Admin API (key-auth) refused the API key. */
export const isUnauthorized = withStatus(401);
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
  if (!response.ok) throw new KongAdminError(response.status, result.error, response.url);
  return result.data as T;
}
