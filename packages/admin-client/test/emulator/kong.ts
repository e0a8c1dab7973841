/**
 * Kong 3.9's Admin API semantics over an in-memory store: what a control
 * plane backed by PostgreSQL answers. Pages are ordered by id and resumed
 * from an opaque `offset`; `tags=a,b` is AND and `tags=a/b` is OR (top-level
 * lists only); unique fields answer 409; PUT creates or replaces; PATCH on a
 * missing entity is 404; DELETE answers 204 even when nothing matched; errors
 * are `{ code, name, message, fields }`; a plain 404 is `{ message }`.
 * Defaults come from the OpenAPI document; behaviour (uniques, foreign keys,
 * cascades, entity checks) is Kong's, written out here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ENTITIES } from '../../openapi/spec/entities';
import { FOREIGN, NESTED, TOP_LEVEL } from '../../openapi/spec/paths';
import { BUNDLED_PLUGINS, TYPED_PLUGINS } from '../../openapi/spec/plugins';
import type { Contract, Match } from './contract';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Entity = Record<string, Json>;

/** An answer of the Admin API. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

/** A problem Kong reports as an error answer. */
class KongError extends Error {
  constructor(readonly answer: Answer) {
    super(JSON.stringify(answer.body));
  }
}

interface ForeignKey {
  readonly field: string;
  readonly parent: string;
  readonly onDelete: 'cascade' | 'restrict';
}

interface Model {
  readonly collection: string;
  /** Kong's DAO name (tags, errors, `/schemas/{entity}`). */
  readonly dao: string;
  readonly schema: string;
  readonly endpointKey?: string;
  readonly foreign: ForeignKey[];
  readonly unique: string[][];
  /** Unique sets where `null` counts as a value (plugin scope). */
  readonly uniqueWithNulls?: string[][];
  /** Shorthands and generated values, before defaults. */
  prepare?(input: Entity, previous: Entity | undefined, kong: Kong): void;
  /** Kong's entity checks: field errors, if any. */
  check?(entity: Entity, kong: Kong): Record<string, unknown> | undefined;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTO = new Set(['id', 'created_at', 'updated_at']);
const HTTP_ONLY_PLUGINS = new Set(['key-auth', 'cors', 'rate-limiting', 'basic-auth', 'acl']);
const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'];

const atLeastOne = (entity: Entity, names: string[]) => {
  const get = (path: string) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), entity);
  const empty = (v: unknown) => v == null || (Array.isArray(v) && v.length === 0) || v === '';
  return names.every((n) => empty(get(n)))
    ? { '@entity': [`at least one of these fields must be non-empty: ${names.map((n) => `'${n}'`).join(', ')}`] }
    : undefined;
};
const isPem = (s: unknown, kind: RegExp) => typeof s === 'string' && (s.startsWith('{vault://') || kind.test(s));
const PEM_CERT = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;
const PEM_KEY = /^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z]+ )?PRIVATE KEY-----\s*$/;

function routeCheck(route: Entity): Record<string, unknown> | undefined {
  const protocols: string[] = route.protocols ?? [];
  const subsets = [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']];
  if (!subsets.some((s) => protocols.every((p) => s.includes(p)))) {
    return { protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp'), ('tls_passthrough'), ('grpc', 'grpcs')" };
  }
  const set = (f: string) => Array.isArray(route[f]) ? route[f].length > 0 : route[f] != null && Object.keys(route[f]).length > 0;
  const snisAllowed = protocols.some((p) => ['https', 'grpcs', 'tls', 'tls_passthrough'].includes(p));
  if (set('snis') && !snisAllowed) {
    return { snis: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" };
  }
  let needed: string[];
  let protocol: string;
  if (protocols.includes('http') || protocols.includes('https')) {
    protocol = protocols.includes('http') ? 'http' : 'https';
    needed = protocol === 'https' ? ['methods', 'hosts', 'headers', 'paths', 'snis'] : ['methods', 'hosts', 'headers', 'paths'];
  } else if (protocols.includes('grpc') || protocols.includes('grpcs')) {
    protocol = protocols.includes('grpc') ? 'grpc' : 'grpcs';
    needed = protocol === 'grpcs' ? ['hosts', 'headers', 'paths', 'snis'] : ['hosts', 'headers', 'paths'];
  } else if (protocols.includes('tls_passthrough')) {
    protocol = 'tls_passthrough';
    needed = ['snis'];
  } else {
    protocol = protocols.includes('tls') ? 'tls' : protocols[0] ?? 'tcp';
    needed = protocol === 'tls' ? ['sources', 'destinations', 'snis'] : ['sources', 'destinations'];
  }
  if (!needed.some(set)) {
    return { '@entity': [`must set one of ${needed.map((n) => `'${n}'`).join(', ')} when 'protocols' is '${protocol}'`] };
  }
  return undefined;
}

function parseUrl(url: string): Entity {
  const u = new URL(url);
  const protocol = u.protocol.slice(0, -1);
  return {
    protocol,
    host: u.hostname,
    port: u.port ? Number(u.port) : protocol === 'https' ? 443 : 80,
    path: u.pathname && u.pathname !== '/' ? u.pathname : (url.replace(/^[a-z]+:\/\/[^/]*/i, '') === '/' ? '/' : null),
  };
}

const MODELS: Model[] = [
  {
    collection: 'services', dao: 'services', schema: 'Service', endpointKey: 'name', unique: [['name']],
    foreign: [{ field: 'client_certificate', parent: 'certificates', onDelete: 'restrict' }],
    prepare(input) {
      if (typeof input.url === 'string') Object.assign(input, parseUrl(input.url));
      delete input.url;
    },
    check(s) {
      if (['tcp', 'tls', 'tls_passthrough', 'udp', 'grpc', 'grpcs'].includes(s.protocol) && s.path != null) {
        return { '@entity': ["failed conditional validation given value of field 'protocol'"], path: 'value must be null' };
      }
      if (s.protocol !== 'https' && s.client_certificate != null) {
        return { '@entity': ["failed conditional validation given value of field 'protocol'"], client_certificate: 'value must be null' };
      }
      return undefined;
    },
  },
  {
    collection: 'routes', dao: 'routes', schema: 'Route', endpointKey: 'name', unique: [['name']],
    foreign: [{ field: 'service', parent: 'services', onDelete: 'restrict' }],
    prepare(input) {
      for (const f of ['expression', 'priority']) if (f in input) throw new KongError(schemaViolation({ [f]: 'unknown field' }));
    },
    check: routeCheck,
  },
  {
    collection: 'consumers', dao: 'consumers', schema: 'Consumer', endpointKey: 'username', unique: [['username'], ['custom_id']], foreign: [],
    check: (c) => atLeastOne(c, ['custom_id', 'username']),
  },
  {
    collection: 'plugins', dao: 'plugins', schema: 'Plugin', endpointKey: 'instance_name',
    unique: [['instance_name']], uniqueWithNulls: [['name', 'route', 'service', 'consumer']],
    foreign: [
      { field: 'route', parent: 'routes', onDelete: 'cascade' },
      { field: 'service', parent: 'services', onDelete: 'cascade' },
      { field: 'consumer', parent: 'consumers', onDelete: 'cascade' },
    ],
    prepare(input) {
      if (input.protocols === undefined) input.protocols = input.name === 'ip-restriction' ? [...HTTP_PROTOCOLS, 'tcp', 'tls'] : HTTP_PROTOCOLS;
    },
    check(p) {
      if (!(BUNDLED_PLUGINS as readonly string[]).includes(p.name)) {
        return { name: `plugin '${p.name}' not enabled; add it to the 'plugins' configuration property` };
      }
      if (HTTP_ONLY_PLUGINS.has(p.name) && p.protocols.some((x: string) => !HTTP_PROTOCOLS.includes(x))) {
        return { protocols: `expected one of: ${HTTP_PROTOCOLS.join(', ')}` };
      }
      if (p.name === 'ip-restriction') return atLeastOne(p, ['config.allow', 'config.deny']);
      if (p.name === 'rate-limiting') {
        const periods = atLeastOne(p, ['config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year']);
        if (periods) return periods;
        if (p.config.policy === 'redis' && p.config.redis?.host == null) {
          return { '@entity': ["failed conditional validation given value of field 'config.policy'"], config: { redis: { host: 'required field missing' } } };
        }
      }
      return undefined;
    },
  },
  {
    collection: 'certificates', dao: 'certificates', schema: 'Certificate', unique: [], foreign: [],
    check(c) {
      const fields: Record<string, string> = {};
      if (!isPem(c.cert, PEM_CERT)) fields.cert = 'invalid certificate: x509.new: expected a PEM certificate';
      if (!isPem(c.key, PEM_KEY)) fields.key = 'invalid key: pkey.new: expected a PEM private key';
      if (c.cert_alt != null && !isPem(c.cert_alt, PEM_CERT)) fields.cert_alt = 'invalid certificate: x509.new: expected a PEM certificate';
      if (c.key_alt != null && !isPem(c.key_alt, PEM_KEY)) fields.key_alt = 'invalid key: pkey.new: expected a PEM private key';
      if ((c.cert_alt == null) !== (c.key_alt == null)) fields['@entity'] = 'all or none of these fields must be set: \'cert_alt\', \'key_alt\'';
      return Object.keys(fields).length ? fields : undefined;
    },
  },
  {
    collection: 'snis', dao: 'snis', schema: 'Sni', endpointKey: 'name', unique: [['name']],
    foreign: [{ field: 'certificate', parent: 'certificates', onDelete: 'cascade' }],
    check: (s) => (/[:/]/.test(s.name) || /^[0-9.]+$/.test(s.name) ? { name: s.name.includes(':') ? 'must not have a port' : 'must not be an IP' } : undefined),
  },
  {
    collection: 'ca_certificates', dao: 'ca_certificates', schema: 'CaCertificate', unique: [['cert_digest']], foreign: [],
    prepare(input, previous) {
      if (input.cert_digest === undefined && (input.cert !== undefined || !previous)) {
        input.cert_digest = createHash('sha256').update(String(input.cert ?? '')).digest('hex');
      }
    },
    check: (c) => (isPem(c.cert, PEM_CERT) ? undefined : { cert: 'invalid certificate: x509.new: expected a PEM certificate' }),
  },
  {
    collection: 'upstreams', dao: 'upstreams', schema: 'Upstream', endpointKey: 'name', unique: [['name']],
    foreign: [{ field: 'client_certificate', parent: 'certificates', onDelete: 'restrict' }],
    check(u) {
      if (/^[0-9.]+$/.test(u.name) || u.name.includes(':')) {
        return { name: `Invalid name ('${u.name}'); ${u.name.includes(':') ? 'no port allowed' : 'no ip addresses allowed'}` };
      }
      if (u.hash_on === 'header' && u.hash_on_header == null) return { hash_on_header: 'required field missing' };
      if (u.hash_on === 'none' && u.hash_fallback !== 'none') return { hash_fallback: "expected one of: none" };
      return undefined;
    },
  },
  {
    collection: 'targets', dao: 'targets', schema: 'Target', endpointKey: 'target', unique: [['upstream', 'target']],
    foreign: [{ field: 'upstream', parent: 'upstreams', onDelete: 'cascade' }],
    prepare(input) {
      if (typeof input.target === 'string') input.target = withPort(input.target);
    },
  },
  {
    collection: 'vaults', dao: 'vaults', schema: 'Vault', endpointKey: 'prefix', unique: [['prefix']], foreign: [],
    check: (v) => (v.name === 'env' ? undefined : { name: `vault '${v.name}' is not installed` }),
  },
  {
    collection: 'keys', dao: 'keys', schema: 'Key', endpointKey: 'name', unique: [['name'], ['kid', 'set']],
    foreign: [{ field: 'set', parent: 'key-sets', onDelete: 'cascade' }],
    check(k) {
      const missing = atLeastOne(k, ['jwk', 'pem']);
      if (missing) return missing;
      if (k.jwk != null) {
        try {
          const jwk = JSON.parse(k.jwk);
          if (jwk.kid !== k.kid) return { '@entity': ['kid in jwk.kid must be equal to keys.kid'] };
        } catch {
          return { jwk: 'could not load JWK, likely not a valid key' };
        }
      }
      return undefined;
    },
  },
  { collection: 'key-sets', dao: 'key_sets', schema: 'KeySet', endpointKey: 'name', unique: [['name']], foreign: [] },
  {
    collection: 'key-auths', dao: 'keyauth_credentials', schema: 'KeyAuth', endpointKey: 'key', unique: [['key']],
    foreign: [{ field: 'consumer', parent: 'consumers', onDelete: 'cascade' }],
    prepare(input, previous) {
      if (input.key === undefined && !previous) input.key = randomUUID().replace(/-/g, '');
    },
  },
  {
    collection: 'basic-auths', dao: 'basicauth_credentials', schema: 'BasicAuth', endpointKey: 'username', unique: [['username']],
    foreign: [{ field: 'consumer', parent: 'consumers', onDelete: 'cascade' }],
  },
  {
    collection: 'acls', dao: 'acls', schema: 'Acl', unique: [['consumer', 'group']],
    foreign: [{ field: 'consumer', parent: 'consumers', onDelete: 'cascade' }],
  },
];

const MODEL = new Map(MODELS.map((m) => [m.collection, m]));
const DAO_TO_COLLECTION = new Map(MODELS.map((m) => [m.dao, m.collection]));

function withPort(target: string): string {
  if (/^\[.*\]:\d+$/.test(target) || /^[^:]+:\d+$/.test(target)) return target;
  return target.includes(':') && !target.startsWith('[') ? `[${target}]:8000` : `${target}:8000`;
}

/** Lua-style rendering of a key, as Kong writes it in messages: `{name="x"}`. */
function luaPretty(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value !== 'object') return String(value);
  const entries = Object.keys(value).sort().map((k) => `${k}=${luaPretty((value as Entity)[k])}`);
  return `{${entries.join(',')}}`;
}

export function schemaViolation(fields: Record<string, unknown>): Answer {
  const flat: string[] = [];
  for (const e of (fields['@entity'] as string[] | undefined) ?? []) flat.push(e);
  for (const [k, v] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    if (k === '@entity') continue;
    flat.push(typeof v === 'string' ? `${k}: ${v}` : `${k}: ${JSON.stringify(v)}`);
  }
  const message = flat.length === 1 ? `schema violation (${flat[0]})` : `${flat.length} schema violations (${flat.join('; ')})`;
  return { status: 400, body: { code: 2, name: 'schema violation', message, fields } };
}

const plainNotFound: Answer = { status: 404, body: { message: 'Not found' } };
const notFoundBy = (filter: Entity): Answer => ({
  status: 404,
  body: { code: 6, name: 'not found', message: `could not find the entity with ${'id' in filter ? 'primary key ' : ''}'${luaPretty(filter)}'`, fields: filter },
});

interface Scope {
  readonly field: string;
  readonly parentId: string;
}

export interface KongOptions {
  /** Unix time in seconds. */
  readonly now: () => number;
  readonly role: 'control_plane' | 'traditional';
  readonly requestCount: () => number;
}

/** The state of one emulated control plane. */
export class Kong {
  private readonly tables = new Map<string, Map<string, Entity>>(MODELS.map((m) => [m.collection, new Map()]));
  private readonly routes = new Map<string, Record<string, (m: Match, q: URLSearchParams, b: Entity) => Answer>>();
  dataPlanes: Entity[] = [];

  constructor(private readonly contract: Contract, private readonly options: KongOptions) {
    for (const collection of TOP_LEVEL) {
      this.routes.set(`/${collection}`, {
        GET: (_m, q) => this.list(collection, q, `/${collection}`),
        POST: (_m, _q, b) => this.create(collection, b),
      });
      const param = this.paramOf(collection);
      this.routes.set(`/${collection}/{${param}}`, {
        GET: (m) => this.getOne(collection, m.pathParams[param]),
        PUT: (m, _q, b) => this.upsert(collection, m.pathParams[param], b),
        PATCH: (m, _q, b) => this.patch(collection, m.pathParams[param], b),
        DELETE: (m) => this.remove(collection, m.pathParams[param]),
      });
    }
    for (const n of NESTED) {
      const pp = this.paramOf(n.parent);
      const cp = this.paramOf(n.child);
      const scopeOf = (m: Match): Scope | Answer => {
        const parent = this.find(n.parent, m.pathParams[pp]);
        return parent ? { field: n.field, parentId: parent.id } : plainNotFound;
      };
      const nested = (m: Match, fn: (scope: Scope) => Answer): Answer => {
        const scope = scopeOf(m);
        return 'status' in scope ? scope : fn(scope);
      };
      this.routes.set(`/${n.parent}/{${pp}}/${n.segment}`, {
        GET: (m, q) => nested(m, (s) => this.list(n.child, q, `/${n.parent}/${encodeURIComponent(m.pathParams[pp])}/${n.segment}`, s)),
        POST: (m, _q, b) => nested(m, (s) => this.create(n.child, { ...b, [n.field]: { id: s.parentId } })),
      });
      this.routes.set(`/${n.parent}/{${pp}}/${n.segment}/{${cp}}`, {
        GET: (m) => nested(m, (s) => this.getOne(n.child, m.pathParams[cp], s)),
        PUT: (m, _q, b) => nested(m, (s) => this.upsert(n.child, m.pathParams[cp], { ...b, [n.field]: { id: s.parentId } }, s)),
        PATCH: (m, _q, b) => nested(m, (s) => this.patch(n.child, m.pathParams[cp], b, s)),
        DELETE: (m) => nested(m, (s) => this.remove(n.child, m.pathParams[cp], s)),
      });
    }
    for (const f of FOREIGN) {
      const cp = this.paramOf(f.child);
      this.routes.set(`/${f.child}/{${cp}}/${f.field}`, {
        GET: (m) => {
          const child = this.find(f.child, m.pathParams[cp]);
          const parent = child?.[f.field] ? this.table(f.parent).get(child[f.field].id) : undefined;
          return parent ? { status: 200, body: this.serialize(f.parent, parent) } : plainNotFound;
        },
      });
    }
    this.routes.set('/', { GET: () => ({ status: 200, body: this.nodeInformation() }) });
    this.routes.set('/status', { GET: () => ({ status: 200, body: this.nodeStatus() }) });
    this.routes.set('/endpoints', { GET: () => ({ status: 200, body: { data: this.contract.templates } }) });
    this.routes.set('/plugins/enabled', { GET: () => ({ status: 200, body: { enabled_plugins: [...BUNDLED_PLUGINS] } }) });
    this.routes.set('/clustering/data-planes', {
      GET: (_m, q) => this.options.role === 'control_plane'
        ? this.page(this.dataPlanes, (dp) => dp.id, q, '/clustering/data-planes')
        : { status: 400, body: { message: 'this endpoint is only available when Kong is configured to run as Control Plane for the cluster' } },
    });
    this.routes.set('/tags', { GET: (_m, q) => this.page(this.taggedEntities(), tagKey, q, '/tags') });
    this.routes.set('/tags/{tags}', {
      GET: (m, q) => this.page(this.taggedEntities().filter((t) => t.tag === m.pathParams.tags), tagKey, q, `/tags/${encodeURIComponent(m.pathParams.tags)}`),
    });
    this.routes.set('/schemas/{entity}', { GET: (m) => this.entitySchema(m.pathParams.entity) });
    this.routes.set('/schemas/{entity}/validate', { POST: (m, _q, b) => this.validateOnly(DAO_TO_COLLECTION.get(m.pathParams.entity) ?? m.pathParams.entity, b) });
    this.routes.set('/schemas/plugins/{name}', { GET: (m) => this.pluginSchema(m.pathParams.name) });
    this.routes.set('/schemas/plugins/validate', { POST: (_m, _q, b) => this.validateOnly('plugins', b) });
    this.routes.set('/schemas/vaults/{name}', {
      GET: (m) => m.pathParams.name === 'env'
        ? { status: 200, body: { fields: [{ config: { type: 'record', fields: [{ prefix: { type: 'string' } }] } }] } }
        : { status: 404, body: { message: `No vault named '${m.pathParams.name}'` } },
    });
  }

  /** Answers a request the contract has matched and found valid. */
  handle(match: Match, query: URLSearchParams, body: Entity | undefined): Answer {
    const handler = this.routes.get(match.template)?.[match.method];
    if (!handler) return { status: 405, body: { message: 'Method not allowed' } };
    try {
      return handler(match, query, body ?? {});
    } catch (e) {
      if (e instanceof KongError) return e.answer;
      throw e;
    }
  }

  /** Every entity of a collection, ordered by id, as Kong answers them. */
  all(collection: string): Entity[] {
    return this.sorted(collection).map((e) => this.serialize(collection, e));
  }

  /** Creates entities without HTTP (test setup), with every Kong check. */
  seed(collection: string, bodies: Entity[]): Entity[] {
    return bodies.map((b) => {
      let answer: Answer;
      try {
        answer = this.create(collection, b);
      } catch (e) {
        if (!(e instanceof KongError)) throw e;
        answer = e.answer;
      }
      if (answer.status !== 201) throw new Error(`seed ${collection}: Kong would answer ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as Entity;
    });
  }

  clear(): void {
    for (const t of this.tables.values()) t.clear();
    this.dataPlanes = [];
  }

  // --- collections ---------------------------------------------------------

  private list(collection: string, query: URLSearchParams, base: string, scope?: Scope): Answer {
    let items = this.sorted(collection);
    if (scope) {
      items = items.filter((e) => e[scope.field]?.id === scope.parentId);
    } else if (query.has('tags')) {
      const filter = parseTags(query.get('tags')!);
      if ('status' in filter) return filter;
      items = items.filter((e) => (filter.and ? filter.tags.every((t) => e.tags?.includes(t)) : filter.tags.some((t) => e.tags?.includes(t))));
    }
    if (collection === 'consumers' && query.has('custom_id')) items = items.filter((e) => e.custom_id === query.get('custom_id'));
    const keep = scope ? [] : ['tags', 'size'];
    return this.page(items.map((e) => this.serialize(collection, e)), (e) => e.id, query, base, keep);
  }

  private page(items: Entity[], keyOf: (e: Entity) => string, query: URLSearchParams, base: string, keep: string[] = ['size']): Answer {
    let size = 100;
    if (query.has('size')) {
      size = Number(query.get('size'));
      if (!Number.isInteger(size) || size < 1 || size > 1000) {
        return { status: 400, body: { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' } };
      }
    }
    let start = 0;
    const offset = query.get('offset');
    if (offset !== null) {
      const after = decodeOffset(offset);
      if (after === undefined) {
        return { status: 400, body: { code: 7, name: 'invalid offset', message: `'${offset}' is not a valid offset: bad base64 encoding` } };
      }
      start = items.findIndex((e) => keyOf(e) > after);
      if (start < 0) start = items.length;
    }
    const data = items.slice(start, start + size);
    const more = start + size < items.length;
    const token = more ? encodeOffset(keyOf(data[data.length - 1])) : undefined;
    const extra = keep.filter((k) => query.has(k)).map((k) => `&${k}=${encodeURIComponent(query.get(k)!)}`).join('');
    return {
      status: 200,
      body: { data, ...(token ? { offset: token } : {}), next: token ? `${base}?offset=${encodeURIComponent(token)}${extra}` : null },
    };
  }

  // --- entities ------------------------------------------------------------

  private getOne(collection: string, idOrKey: string, scope?: Scope): Answer {
    const entity = this.find(collection, idOrKey, scope);
    return entity ? { status: 200, body: this.serialize(collection, entity) } : plainNotFound;
  }

  private create(collection: string, body: Entity): Answer {
    const entity = this.build(collection, clone(body), undefined, 'create');
    if (entity.id !== undefined && this.table(collection).has(entity.id)) {
      return { status: 400, body: { code: 3, name: 'primary key violation', message: `primary key violation on key '${luaPretty({ id: entity.id })}'`, fields: { id: entity.id } } };
    }
    return { status: 201, body: this.store(collection, entity, body) };
  }

  private upsert(collection: string, idOrKey: string, body: Entity, scope?: Scope): Answer {
    const model = MODEL.get(collection)!;
    const byId = UUID_RE.test(idOrKey);
    if (!byId && !model.endpointKey) return plainNotFound;
    const input = clone(body);
    if (!byId) {
      const key = model.endpointKey!;
      const fromUrl = key === 'target' ? withPort(idOrKey) : idOrKey;
      if (input[key] !== undefined && input[key] !== fromUrl && (key !== 'target' || withPort(input[key]) !== fromUrl)) {
        return schemaViolation({ [key]: `must match the ${key} in the URL ('${idOrKey}')` });
      }
      input[key] = fromUrl;
    }
    const existing = byId ? this.table(collection).get(idOrKey) : this.find(collection, idOrKey, scope);
    if (byId) input.id = idOrKey;
    else if (existing) input.id = existing.id;
    const entity = this.build(collection, input, existing, 'replace');
    return { status: 200, body: this.store(collection, entity, body) };
  }

  private patch(collection: string, idOrKey: string, body: Entity, scope?: Scope): Answer {
    const model = MODEL.get(collection)!;
    const existing = this.find(collection, idOrKey, scope);
    if (!existing) {
      if (scope) return plainNotFound;
      return notFoundBy(UUID_RE.test(idOrKey) || !model.endpointKey ? { id: idOrKey } : { [model.endpointKey]: idOrKey });
    }
    const input = clone(body);
    if (input.id !== undefined && input.id !== existing.id) return schemaViolation({ id: 'cannot change the id of an entity' });
    const entity = this.build(collection, input, existing, 'update');
    return { status: 200, body: this.store(collection, entity, body) };
  }

  private remove(collection: string, idOrKey: string, scope?: Scope): Answer {
    const entity = this.find(collection, idOrKey, scope);
    if (!entity) return scope ? plainNotFound : { status: 204 };
    this.delete(collection, entity);
    return { status: 204 };
  }

  private validateOnly(collection: string, body: Entity): Answer {
    const model = MODEL.get(collection);
    if (!model) return { status: 404, body: { message: `No entity named '${collection}'` } };
    if (collection !== 'plugins') {
      const problems = this.contract.validateComponent(`${model.schema}Create`, body);
      if (problems.length > 0) return schemaViolation({ '@entity': problems });
    }
    this.build(collection, clone(body), undefined, 'create', { checkOnly: true });
    return { status: 200, body: { message: 'schema validation successful' } };
  }

  /** Request body → complete entity: shorthands, foreign keys, defaults, Kong's checks, unique fields. */
  private build(collection: string, input: Entity, existing: Entity | undefined, mode: 'create' | 'replace' | 'update', opts: { checkOnly?: boolean } = {}): Entity {
    const model = MODEL.get(collection)!;
    model.prepare?.(input, mode === 'update' ? existing : undefined, this);
    if (!opts.checkOnly) {
      for (const fk of model.foreign) {
        if (input[fk.field] != null) input[fk.field] = { id: this.resolveForeign(fk, input[fk.field]).id };
      }
    }
    const merged = mode === 'update' ? deepMerge(stripAuto(existing!), input) : input;
    if (collection === 'basic-auths' && input.password !== undefined && merged.consumer) {
      merged.password = createHash('sha1').update(`${input.password}${merged.consumer.id}`).digest('hex');
    }
    const { response, request } = this.schemasOf(collection, merged);
    const entity = this.materialize(merged, request, response, true) as Entity;
    const now = this.options.now();
    const precise = this.contract.resolve(response).properties.created_at?.type === 'number';
    const stamp = precise ? Math.round(now * 1000) / 1000 : Math.floor(now);
    entity.id = merged.id ?? existing?.id ?? randomUUID();
    entity.created_at = existing?.created_at ?? stamp;
    if ('updated_at' in this.contract.resolve(response).properties) entity.updated_at = stamp;

    const missing: Record<string, string> = {};
    const resolved = this.contract.resolve(response);
    for (const name of resolved.required ?? []) {
      if (AUTO.has(name)) continue;
      if (entity[name] === null && !nullableSchema(resolved.properties[name])) missing[name] = 'required field missing';
    }
    if (Object.keys(missing).length > 0) throw new KongError(schemaViolation(missing));
    const problems = model.check?.(entity, this);
    if (problems) throw new KongError(schemaViolation(problems));
    if (!opts.checkOnly) this.checkUnique(model, entity);
    return entity;
  }

  private store(collection: string, entity: Entity, body: Entity): Entity {
    const snis = collection === 'certificates' && Array.isArray(body.snis) ? (body.snis as string[]) : undefined;
    for (const name of snis ?? []) {
      const other = this.find('snis', name);
      if (other && other.certificate.id !== entity.id) {
        throw new KongError({ status: 409, body: { code: 5, name: 'unique constraint violation', message: `UNIQUE violation detected on '${luaPretty({ name })}'`, fields: { name } } });
      }
    }
    this.table(collection).set(entity.id, entity);
    if (snis) this.replaceCertificateSnis(entity.id, snis);
    return this.serialize(collection, entity);
  }

  private replaceCertificateSnis(certificateId: string, names: string[]): void {
    for (const sni of this.sorted('snis')) if (sni.certificate.id === certificateId && !names.includes(sni.name)) this.table('snis').delete(sni.id);
    for (const name of names) if (!this.find('snis', name)) this.seed('snis', [{ name, certificate: { id: certificateId } }]);
  }

  private delete(collection: string, entity: Entity): void {
    for (const model of MODELS) {
      for (const fk of model.foreign.filter((f) => f.parent === collection && f.onDelete === 'restrict')) {
        if (this.sorted(model.collection).some((child) => child[fk.field]?.id === entity.id)) {
          throw new KongError({
            status: 400,
            body: { code: 4, name: 'foreign key violation', message: `an existing '${model.dao}' entity references this '${MODEL.get(collection)!.dao}' entity`, fields: { '@referenced_by': model.dao } },
          });
        }
      }
    }
    if (collection === 'ca_certificates') {
      const user = this.sorted('services').find((s) => s.ca_certificates?.includes(entity.id));
      if (user) {
        throw new KongError({ status: 400, body: { code: 19, name: 'referenced by others', message: `ca certificate ${entity.id} is still referenced by services (id = ${user.id})` } });
      }
    }
    for (const model of MODELS) {
      for (const fk of model.foreign.filter((f) => f.parent === collection && f.onDelete === 'cascade')) {
        for (const child of this.sorted(model.collection)) if (child[fk.field]?.id === entity.id) this.delete(model.collection, child);
      }
    }
    this.table(collection).delete(entity.id);
  }

  private checkUnique(model: Model, entity: Entity): void {
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    const sets = [...model.unique.map((s) => ({ fields: s, nulls: false })), ...(model.uniqueWithNulls ?? []).map((s) => ({ fields: s, nulls: true }))];
    for (const { fields, nulls } of sets) {
      if (!nulls && fields.some((f) => entity[f] == null)) continue;
      const clash = [...this.table(model.collection).values()].find((o) => o.id !== entity.id && fields.every((f) => same(o[f], entity[f])));
      if (clash) {
        const key = Object.fromEntries(fields.map((f) => [f, entity[f] ?? null]));
        throw new KongError({ status: 409, body: { code: 5, name: 'unique constraint violation', message: `UNIQUE violation detected on '${luaPretty(key)}'`, fields: key } });
      }
    }
  }

  private resolveForeign(fk: ForeignKey, ref: Entity): Entity {
    const parentModel = MODEL.get(fk.parent)!;
    const [[by, value]] = Object.entries(ref);
    const found = by === 'id' ? this.table(fk.parent).get(String(value)) : this.findBy(fk.parent, by, String(value));
    if (!found) {
      throw new KongError({
        status: 400,
        body: {
          code: 4, name: 'foreign key violation',
          message: `the foreign key '${luaPretty(ref)}' does not reference an existing '${parentModel.dao}' entity.`,
          fields: { [fk.field]: ref },
        },
      });
    }
    return found;
  }

  /** An entity by id, or by endpoint key (within a parent on nested paths). */
  private find(collection: string, idOrKey: string, scope?: Scope): Entity | undefined {
    const model = MODEL.get(collection)!;
    let found: Entity | undefined;
    if (UUID_RE.test(idOrKey)) found = this.table(collection).get(idOrKey.toLowerCase()) ?? this.table(collection).get(idOrKey);
    else if (model.endpointKey) found = this.findBy(collection, model.endpointKey, model.endpointKey === 'target' ? withPort(idOrKey) : idOrKey, scope);
    else if (collection === 'acls' && scope) found = this.findBy(collection, 'group', idOrKey, scope);
    if (found && scope && found[scope.field]?.id !== scope.parentId) return undefined;
    return found;
  }

  private findBy(collection: string, field: string, value: string, scope?: Scope): Entity | undefined {
    return [...this.table(collection).values()].find((e) => e[field] === value && (!scope || e[scope.field]?.id === scope.parentId));
  }

  private serialize(collection: string, entity: Entity): Entity {
    const out = clone(entity);
    if (collection === 'certificates') {
      out.snis = this.sorted('snis').filter((s) => s.certificate.id === entity.id).map((s) => s.name).sort();
    }
    return out;
  }

  private sorted(collection: string): Entity[] {
    return [...this.table(collection).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private table(collection: string): Map<string, Entity> {
    const t = this.tables.get(collection);
    if (!t) throw new Error(`emulator: no collection ${collection}`);
    return t;
  }

  private paramOf(collection: string): string {
    return collection === 'plugins' ? 'plugin' : ENTITIES.find((e) => e.collection === collection)!.param;
  }

  /** The response schema of the entity, and the request schema its defaults come from. */
  private schemasOf(collection: string, entity: Entity): { response: Json; request: Json } {
    const model = MODEL.get(collection)!;
    if (collection !== 'plugins') return { response: { $ref: `#/components/schemas/${model.schema}` }, request: { $ref: `#/components/schemas/${model.schema}Create` } };
    const typed = TYPED_PLUGINS.find((t) => t.name === entity.name);
    const prefix = typed ? `${typed.schema}Plugin` : 'OtherPlugin';
    return { response: { $ref: `#/components/schemas/${prefix}` }, request: { $ref: `#/components/schemas/${prefix}Create` } };
  }

  /** Fills what a request left out the way Kong does: defaults, `null`, and nested records. */
  private materialize(value: unknown, requestSchema: Json, responseSchema: Json, top = false): unknown {
    const response = unwrapNullable(this.contract.resolve(responseSchema), this.contract);
    const request = requestSchema ? unwrapNullable(this.contract.resolve(requestSchema), this.contract) : undefined;
    if (value === undefined) {
      if (request?.default !== undefined) value = clone(request.default);
      else if (response?.type === 'object' && !nullableSchema(this.contract.resolve(responseSchema))) value = {};
      else return null;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !response?.properties) return value;
    const out: Entity = {};
    for (const [name, schema] of Object.entries<Json>(response.properties)) {
      const given = (value as Entity)[name];
      if (given === undefined && (top ? AUTO.has(name) : false)) continue;
      if (given === undefined && !(response.required ?? []).includes(name)) continue;
      out[name] = this.materialize(given, request?.properties?.[name], schema);
    }
    return out;
  }

  // --- information ---------------------------------------------------------

  private taggedEntities(): Entity[] {
    const out: Entity[] = [];
    for (const model of MODELS) {
      for (const e of this.sorted(model.collection)) for (const tag of e.tags ?? []) out.push({ entity_name: model.dao, entity_id: e.id, tag });
    }
    return out.sort((a, b) => (tagKey(a) < tagKey(b) ? -1 : 1));
  }

  private nodeInformation(): Entity {
    const plugins = BUNDLED_PLUGINS.map((name, i) => [name, { version: '3.9.1', priority: 1000 + i }]);
    return {
      version: '3.9.1',
      edition: 'community',
      tagline: 'Welcome to kong',
      node_id: '5a9f6c8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f',
      hostname: 'kong-admin-emulator',
      lua_version: 'LuaJIT 2.1.0-20231117',
      timers: { running: 0, pending: 0 },
      plugins: {
        available_on_server: Object.fromEntries(plugins),
        enabled_in_cluster: [...new Set(this.sorted('plugins').map((p) => p.name))].sort(),
      },
      configuration: { role: this.options.role, database: 'postgres', admin_listen: ['0.0.0.0:8001'], cluster_listen: ['0.0.0.0:8005'], router_flavor: 'traditional_compatible' },
      pids: { master: 1, workers: [1278] },
    };
  }

  private nodeStatus(): Entity {
    const n = this.options.requestCount();
    return {
      database: { reachable: true },
      memory: { workers_lua_vms: [{ http_allocated_gc: '40.00 MiB', pid: 1278 }], lua_shared_dicts: { kong: { allocated_slabs: '0.04 MiB', capacity: '5.00 MiB' } } },
      server: { total_requests: n, connections_active: 1, connections_accepted: n, connections_handled: n, connections_reading: 0, connections_writing: 1, connections_waiting: 0 },
    };
  }

  private entitySchema(dao: string): Answer {
    const model = MODEL.get(DAO_TO_COLLECTION.get(dao) ?? '');
    if (!model) return { status: 404, body: { message: `No entity named '${dao}'` } };
    return { status: 200, body: { fields: this.kongFields(this.contract.component(model.schema)) } };
  }

  private pluginSchema(name: string): Answer {
    if (!(BUNDLED_PLUGINS as readonly string[]).includes(name)) return { status: 404, body: { message: `No plugin named '${name}'` } };
    const typed = TYPED_PLUGINS.find((t) => t.name === name);
    const config = typed ? this.kongFields(this.contract.component(`${typed.schema}ConfigInput`)) : [];
    return { status: 200, body: { fields: [{ protocols: { type: 'set', required: true } }, { config: { type: 'record', required: true, fields: config } }] } };
  }

  /** JSON Schema → Kong's `fields` list (types only, enough for tooling). */
  private kongFields(schema: Json): Entity[] {
    const resolved = this.contract.resolve(schema);
    return Object.entries<Json>(resolved.properties ?? {}).map(([name, s]) => {
      const inner = unwrapNullable(this.contract.resolve(s), this.contract);
      const type = inner.type === 'object' ? (inner.properties ? 'record' : 'map') : inner.type === 'array' ? (inner.uniqueItems ? 'set' : 'array') : inner.type ?? 'foreign';
      const field: Entity = { type, required: (resolved.required ?? []).includes(name) };
      if (inner.default !== undefined) field.default = inner.default;
      if (inner.enum) field.one_of = inner.enum.filter((v: unknown) => v !== null);
      if (type === 'record') field.fields = this.kongFields(inner);
      return { [name]: field };
    });
  }
}

const tagKey = (t: Entity) => `${t.tag}\u0000${t.entity_id}`;

function parseTags(raw: string): { and: boolean; tags: string[] } | Answer {
  const invalid = (why: string): Answer => ({
    status: 400,
    body: { code: 11, name: 'invalid options', message: `invalid option (tags: ${why})`, options: { tags: why } },
  });
  if (raw.includes(',') && raw.includes('/')) return invalid('invalid filter syntax');
  const and = !raw.includes('/');
  const tags = raw.split(and ? ',' : '/');
  if (tags.some((t) => t === '')) return invalid('invalid filter syntax');
  if (tags.length > 5) return invalid('cannot query more than 5 tags');
  return { and, tags };
}

const encodeOffset = (key: string) => Buffer.from(JSON.stringify([key])).toString('base64');
function decodeOffset(offset: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(offset)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(offset, 'base64').toString('utf8'));
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

function nullableSchema(schema: Json): boolean {
  if (!schema) return false;
  if (Array.isArray(schema.type)) return schema.type.includes('null');
  return Array.isArray(schema.anyOf) && schema.anyOf.some((s: Json) => s.type === 'null');
}

function unwrapNullable(schema: Json, contract: Contract): Json {
  if (Array.isArray(schema?.anyOf)) {
    const other = schema.anyOf.find((s: Json) => s.type !== 'null');
    return other ? contract.resolve(other) : schema;
  }
  return schema;
}

function stripAuto(entity: Entity): Entity {
  const out = clone(entity);
  delete out.created_at;
  delete out.updated_at;
  return out;
}

function deepMerge(base: Entity, patch: Entity): Entity {
  const out: Entity = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const current = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && current && typeof current === 'object' && !Array.isArray(current) && !('id' in v)
      ? deepMerge(current, v)
      : v;
  }
  return out;
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
