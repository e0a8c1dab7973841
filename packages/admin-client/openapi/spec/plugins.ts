/**
 * Plugins: the entity, and typed configurations for the five plugins the
 * kong-hybrid deployment relies on (key-auth, acl and ip-restriction protect
 * the proxied Admin API, cors serves Kong Manager, rate-limiting is the
 * common first plugin). Every other bundled plugin takes an open `config`
 * object. Field lists follow Kong 3.9.3's plugin schemas
 * (kong/plugins/<name>/schema.lua at 3.9.3), field for field.
 */
import { UUID, arr, bool, int, nullable, num, obj, oneOfStrings, ref, str, type Schema } from './schema';

/** The plugins bundled with Kong Gateway 3.9 OSS. */
export const BUNDLED_PLUGINS = [
  'acl', 'acme', 'ai-prompt-decorator', 'ai-prompt-guard', 'ai-prompt-template', 'ai-proxy',
  'ai-request-transformer', 'ai-response-transformer', 'aws-lambda', 'azure-functions', 'basic-auth',
  'bot-detection', 'correlation-id', 'cors', 'datadog', 'file-log', 'grpc-gateway', 'grpc-web',
  'hmac-auth', 'http-log', 'ip-restriction', 'jwt', 'key-auth', 'ldap-auth', 'loggly', 'oauth2',
  'opentelemetry', 'post-function', 'pre-function', 'prometheus', 'proxy-cache', 'rate-limiting',
  'redirect', 'request-size-limiting', 'request-termination', 'request-transformer',
  'response-ratelimiting', 'response-transformer', 'session', 'standard-webhooks', 'statsd', 'syslog',
  'tcp-log', 'udp-log', 'zipkin',
] as const;

interface ConfigField {
  readonly schema: Schema;
  readonly nullable?: boolean;
}

interface TypedPlugin {
  readonly name: string;
  /** Component name prefix, for example `KeyAuth`. */
  readonly schema: string;
  readonly description: string;
  readonly config: Record<string, ConfigField>;
  readonly rules?: string;
}

const period = (p: string): ConfigField => ({ schema: num(`Requests allowed per ${p}.`, { exclusiveMinimum: 0 }), nullable: true });

export const TYPED_PLUGINS: TypedPlugin[] = [
  {
    name: 'key-auth', schema: 'KeyAuth',
    description: 'Authenticates requests by an API key (the standard protection of a proxied Admin API). Never scoped to a consumer.',
    config: {
      key_names: { schema: arr(str('A header or query parameter name.', { pattern: '^[A-Za-z0-9_-]+$' }), 'Where the key is looked for.', { minItems: 1, default: ['apikey'] }) },
      hide_credentials: { schema: bool('Strip the key before proxying.', { default: false }) },
      anonymous: { schema: str('Consumer (id or username) used when authentication fails.'), nullable: true },
      key_in_header: { schema: bool('Look for the key in headers.', { default: true }) },
      key_in_query: { schema: bool('Look for the key in the query string.', { default: true }) },
      key_in_body: { schema: bool('Look for the key in the body.', { default: false }) },
      run_on_preflight: { schema: bool('Authenticate OPTIONS preflight requests too.', { default: true }) },
      realm: { schema: str('`realm` of the `WWW-Authenticate` header on failure.'), nullable: true },
    },
  },
  {
    name: 'acl', schema: 'Acl',
    description: 'Lets only the consumers of some groups through (or keeps them out). Never scoped to a consumer.',
    config: {
      allow: { schema: arr(str('A group name.'), 'Groups allowed.'), nullable: true },
      deny: { schema: arr(str('A group name.'), 'Groups denied.'), nullable: true },
      hide_groups_header: { schema: bool('Do not send `X-Consumer-Groups` upstream.', { default: false }) },
      always_use_authenticated_groups: { schema: bool('Use the groups of the authenticated credential even when a consumer is known.', { default: false }) },
    },
    rules: 'Kong requires exactly one of `allow` and `deny`.',
  },
  {
    name: 'ip-restriction', schema: 'IpRestriction',
    description: 'Allows or denies requests by client IP or CIDR range.',
    config: {
      allow: { schema: arr(str('An IP address or CIDR range.'), 'Addresses allowed.'), nullable: true },
      deny: { schema: arr(str('An IP address or CIDR range.'), 'Addresses denied.'), nullable: true },
      status: { schema: num('Status answered to rejected requests (Kong checks no range).'), nullable: true },
      message: { schema: str('Message answered to rejected requests.'), nullable: true },
    },
    rules: 'Kong requires at least one of `allow` and `deny`.',
  },
  {
    name: 'cors', schema: 'Cors',
    description: 'Answers CORS preflight requests and adds CORS headers (Kong Manager needs it on a proxied Admin API). Never scoped to a consumer.',
    config: {
      origins: { schema: arr(str('An origin, `*`, or a (PCRE) regex.'), 'Allowed origins.'), nullable: true },
      headers: { schema: arr(str('A header name.'), 'Allowed request headers.'), nullable: true },
      exposed_headers: { schema: arr(str('A header name.'), 'Headers exposed to the browser.'), nullable: true },
      methods: {
        schema: arr(oneOfStrings(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'], 'A method.'), 'Allowed methods.', {
          default: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
        }),
      },
      max_age: { schema: num('Seconds a preflight answer may be cached.'), nullable: true },
      credentials: { schema: bool('Send `Access-Control-Allow-Credentials: true`.', { default: false }) },
      private_network: { schema: bool('Send `Access-Control-Allow-Private-Network: true`.', { default: false }) },
      preflight_continue: { schema: bool('Proxy preflight requests upstream.', { default: false }) },
    },
  },
  {
    name: 'rate-limiting', schema: 'RateLimiting',
    description: 'Limits how many requests a client makes per period.',
    config: {
      second: period('second'), minute: period('minute'), hour: period('hour'),
      day: period('day'), month: period('month'), year: period('year'),
      limit_by: { schema: oneOfStrings(['consumer', 'credential', 'ip', 'service', 'header', 'path'], 'What requests are counted by.', { default: 'consumer' }) },
      header_name: { schema: str('Header counted by when `limit_by` is `header`.'), nullable: true },
      path: { schema: str('Path counted by when `limit_by` is `path`.', { pattern: '^/' }), nullable: true },
      policy: { schema: oneOfStrings(['local', 'cluster', 'redis'], 'Where counters live. A control plane (and a DB-less node) refuses `cluster`: `local` or `redis` there.', { default: 'local' }) },
      fault_tolerant: { schema: bool('Proxy requests when the counter store fails.', { default: true }) },
      redis: { schema: ref('RateLimitingRedis') },
      hide_client_headers: { schema: bool('Do not send the rate-limit headers.', { default: false }) },
      error_code: { schema: num('Status answered when the limit is exceeded.', { exclusiveMinimum: 0, default: 429 }) },
      error_message: { schema: str('Message answered when the limit is exceeded.', { default: 'API rate limit exceeded' }) },
      sync_rate: { schema: num('Seconds between counter syncs (-1: synchronous; other values with the `redis` policy only, at least 0.02).', { default: -1 }) },
    },
    rules: 'Kong requires at least one period (`second` … `year`), no longer period with a lower limit, a redis host when `policy` is `redis`, '
      + '`header_name` when `limit_by` is `header` and `path` when it is `path`.',
  },
];

/** kong/tools/redis/schema.lua at 3.9.3. */
export const RateLimitingRedis: Schema = obj({
  host: nullable(str('Redis host (no port).')),
  port: int('Redis port.', { minimum: 0, maximum: 65535, default: 6379 }),
  timeout: int('Timeout in milliseconds.', { minimum: 0, maximum: 2147483646, default: 2000 }),
  username: nullable(str('Redis ACL username.')),
  password: nullable(str('Redis password (or a vault reference).')),
  database: int('Redis database.', { default: 0 }),
  ssl: bool('Connect with TLS.', { default: false }),
  ssl_verify: bool('Verify the Redis certificate.', { default: false }),
  server_name: nullable(str('SNI sent to Redis.')),
}, [], { description: 'Redis settings of the `redis` policy.' });

const refOrNull = (name: string): Schema => nullable(ref(name));

/** Fields every plugin has, as answered. */
function commonResponse(): Record<string, Schema> {
  return {
    id: UUID,
    instance_name: nullable(str('A unique name for this plugin instance.')),
    created_at: int('Unix time, in seconds, when the plugin was created.'),
    updated_at: int('Unix time, in seconds, when the plugin was last changed.'),
    route: refOrNull('ForeignKey'),
    service: refOrNull('ForeignKey'),
    consumer: refOrNull('ForeignKey'),
    protocols: arr(ref('Protocol'), 'Protocols the plugin runs on.', { uniqueItems: true }),
    enabled: bool('Whether the plugin runs.'),
    tags: nullable(arr(ref('Tag'), 'Tags.', { uniqueItems: true })),
  };
}

/** Fields every plugin request may carry. */
function commonRequest(): Record<string, Schema> {
  return {
    id: UUID,
    instance_name: nullable(str('A unique name for this plugin instance.', { pattern: '^[A-Za-z0-9._~\\u0080-\\uFFFF-]+$' })),
    route: refOrNull('RouteReference'),
    service: refOrNull('ServiceReference'),
    consumer: refOrNull('ConsumerReference'),
    protocols: arr(ref('Protocol'), 'Protocols the plugin runs on (the default depends on the plugin).', { minItems: 1, uniqueItems: true }),
    enabled: bool('Whether the plugin runs.', { default: true }),
    tags: nullable(arr(ref('Tag'), 'Tags.', { uniqueItems: true })),
    created_at: int('Kept as given (a read-modify-write round trip sends it back).'),
    updated_at: int('Ignored: Kong sets it.'),
  };
}

const OTHER_PLUGINS = BUNDLED_PLUGINS.filter((p) => !TYPED_PLUGINS.some((t) => t.name === p));
const openConfig: Schema = { type: 'object', description: "The plugin's configuration (see the plugin's schema at `/schemas/plugins/{name}`).", additionalProperties: true };

/** Every plugin component: configs, answered plugins, request bodies. */
export function pluginSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = { RateLimitingRedis };
  const answered: Schema[] = [];
  const created: Schema[] = [];
  for (const plugin of TYPED_PLUGINS) {
    const names = Object.keys(plugin.config);
    const props = () => Object.fromEntries(Object.entries(plugin.config).map(([k, f]) => [k, f.nullable ? nullable(f.schema) : f.schema]));
    const rules = plugin.rules ? ` ${plugin.rules}` : '';
    out[`${plugin.schema}Config`] = obj(props(), names, { description: `Configuration of the ${plugin.name} plugin, as answered (every field).` });
    out[`${plugin.schema}ConfigInput`] = obj(props(), [], { description: `Configuration of the ${plugin.name} plugin; fields left out take their defaults.${rules}` });
    out[`${plugin.schema}Plugin`] = obj({
      ...commonResponse(),
      name: { type: 'string', const: plugin.name },
      config: ref(`${plugin.schema}Config`),
    }, ['id', 'name', 'instance_name', 'created_at', 'updated_at', 'route', 'service', 'consumer', 'config', 'protocols', 'enabled', 'tags'], {
      description: `A ${plugin.name} plugin. ${plugin.description}`,
    });
    out[`${plugin.schema}PluginCreate`] = obj({
      ...commonRequest(),
      name: { type: 'string', const: plugin.name },
      config: ref(`${plugin.schema}ConfigInput`),
    }, ['name'], { description: `A ${plugin.name} plugin to create or replace. ${plugin.description}` });
    answered.push(ref(`${plugin.schema}Plugin`));
    created.push(ref(`${plugin.schema}PluginCreate`));
  }
  out.OtherPluginName = oneOfStrings(OTHER_PLUGINS, 'A bundled plugin without a typed configuration here.');
  out.PluginName = oneOfStrings(BUNDLED_PLUGINS, 'A plugin bundled with Kong 3.9 OSS.');
  out.OtherPlugin = obj({ ...commonResponse(), name: ref('OtherPluginName'), config: openConfig },
    ['id', 'name', 'instance_name', 'created_at', 'updated_at', 'route', 'service', 'consumer', 'config', 'protocols', 'enabled', 'tags'],
    { description: 'Any other bundled plugin.' });
  out.OtherPluginCreate = obj({ ...commonRequest(), name: ref('OtherPluginName'), config: openConfig }, ['name'], {
    description: 'Any other bundled plugin, to create or replace.',
  });
  out.Plugin = { title: 'Plugin', description: 'A plugin instance: global, or scoped to a service, route and/or consumer.', oneOf: [...answered, ref('OtherPlugin')] };
  out.PluginCreate = { description: 'A plugin to create (POST) or to create or replace (PUT).', oneOf: [...created, ref('OtherPluginCreate')] };
  out.PluginUpdate = obj({ ...commonRequest(), name: ref('PluginName'), config: { ...openConfig, description: 'Configuration fields to change; Kong merges them into the current configuration.' } }, [], {
    description: 'Fields of a plugin to change (PATCH).',
  });
  return out;
}
