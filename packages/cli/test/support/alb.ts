import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BlockList, isIPv6, type AddressInfo } from 'node:net';

export interface AdminPathOptions {
  /** The control plane's Admin API (the emulator's origin, no prefix, no key). */
  readonly upstream: string;
  /** The key-auth credential of the admin consumer. */
  readonly apiKey: string;
  /** ip-restriction's allow list (the gateway's adminAllowedCidrs). */
  readonly allowedCidrs: readonly string[];
  /** The address Kong sees the caller as (its public address, from X-Forwarded-For): settable per test. */
  callerIp: string;
}

export interface AdminPath {
  /** `http://127.0.0.1:<port>/kong-admin`: the stack's AdminUrl in the tests. */
  readonly adminUrl: string;
  readonly options: AdminPathOptions;
  stop(): Promise<void>;
}

/**
 * A stand-in for the gateway's admin path: the load balancer and a data plane
 * whose route `/kong-admin` (strip_path) proxies to the control plane's Admin
 * API with the plugins the admin bootstrap configures, in Kong's order
 * (descending priority): key-auth (1250, kong/plugins/key-auth/handler.lua:22
 * at 3.9.3), ip-restriction (990, ip-restriction/handler.lua:18); acl (950)
 * lets the admin consumer through. Their refusals are Kong's own:
 * - key-auth: 401 "No API key found in request" / "Unauthorized"
 *   (key-auth/handler.lua:30-31);
 * - ip-restriction: 403 "IP address not allowed: <address>" (its default
 *   message, ip-restriction/handler.lua:33-40);
 * - a stopped control plane: its Cloud Map name has no address, and the data
 *   plane answers 503 "name resolution failed" (kong/runloop/balancer/init.lua:381-385).
 * Anything else under /kong-admin is 404 "no Route matched with those values" outside it
 * (kong/runloop/handler.lua:1197).
 */
export async function startAdminPath(options: AdminPathOptions): Promise<AdminPath> {
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify({ message }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const url = req.url ?? '/';
    if (url !== '/kong-admin' && !url.startsWith('/kong-admin/') && !url.startsWith('/kong-admin?')) return error(res, 404, 'no Route matched with those values');
    const key = req.headers.apikey;
    if (key === undefined) return error(res, 401, 'No API key found in request', { 'www-authenticate': 'Key' });
    if (key !== options.apiKey) return error(res, 401, 'Unauthorized', { 'www-authenticate': 'Key' });
    const allow = new BlockList();
    for (const cidr of options.allowedCidrs) {
      const [net, bits] = cidr.split('/');
      allow.addSubnet(net, Number(bits), isIPv6(net) ? 'ipv6' : 'ipv4');
    }
    if (!allow.check(options.callerIp, isIPv6(options.callerIp) ? 'ipv6' : 'ipv4')) return error(res, 403, `IP address not allowed: ${options.callerIp}`);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length', 'apikey'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let upstream: Response;
    try {
      upstream = await fetch(`${options.upstream}${url.slice('/kong-admin'.length) || '/'}`, {
        method: req.method, headers, body: chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
      });
    } catch {
      // The control plane is not there (stopped: no DNS record; the emulator is down).
      return error(res, 503, 'name resolution failed');
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => { if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) out[name] = value; });
    return res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((e) => res.writeHead(500).end(String(e))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    adminUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kong-admin`,
    options,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A stand-in for checkip.amazonaws.com: answers the address it is given, as plain text. */
export async function startCheckIp(answer: () => string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${answer()}\n`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
