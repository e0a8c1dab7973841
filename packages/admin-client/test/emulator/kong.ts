/**
 * One emulated Kong 3.9.3 node (a control plane backed by PostgreSQL, or a
 * traditional node): its database (dao.ts over the entity schemas of
 * entities.ts and plugins.ts, checked by the schema engine of schema.ts) and
 * its Admin API routes (api.ts). The HTTP server around it (index.ts) adds
 * the proxy in front (path prefix, API key) and checks everything against
 * our OpenAPI document.
 */
import { createHash } from 'node:crypto';
import { Api, type Answer, type ApiRequest, type DeclarativeNode } from './api';
import { Db, KongDbError, type Entity } from './dao';
import { EMPTY_CONFIG_HASH, declarativeError, entitiesAnswer, exportYaml, loadIntoStore, parseTable, unserialize } from './declarative';
import { certDigest, collectionOf } from './entities';

export type { Answer, ApiRequest, Entity };

export interface KongOptions {
  /** Unix time in seconds. */
  readonly now: () => number;
  readonly role: 'control_plane' | 'traditional';
  /** `off`: a DB-less node (its configuration comes whole, through `POST /config`). */
  readonly database?: 'postgres' | 'off';
  readonly requestCount: () => number;
}

/** Kong's version, as `GET /` reports it (kong/meta.lua at 3.9.3). */
export const KONG_VERSION = '3.9.3';

/** The PRIORITY of each bundled plugin's handler (kong/plugins/<name>/handler.lua at 3.9.3). */
const PRIORITIES: Record<string, number> = {
  'acl': 950, 'acme': 1705, 'ai-prompt-decorator': 772, 'ai-prompt-guard': 771, 'ai-prompt-template': 773, 'ai-proxy': 770,
  'ai-request-transformer': 777, 'ai-response-transformer': 768, 'aws-lambda': 750, 'azure-functions': 749, 'basic-auth': 1100,
  'bot-detection': 2500, 'correlation-id': 100001, 'cors': 2000, 'datadog': 10, 'file-log': 9, 'grpc-gateway': 998, 'grpc-web': 3,
  'hmac-auth': 1030, 'http-log': 12, 'ip-restriction': 990, 'jwt': 1450, 'key-auth': 1250, 'ldap-auth': 1200, 'loggly': 6,
  'oauth2': 1400, 'opentelemetry': 14, 'post-function': -1000, 'pre-function': 1000000, 'prometheus': 13, 'proxy-cache': 100,
  'rate-limiting': 910, 'redirect': 779, 'request-size-limiting': 951, 'request-termination': 2, 'request-transformer': 801,
  'response-ratelimiting': 900, 'response-transformer': 800, 'session': 1900, 'standard-webhooks': 760, 'statsd': 11, 'syslog': 4,
  'tcp-log': 7, 'udp-log': 8, 'zipkin': 100000,
};

/** kong/tools/string.lua:123 bytes_to_str (a number in bytes for `b`, kong/pdk/node.lua:45). */
function bytesToStr(bytes: number, unit: string, scale = 2): number | string {
  const u = unit.toLowerCase();
  if (u === '' || u === 'b') return Math.trunc(bytes);
  const div = u === 'k' ? 2 ** 10 : u === 'm' ? 2 ** 20 : 2 ** 30;
  return `${(bytes / div).toFixed(scale)} ${u === 'k' ? 'KiB' : u === 'm' ? 'MiB' : 'GiB'}`;
}

/** The state of one emulated node. */
export class Kong {
  readonly db: Db;
  readonly api: Api;
  dataPlanes: Entity[] = [];
  /** A DB-less node's current configuration hash (`declarative.get_current_hash()`): 32 zeros until one is loaded. */
  configHash = EMPTY_CONFIG_HASH;

  constructor(private readonly options: KongOptions) {
    const dbless = options.database === 'off';
    // kong/conf_loader/parse.lua:749 at 3.9.3
    if (dbless && options.role === 'control_plane') throw new TypeError('startKongAdminEmulator: in-memory storage can not be used when role = "control_plane" (database off needs role traditional)');
    this.db = new Db({ now: options.now, controlPlane: options.role === 'control_plane', dbless });
    this.api = new Api(this.db, {
      role: options.role,
      ...(dbless ? { declarative: this.declarativeNode() } : {}),
      nodeInformation: () => this.nodeInformation(),
      nodeStatus: (unit, scale) => this.nodeStatus(unit, scale),
      dataPlanes: () => this.dataPlanes,
    });
  }

  /** Answers a request as the node's Admin API would. */
  handle(req: ApiRequest): Answer {
    return this.api.handle(req);
  }

  /** Every entity of a collection (`services`, `key-auths`, …), ordered by id, as Kong answers them. */
  all(collection: string): Entity[] {
    const dao = this.db.daoOfCollection(collection);
    if (!dao) throw new Error(`emulator: no collection ${collection}`);
    return dao.all();
  }

  /** Creates entities without HTTP (test setup), through Kong's DAO: every check applies. */
  seed(collection: string, bodies: Entity[]): Entity[] {
    const dao = this.db.daoOfCollection(collection);
    if (!dao) throw new Error(`emulator: no collection ${collection}`);
    return bodies.map((b) => {
      try {
        return dao.insert(b);
      } catch (e) {
        if (e instanceof KongDbError) throw new Error(`seed ${collection}: Kong would answer ${e.status} ${JSON.stringify(e.err)}`);
        throw e;
      }
    });
  }

  clear(): void {
    this.db.clear();
    this.dataPlanes = [];
    this.configHash = EMPTY_CONFIG_HASH;
  }

  /** Loads a declarative configuration as `POST /config` does (test setup); throws Kong's 400 answer when it is invalid. */
  loadDeclarative(config: Entity | string): Entity {
    const answer = this.declarativeNode().load(typeof config === 'string' ? { config } : config, undefined);
    if (answer.status !== 201) throw new Error(`loadDeclarative: Kong would answer ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Entity;
  }

  /** kong/api/routes/config.lua at 3.9.3: what a DB-less node does with `/config`. */
  private declarativeNode(): DeclarativeNode {
    const truthy = (v: unknown) => (typeof v === 'string' ? ['true', '1', 'on', 'yes'].includes(v.toLowerCase()) : v === true || v === 1);
    return {
      load: (params, rawBody) => {
        // :70 parse_config_post_opts
        const flattenErrors = truthy(params.flatten_errors);
        const checkHash = String(params.check_hash) === '1';
        const rest: Entity = { ...params };
        delete rest.flatten_errors;
        delete rest.check_hash;
        // :42 hydrate_config_from_request: the body itself, `config`, or the raw body
        let table: Entity;
        let hash: string | undefined;
        if (rest._format_version !== undefined) {
          table = rest;
        } else {
          const text = rest.config ?? (rawBody && rawBody.length > 0 ? rawBody : undefined);
          if (text === undefined) return { status: 400, body: { message: 'expected a declarative configuration' } };
          const parsed = unserialize(String(text));
          if ('error' in parsed) return { status: 400, body: declarativeError({ error: parsed.error }) };
          table = parsed.table;
          hash = parsed.hash;
        }
        if (checkHash && hash !== undefined && hash === this.configHash) return { status: 304 };
        const flat = this.db.withClock(() => parseTable(this.db, table, hash));
        // `flatten_errors` (errors.lua:1153 declarative_config_flattened) is not emulated: the nested form is answered
        void flattenErrors;
        if ('errors' in flat) return { status: 400, body: declarativeError(flat.errors) };
        this.configHash = loadIntoStore(this.db, flat, transformOnLoad);
        return { status: 201, body: entitiesAnswer(flat) };
      },
      export: () => ({ status: 200, body: { config: exportYaml(this.db) } }),
    };
  }

  /** kong/api/routes/kong.lua:74 `GET /`. */
  private nodeInformation(): Entity {
    const plugins = this.db.dao('plugins');
    const available = Object.fromEntries([...plugins.schema.subschemas.keys()].map((name) => [name, { version: KONG_VERSION, priority: PRIORITIES[name] ?? 0 }]));
    const enabled: string[] = [];
    for (const p of plugins.all()) if (!enabled.includes(p.name)) enabled.push(p.name);
    return {
      tagline: 'Welcome to kong',
      version: KONG_VERSION,
      edition: 'community',
      hostname: 'kong-admin-emulator',
      node_id: '5a9f6c8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f',
      timers: { running: 0, pending: 1 },
      plugins: { available_on_server: available, enabled_in_cluster: enabled },
      lua_version: 'LuaJIT 2.1.0-20231117',
      // kong.configuration.remove_sensitive(): secrets are shown as `******`
      configuration: {
        role: this.options.role, database: this.options.database ?? 'postgres', pg_password: '******', admin_listen: ['0.0.0.0:8001'], cluster_listen: ['0.0.0.0:8005'],
        router_flavor: 'traditional_compatible', log_level: 'notice',
      },
      pids: { master: 1, workers: [1278] },
    };
  }

  /** kong/api/routes/health.lua:16 `GET /status`. */
  private nodeStatus(unit: string, scale: number | undefined): Entity {
    const n = this.options.requestCount();
    const size = (bytes: number) => bytesToStr(bytes, unit, scale);
    return {
      memory: {
        workers_lua_vms: [{ http_allocated_gc: size(41_943_040), pid: 1278 }],
        lua_shared_dicts: {
          kong: { allocated_slabs: size(40_960), capacity: size(5_242_880) },
          kong_db_cache: { allocated_slabs: size(794_624), capacity: size(134_217_728) },
        },
      },
      server: {
        total_requests: n, connections_active: 1, connections_accepted: n, connections_handled: n,
        connections_reading: 0, connections_writing: 1, connections_waiting: 0,
      },
      // health.lua:47-56: a DB-less node reports its configuration hash, and no database
      ...(this.options.database === 'off' ? { configuration_hash: this.configHash } : { database: { reachable: true } }),
    };
  }
}

/**
 * The schemas' transformations a load applies unless `_transform` is false
 * (kong/db/declarative/import.lua:460 at 3.9.3): basic-auth hashes the
 * password with the consumer's id (kong/plugins/basic-auth/daos.lua and
 * crypto.lua), a CA certificate gets its digest (ca_certificates.lua:25).
 */
function transformOnLoad(entity: string, row: Entity): Entity {
  if (entity === 'basicauth_credentials' && typeof row.password === 'string' && row.consumer?.id) {
    return { ...row, password: createHash('sha1').update(`${row.password}${row.consumer.id}`).digest('hex') };
  }
  if (entity === 'ca_certificates' && typeof row.cert === 'string') return { ...row, cert_digest: certDigest(row.cert) };
  return row;
}

export { collectionOf };
