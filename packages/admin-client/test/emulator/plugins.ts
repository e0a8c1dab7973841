/**
 * Plugin configurations, transcribed from kong/plugins/<name>/schema.lua at
 * 3.9.3 for the plugins our code configures: key-auth, acl, ip-restriction,
 * cors, rate-limiting and basic-auth. Every other bundled plugin (the list of
 * kong/constants.lua at 3.9.3) takes an *open* configuration here: any table
 * is stored as given, without Kong's checks or defaults. That is a known
 * limit of the emulator, not Kong's behaviour.
 */
import { BUNDLED_PLUGINS } from '../../openapi/spec/plugins';
import type { FieldDef, SchemaDef } from './schema';
import { T, with_ } from './typedefs';

type Check = string | null | undefined;

/** cors/schema.lua:19 validate_asterisk_or_regex (PCRE is approximated by JavaScript's RegExp). */
function asteriskOrRegex(value: string): Check {
  if (value === '*') return undefined;
  try {
    new RegExp(value); // eslint-disable-line no-new
    return undefined;
  } catch {
    return `'${value}' is not a valid regex`;
  }
}

const CORS_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
const ORDERED_PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'];

/** rate-limiting/schema.lua:10 validate_periods_order (and the sync_rate rules). */
function validatePeriodsOrder(config: Record<string, unknown>): Check {
  for (let i = 0; i < ORDERED_PERIODS.length; i++) {
    const v1 = config[ORDERED_PERIODS[i]];
    if (typeof v1 !== 'number') continue;
    for (const upper of ORDERED_PERIODS.slice(i + 1)) {
      const v2 = config[upper];
      if (typeof v2 === 'number' && v2 < v1) {
        return `The limit for ${upper}(${v2.toFixed(1)}) cannot be lower than the limit for ${ORDERED_PERIODS[i]}(${v1.toFixed(1)})`;
      }
    }
  }
  if (config.policy !== 'redis' && config.sync_rate !== -1) return 'sync_rate can only be used with the redis policy';
  if (config.policy === 'redis' && config.sync_rate !== -1 && (config.sync_rate as number) < 0.02) return 'sync_rate must be greater than 0.02, or -1 to disable';
  return undefined;
}

/** kong/tools/redis/schema.lua at 3.9.3. */
const redis: FieldDef = {
  type: 'record',
  fields: [
    ['host', T.host],
    ['port', with_(T.port, { default: 6379 })],
    ['timeout', with_(T.timeout, { default: 2000 })],
    ['username', { type: 'string', referenceable: true }],
    ['password', { type: 'string', referenceable: true, len_min: 0 }],
    ['database', { type: 'integer', default: 0 }],
    ['ssl', { type: 'boolean', required: false, default: false }],
    ['ssl_verify', { type: 'boolean', required: false, default: false }],
    ['server_name', with_(T.sni, { required: false })],
  ],
};

/** rate-limiting/schema.lua:96 deprecated `redis_*` shorthands of `config.redis.*`. */
const redisShorthands = (['host', 'port', 'password', 'username', 'ssl', 'ssl_verify', 'server_name', 'timeout', 'database'] as const).map((f) => ({
  name: `redis_${f}`,
  field: { type: f === 'port' || f === 'timeout' || f === 'database' ? 'integer' : f === 'ssl' || f === 'ssl_verify' ? 'boolean' : 'string', ...(f === 'password' ? { len_min: 0 } : {}) } as FieldDef,
  deprecatedFor: ['redis', f],
  func: (value: unknown) => ({ redis: { [f]: value } }),
}));

/** Options of the plugin schemas: on a control plane, rate-limiting has no `cluster` policy. */
export interface PluginOptions {
  readonly controlPlane: boolean;
}

/** rate-limiting/schema.lua:43: `cluster` is refused where the node has no database of its own (DB-less or a control plane). */
export const rateLimitingPolicies = (controlPlane: boolean) => (controlPlane ? ['local', 'redis'] : ['local', 'cluster', 'redis']);

const conditionalRequired = (ifField: string, eq: string, thenField: string) => ({
  conditional: { if_field: ifField, if_match: { eq }, then_field: thenField, then_match: { required: true } },
});

/** The typed plugins, by name. */
export const TYPED_PLUGIN_SUBSCHEMAS: Record<string, SchemaDef> = {
  /** kong/plugins/key-auth/schema.lua at 3.9.3. */
  'key-auth': {
    fields: [
      ['consumer', T.no_consumer],
      ['protocols', T.protocols_http],
      ['config', {
        type: 'record',
        fields: [
          ['key_names', { type: 'array', required: true, elements: T.header_name, default: ['apikey'] }],
          ['hide_credentials', { type: 'boolean', required: true, default: false }],
          ['anonymous', { type: 'string' }],
          ['key_in_header', { type: 'boolean', required: true, default: true }],
          ['key_in_query', { type: 'boolean', required: true, default: true }],
          ['key_in_body', { type: 'boolean', required: true, default: false }],
          ['run_on_preflight', { type: 'boolean', required: true, default: true }],
          ['realm', { type: 'string', required: false }],
        ],
      }],
    ],
  },
  /** kong/plugins/acl/schema.lua at 3.9.3. */
  'acl': {
    fields: [
      ['consumer', T.no_consumer],
      ['protocols', T.protocols_http],
      ['config', {
        type: 'record',
        fields: [
          ['allow', { type: 'array', elements: { type: 'string' } }],
          ['deny', { type: 'array', elements: { type: 'string' } }],
          ['hide_groups_header', { type: 'boolean', required: true, default: false }],
          ['always_use_authenticated_groups', { type: 'boolean', required: true, default: false }],
        ],
      }],
    ],
    entity_checks: [{ only_one_of: ['config.allow', 'config.deny'] }, { at_least_one_of: ['config.allow', 'config.deny'] }],
  },
  /** kong/plugins/ip-restriction/schema.lua at 3.9.3. */
  'ip-restriction': {
    fields: [
      ['protocols', with_(T.protocols, { default: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'] })],
      ['config', {
        type: 'record',
        fields: [
          ['allow', { type: 'array', elements: T.ip_or_cidr }],
          ['deny', { type: 'array', elements: T.ip_or_cidr }],
          ['status', { type: 'number', required: false }],
          ['message', { type: 'string', required: false }],
        ],
      }],
    ],
    entity_checks: [{ at_least_one_of: ['config.allow', 'config.deny'] }],
  },
  /** kong/plugins/cors/schema.lua at 3.9.3. */
  'cors': {
    fields: [
      ['consumer', T.no_consumer],
      ['protocols', T.protocols_http],
      ['config', {
        type: 'record',
        fields: [
          ['origins', { type: 'array', elements: { type: 'string', custom_validator: asteriskOrRegex } }],
          ['headers', { type: 'array', elements: { type: 'string' } }],
          ['exposed_headers', { type: 'array', elements: { type: 'string' } }],
          ['methods', { type: 'array', default: CORS_METHODS, elements: { type: 'string', one_of: CORS_METHODS } }],
          ['max_age', { type: 'number' }],
          ['credentials', { type: 'boolean', required: true, default: false }],
          ['private_network', { type: 'boolean', required: true, default: false }],
          ['preflight_continue', { type: 'boolean', required: true, default: false }],
        ],
      }],
    ],
  },
  /** kong/plugins/basic-auth/schema.lua at 3.9.3. */
  'basic-auth': {
    fields: [
      ['consumer', T.no_consumer],
      ['protocols', T.protocols_http],
      ['config', {
        type: 'record',
        fields: [
          ['anonymous', { type: 'string' }],
          ['hide_credentials', { type: 'boolean', required: true, default: false }],
          ['realm', { type: 'string', required: true, default: 'service' }],
        ],
      }],
    ],
  },
};

/** kong/plugins/rate-limiting/schema.lua at 3.9.3, for a node with or without its own database. */
export function rateLimiting(controlPlane: boolean): SchemaDef {
  return {
    fields: [
      ['protocols', T.protocols_http],
      ['config', {
        type: 'record',
        fields: [
          ...ORDERED_PERIODS.map((p) => [p, { type: 'number', gt: 0 }] as [string, FieldDef]),
          ['limit_by', { type: 'string', default: 'consumer', one_of: ['consumer', 'credential', 'ip', 'service', 'header', 'path'] }],
          ['header_name', T.header_name],
          ['path', T.path],
          ['policy', { type: 'string', default: 'local', len_min: 0, one_of: rateLimitingPolicies(controlPlane) }],
          ['fault_tolerant', { type: 'boolean', required: true, default: true }],
          ['redis', redis],
          ['hide_client_headers', { type: 'boolean', required: true, default: false }],
          ['error_code', { type: 'number', default: 429, gt: 0 }],
          ['error_message', { type: 'string', default: 'API rate limit exceeded' }],
          ['sync_rate', { type: 'number', required: true, default: -1 }],
        ],
        custom_validator: validatePeriodsOrder as (v: unknown) => Check,
        shorthand_fields: redisShorthands,
      }],
    ],
    entity_checks: [
      { at_least_one_of: ORDERED_PERIODS.map((p) => `config.${p}`) },
      conditionalRequired('config.policy', 'redis', 'config.redis.host'),
      conditionalRequired('config.policy', 'redis', 'config.redis.port'),
      conditionalRequired('config.policy', 'redis', 'config.redis.timeout'),
      conditionalRequired('config.limit_by', 'header', 'config.header_name'),
      conditionalRequired('config.limit_by', 'path', 'config.path'),
    ],
  };
}

/** Every bundled plugin: typed, or with an open configuration. */
export function pluginSubschemas(options: PluginOptions): Record<string, SchemaDef> {
  const out: Record<string, SchemaDef> = {};
  for (const name of BUNDLED_PLUGINS) {
    out[name] = TYPED_PLUGIN_SUBSCHEMAS[name] ?? (name === 'rate-limiting' ? rateLimiting(options.controlPlane) : { fields: [['config', { type: 'record', open: true, default: {} }]] });
  }
  return out;
}
