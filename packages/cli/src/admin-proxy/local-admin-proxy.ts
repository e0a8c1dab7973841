import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startLocalAdminProxy}. */
export interface LocalAdminProxyOptions {
  /** The proxied Admin API, for example `https://kong-gw.example.com/kong-admin`. */
  readonly target: string;
  /** The key-auth credential (read it from Secrets Manager; never pass it on a command line). */
  readonly apiKey: string;
  /** The header key-auth reads. @default 'apikey' */
  readonly apiKeyHeader?: string;
  /** The local port. @default 9001 (0 picks a free one) */
  readonly port?: number;
  /** The browser origin allowed to call the proxy (Kong Manager). @default 'http://localhost:8002' */
  readonly allowOrigin?: string;
  /** Told of every answer (never of the key): for a log line, or to explain a refusal. @default - nothing */
  readonly onAnswer?: (answer: { method: string; path: string; status: number; body: string }) => void;
}

/** A running proxy. */
export interface LocalAdminProxy {
  /** Where Kong Manager (or curl) reaches the Admin API, without a key. */
  readonly url: string;
  close(): Promise<void>;
}

// Hop-by-hop headers and those fetch() recomputes: never copied across.
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-encoding', 'origin', 'referer']);

/**
 * A proxy on 127.0.0.1 that adds the admin API key to every request and
 * answers CORS for one origin. Kong Manager (OSS) cannot send an API key
 * (facts: Kong Manager needs CORS and `admin_gui_api_url` in front of a
 * proxied Admin API), so it talks to this proxy on the admin's own machine;
 * the key stays in this process and is never logged.
 */
export async function startLocalAdminProxy(options: LocalAdminProxyOptions): Promise<LocalAdminProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
    throw new Error(`target must be an https URL (the key travels to it), got ${options.target}`);
  }
  if (!options.apiKey) throw new Error('apiKey is empty: read it from the admin API key secret');
  const keyHeader = options.apiKeyHeader ?? 'apikey';
  const allowOrigin = options.allowOrigin ?? 'http://localhost:8002';
  const base = options.target.replace(/\/+$/, '');

  const cors = {
    'access-control-allow-origin': allowOrigin,
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': 'content-type, kong-admin-token',
    'access-control-max-age': '600',
    'vary': 'origin',
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROPPED.has(name) || name === keyHeader.toLowerCase()) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    headers.set(keyHeader, options.apiKey);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    try {
      const upstream = await fetch(`${base}${req.url ?? '/'}`, { method: req.method, headers, body, redirect: 'manual' });
      const out: Record<string, string> = { ...cors };
      // The CORS answer is the proxy's alone: Kong's Admin API answers every origin (`*`, or the
      // request's Origin, with `Access-Control-Allow-Credentials: true`: kong/api/api_helpers.lua:273
      // cors_filter at 3.9.3), which would open the keyed proxy to any web page.
      upstream.headers.forEach((value, name) => { if (!DROPPED.has(name) && !name.startsWith('access-control-')) out[name] = value; });
      const answer = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, out).end(answer);
      options.onAnswer?.({ method: req.method ?? 'GET', path: req.url ?? '/', status: upstream.status, body: upstream.status >= 400 ? answer.toString('utf8') : '' });
    } catch (error) {
      const body = JSON.stringify({ message: `local admin proxy: ${base} did not answer (${(error as Error).message})` });
      res.writeHead(502, { ...cors, 'content-type': 'application/json' }).end(body);
      options.onAnswer?.({ method: req.method ?? 'GET', path: req.url ?? '/', status: 502, body });
    }
  };

  const server: Server = createServer((req, res) => { void handle(req, res); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9001, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
