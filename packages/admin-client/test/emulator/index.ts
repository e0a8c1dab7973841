/**
 * An emulator of the Kong 3.9 OSS Admin API for tests: a real HTTP server on
 * a free 127.0.0.1 port, stateful, with Kong's semantics (see kong.ts), that
 * validates EVERY request and EVERY response against our OpenAPI document.
 *
 * A request or response that breaks the document is a *violation*. Violations
 * fail the test that caused them: importing this module registers a jest
 * `afterEach` that throws when any emulator recorded violations that the test
 * did not take with `takeViolations()`. `stop()` throws on leftovers too.
 *
 * Never shipped: it lives in test/, outside the package's `exports`.
 * No Kong binary runs anywhere in our tests: this is what they talk to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { components } from '../../src/generated/kong-admin';
import { Contract } from './contract';
import { Db } from './dao';
import { flattenDeclarative, validateDeclarative } from './declarative';
import { Kong, type Answer, type Entity } from './kong';

export type DataPlane = components['schemas']['DataPlane'];
export type { Entity };

/** Options of {@link startKongAdminEmulator}. */
export interface KongAdminEmulatorOptions {
  /**
   * Serve the Admin API under this prefix, as a proxied route does (`/kong-admin`).
   * @default '' (the admin listener itself)
   */
  readonly pathPrefix?: string;
  /**
   * Require this key-auth credential, as the proxied Admin API does: 401 without it.
   * @default - no key required
   */
  readonly apiKey?: string;
  /**
   * The header the key is read from.
   * @default 'apikey'
   */
  readonly apiKeyHeader?: string;
  /**
   * `control_plane` answers `/clustering/data-planes`; `traditional` answers it 400, as Kong does.
   * @default 'control_plane' ('traditional' with `database: 'off'`)
   */
  readonly role?: 'control_plane' | 'traditional';
  /**
   * `off`: a DB-less node (`database = off`, role `traditional`): its configuration comes whole through
   * `POST /config` (or `loadDeclarative`), every entity write answers 405, and `/status` reports its
   * `configuration_hash` (32 zeros until a configuration is loaded).
   * @default 'postgres'
   */
  readonly database?: 'postgres' | 'off';
  /**
   * The clock, in Unix seconds (timestamps of created entities).
   * @default - the system clock
   */
  readonly now?: () => number;
  /** Data planes to start with. @default [] */
  readonly dataPlanes?: DataPlane[];
}

/** A request the emulator received (after the path prefix). */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the prefix and without the query. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** A break of the OpenAPI document. */
export interface Violation {
  readonly kind: 'request' | 'response';
  readonly method: string;
  readonly path: string;
  readonly problems: string[];
}

/** A failure injected in front of the Admin API (the proxy, the load balancer, the network). */
export type Fault =
  /** Answer with this status instead (429, 502, 503, 504…), optionally with `Retry-After`. */
  | { readonly status: number; readonly retryAfter?: string; readonly body?: unknown }
  /** Drop the connection without an answer (a network error for the client). */
  | { readonly network: true };

export interface KongAdminEmulator {
  /** Base URL for a client, prefix included: `http://127.0.0.1:<port><prefix>`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Requests received so far, in order (faults included). */
  readonly requests: readonly RecordedRequest[];
  /** Replaces the data planes `/clustering/data-planes` lists (each is validated against the document). */
  setDataPlanes(dataPlanes: DataPlane[]): void;
  /** Every entity of a collection (`services`, `key-auths`, …), as Kong answers them, ordered by id. */
  entities(collection: string): Entity[];
  /** Creates entities directly (test setup), with Kong's checks; answers them as Kong would. */
  seed(collection: string, bodies: Entity[]): Entity[];
  /**
   * A DB-less node: loads a declarative configuration (a document, or its JSON or YAML text) as
   * `POST /config` does, without HTTP. Throws Kong's 400 answer when it is invalid.
   */
  loadDeclarative(config: Entity | string): Entity;
  /** A DB-less node's configuration hash, as `/status` reports it. */
  readonly configHash: string;
  /** Answers the next requests with these faults, one per request, in order. */
  failNext(...faults: Fault[]): void;
  /** While down, every connection is dropped at once. */
  setDown(down: boolean): void;
  /** Delays every answer by this many milliseconds. */
  setLatency(ms: number): void;
  /** Returns and clears the violations recorded so far, so that they do not fail the test. */
  takeViolations(): Violation[];
  /** Forgets every entity, data plane, request, fault and violation. */
  reset(): void;
  stop(): Promise<void>;
}

const running = new Set<EmulatorServer>();

class EmulatorServer implements KongAdminEmulator {
  readonly requests: RecordedRequest[] = [];
  private violations: Violation[] = [];
  private faults: Fault[] = [];
  private down = false;
  private latencyMs = 0;
  private readonly sockets = new Set<Socket>();
  private readonly contract = Contract.load();
  private readonly kong: Kong;
  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly prefix: string;
  private readonly apiKeyHeader: string;
  origin = '';

  constructor(private readonly options: KongAdminEmulatorOptions) {
    this.prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
    if (this.prefix && !this.prefix.startsWith('/')) throw new TypeError(`startKongAdminEmulator: pathPrefix must start with '/', got ${JSON.stringify(options.pathPrefix)}`);
    this.apiKeyHeader = (options.apiKeyHeader ?? 'apikey').toLowerCase();
    this.kong = new Kong({
      now: options.now ?? (() => Date.now() / 1000),
      role: options.role ?? (options.database === 'off' ? 'traditional' : 'control_plane'),
      database: options.database ?? 'postgres',
      requestCount: () => this.requests.length,
    });
    this.server.on('connection', (socket) => {
      if (this.down) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    if (options.dataPlanes) this.setDataPlanes(options.dataPlanes);
  }

  get baseUrl(): string {
    return `${this.origin}${this.prefix}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setDataPlanes(dataPlanes: DataPlane[]): void {
    for (const dp of dataPlanes) {
      const problems = this.contract.validateComponent('DataPlane', dp);
      if (problems.length > 0) throw new TypeError(`setDataPlanes: ${JSON.stringify(dp)} is not a DataPlane of the document: ${problems.join('; ')}`);
    }
    this.kong.dataPlanes = [...dataPlanes].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  entities(collection: string): Entity[] {
    return this.kong.all(collection);
  }

  seed(collection: string, bodies: Entity[]): Entity[] {
    return this.kong.seed(collection, bodies);
  }

  loadDeclarative(config: Entity | string): Entity {
    return this.kong.loadDeclarative(config);
  }

  get configHash(): string {
    return this.kong.configHash;
  }

  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const s of this.sockets) s.destroy();
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  takeViolations(): Violation[] {
    const out = this.violations;
    this.violations = [];
    return out;
  }

  reset(): void {
    this.kong.clear();
    this.requests.length = 0;
    this.faults = [];
    this.violations = [];
    this.down = false;
    this.latencyMs = 0;
  }

  async stop(): Promise<void> {
    running.delete(this);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    const left = this.takeViolations();
    if (left.length > 0) throw new Error(describe(left));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const fullPath = url.pathname;
    let path = fullPath;
    if (this.prefix) path = path === this.prefix ? '/' : path.startsWith(`${this.prefix}/`) ? path.slice(this.prefix.length) : '';
    const body = parseBody(req, raw);
    this.requests.push({ method, path: safeDecode(path || fullPath), query: Object.fromEntries(url.searchParams), headers: req.headers, body: body.value });

    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const fault = this.faults.shift();
    if (fault) {
      if ('network' in fault) {
        req.socket.destroy();
        return;
      }
      send(res, fault.status, fault.body ?? { message: `injected ${fault.status}` }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}, false);
      return;
    }

    if (!path) {
      this.violate('request', method, fullPath, [`the path is outside the prefix ${this.prefix}`]);
      send(res, 404, { message: 'no Route matched with those values' }, {}, false);
      return;
    }
    // The proxy's key-auth answers before the Admin API sees the request.
    if (this.options.apiKey !== undefined && req.headers[this.apiKeyHeader] !== this.options.apiKey) {
      send(res, 401, { message: req.headers[this.apiKeyHeader] === undefined ? 'No API key found in request' : 'Unauthorized' }, {}, false);
      return;
    }

    // The document is checked on the side: Kong's answer is the emulator's, never the validator's.
    const docPath = safeDecode(path.length > 1 ? path.replace(/\/+$/, '') : path);
    const found = this.contract.find(method === 'HEAD' ? 'GET' : method, docPath);
    if ('notFound' in found) this.violate('request', method, docPath, ['no path of the document matches']);
    else if ('methodNotAllowed' in found) this.violate('request', method, docPath, [`${method} is not an operation of ${found.template}`]);
    else {
      const problems = this.contract.validateRequest(found.match, url.searchParams, body);
      if (problems.length > 0) this.violate('request', method, docPath, problems);
    }

    let answer: Answer;
    try {
      answer = this.kong.handle({ method, path, query: url.searchParams, rawQuery: url.search, headers: req.headers, body: raw.length > 0 ? raw : undefined });
    } catch (e) {
      this.violate('response', method, docPath, [`the emulator failed: ${(e as Error).stack ?? e}`]);
      answer = { status: 500, body: { message: 'An unexpected error occurred' } };
    }
    if ('match' in found) {
      const sent = { present: answer.body !== undefined, json: true, value: answer.body };
      const problems = this.contract.validateResponse(found.match, answer.status, sent, method === 'HEAD');
      if (problems.length > 0) this.violate('response', method, docPath, problems);
    }
    // api_helpers.lua:273 cors_filter (no admin_gui_origin set): the request's Origin, or `*`
    const cors: Record<string, string> = { 'access-control-allow-origin': String(req.headers.origin ?? '*'), 'access-control-allow-credentials': 'true' };
    if (method === 'OPTIONS' && req.headers['access-control-request-headers']) cors['access-control-allow-headers'] = String(req.headers['access-control-request-headers']);
    send(res, answer.status, answer.body, { ...answer.headers, ...cors });
  }

  private violate(kind: Violation['kind'], method: string, path: string, problems: string[]): void {
    this.violations.push({ kind, method, path, problems });
  }
}

/**
 * The declarative configuration schema of a DB-less node, without a server:
 * `validate` is `DeclarativeConfig:validate` (kong/db/schema/others/
 * declarative_config.lua, the first pass) and `flatten` its `flatten`, as
 * Kong's unit specs call them.
 */
export function declarativeConfigSchema(options: { readonly now?: () => number } = {}): {
  validate(input: Record<string, unknown>): Record<string, unknown> | undefined;
  flatten(input: Record<string, unknown>): { entities: Record<string, Record<string, Entity>>; meta: Record<string, unknown> } | { errors: Record<string, unknown> };
} {
  const db = new Db({ now: options.now ?? (() => Date.now() / 1000), controlPlane: false, dbless: true });
  return {
    validate: (input) => validateDeclarative(db, input),
    flatten: (input) => {
      const r = flattenDeclarative(db, input);
      if ('errors' in r) return r;
      return { entities: Object.fromEntries([...r.entities].map(([k, v]) => [k, Object.fromEntries(v)])), meta: r.meta };
    },
  };
}

/** Starts an emulator on a free 127.0.0.1 port. */
export async function startKongAdminEmulator(options: KongAdminEmulatorOptions = {}): Promise<KongAdminEmulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen();
  running.add(emulator);
  return emulator;
}

function describe(violations: Violation[]): string {
  return `the Kong Admin API emulator saw ${violations.length} break(s) of the OpenAPI document:\n` +
    violations.map((v) => `  ${v.kind} ${v.method} ${v.path}\n${v.problems.map((p) => `    - ${p}`).join('\n')}`).join('\n');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(req: IncomingMessage, raw: string): { present: boolean; json: boolean; value?: unknown; mediaType?: string } {
  if (raw.length === 0) return { present: false, json: false };
  const json = /^application\/json\b/i.test(req.headers['content-type'] ?? '');
  if (!json) return { present: true, json: false, value: raw, mediaType: (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() };
  try {
    return { present: true, json: true, value: JSON.parse(raw) };
  } catch {
    return { present: true, json: true, value: undefined };
  }
}

/** Answers as Kong's Admin API (`kong`: its headers) or as what stands in front of it (a fault, the proxy). */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, kong = true): void {
  const common = kong ? { 'x-kong-admin-latency': '0', 'server': 'kong/3.9.3' } : {};
  if (body === undefined || status === 204) {
    res.writeHead(status, { ...common, ...(status === 204 ? {} : { 'content-length': 0 }), ...headers }).end();
    return;
  }
  const text = JSON.stringify(body);
  // HEAD: the same headers, and Node sends no body
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...common, ...headers }).end(text);
}

// Violations fail the test that caused them. jest's globals exist when a test
// file imports this module; registering at import time puts the hook at the
// file's top level, where jest allows it.
declare const afterEach: ((fn: () => void) => void) | undefined;
if (typeof afterEach === 'function') {
  afterEach(() => {
    const found = [...running].flatMap((e) => e.takeViolations());
    if (found.length > 0) throw new Error(describe(found));
  });
}
