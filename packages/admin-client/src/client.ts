import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/kong-admin';

/** Options of {@link createKongAdminClient}. */
export interface KongAdminClientOptions {
  /**
   * Where the Admin API answers, including any path prefix, for example
   * `https://kong-gw.example.com/kong-admin` or `http://kong-cp.kong.local:8001`.
   */
  readonly baseUrl: string;
  /** The key-auth credential that protects a proxied Admin API. */
  readonly apiKey?: string;
  /** The header key-auth reads the key from. @default 'apikey' */
  readonly apiKeyHeader?: string;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** A typed Kong Admin API client. */
export type KongAdminClient = Client<paths>;

/** Creates a typed client for the Kong 3.9 OSS Admin API. */
export function createKongAdminClient(options: KongAdminClientOptions): KongAdminClient {
  // A trailing slash would make openapi-fetch build `//path`.
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client = createClient<paths>({ baseUrl, fetch: options.fetch });
  if (options.apiKey !== undefined) {
    client.use(apiKeyAuth(options.apiKeyHeader ?? 'apikey', options.apiKey));
  }
  return client;
}

function apiKeyAuth(header: string, key: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set(header, key);
      return request;
    },
  };
}
