/**
 * Kong 3.9 OSS core entities and the key-auth, basic-auth and ACL
 * credentials, field by field, as Kong's schemas (kong/db/schema/entities,
 * kong/plugins/<name>/daos.lua) define them and as the Admin API answers:
 * every field present, `null` when unset, foreign keys as `{ id }`.
 */
import { UUID, arr, bool, int, nullable, num, obj, oneOfStrings, ref, str, type Schema } from './schema';

/** One field of an entity. */
export interface Field {
  readonly schema: Schema;
  /** Kong answers `null` when unset, and `null` unsets it. */
  readonly nullable?: boolean;
  /**
   * Set by Kong (timestamps). A request may still carry it, as a read-modify-write
   * round trip does: Kong keeps a given `created_at` and overwrites `updated_at`.
   */
  readonly readOnly?: boolean;
  /** Accepted in requests, never answered (a shorthand such as `url`). */
  readonly writeOnly?: boolean;
  /** Answered only when set (for example a credential's `ttl`). */
  readonly optionalInResponse?: boolean;
  /** A foreign key: answered as `{ id }`, accepted as `{ id }` or `{ <endpoint key> }`. */
  readonly foreign?: string;
}

/** One entity of the Admin API. */
export interface Entity {
  /** Component name of the entity as answered, for example `Service`. */
  readonly schema: string;
  readonly description: string;
  /** Path segment of the top-level collection, for example `services`. */
  readonly collection: string;
  /** Path parameter naming one entity, for example `service`. */
  readonly param: string;
  /** Human name, singular and plural, for summaries. */
  readonly singular: string;
  readonly plural: string;
  /** The unique field that identifies the entity in a URL besides its id. */
  readonly endpointKey?: string;
  readonly fields: Record<string, Field>;
  /** Fields a POST must carry (Kong's `required` fields without a default). */
  readonly createRequired: string[];
  /** Fields a PUT must carry: those of a POST except the one the URL gives. */
  readonly replaceRequired: string[];
  /** OpenAPI tag. */
  readonly tag: string;
  /** Fields Kong also requires but that cannot be said in JSON Schema alone. */
  readonly rules?: string;
}

const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const;
const UTF8_NAME_PATTERN = '^[A-Za-z0-9._~\\u0080-\\uFFFF-]+$';

export const Protocol = oneOfStrings(PROTOCOLS, 'A protocol Kong proxies (Kong 3.9 OSS).');
export const Tag: Schema = str('A tag: printable characters except `,` and `/` (those separate tags in filters).', {
  minLength: 1,
  pattern: '^[^,/\\u0000-\\u001F\\u007F]+$',
});

const id: Field = { schema: { ...UUID, description: 'The entity id (a UUID). Kong generates one unless the request gives it.' } };
const createdAt: Field = { schema: int('Unix time, in seconds, when the entity was created.'), readOnly: true };
const updatedAt: Field = { schema: int('Unix time, in seconds, when the entity was last changed.'), readOnly: true };
const tags: Field = {
  schema: arr(ref('Tag'), 'Tags for grouping and filtering (`?tags=a,b` is AND, `?tags=a/b` is OR).', { uniqueItems: true }),
  nullable: true,
};
const timeout = (what: string): Field => ({
  schema: int(`The timeout in milliseconds ${what}.`, { minimum: 1, maximum: 2147483646, default: 60000 }),
});
const ipPort = obj({
  ip: str('An IP address or CIDR range.'),
  port: int('A port.', { minimum: 0, maximum: 65535 }),
}, [], { minProperties: 1, description: 'A stream source or destination: `ip`, `port` or both.' });

export const Healthchecks: Schema = obj({
  active: obj({
    type: oneOfStrings(['tcp', 'http', 'https', 'grpc', 'grpcs'], 'How active probes check a target.', { default: 'http' }),
    timeout: num('Socket timeout of a probe, in seconds.', { minimum: 0, maximum: 65535, default: 1 }),
    concurrency: int('Targets probed at once.', { minimum: 1, maximum: 2147483648, default: 10 }),
    http_path: str('Path of the probe request.', { default: '/' }),
    https_sni: nullable(str('SNI of HTTPS probes.')),
    https_verify_certificate: bool('Verify the target certificate on HTTPS probes.', { default: true }),
    headers: nullable({ type: 'object', description: 'Headers of the probe request.', additionalProperties: arr(str('A value.'), 'Values.') }),
    healthy: obj({
      interval: num('Seconds between probes of healthy targets (0 disables).', { minimum: 0, maximum: 65535, default: 0 }),
      http_statuses: arr(int('A status.', { minimum: 100, maximum: 999 }), 'Statuses that count as success.', { default: [200, 302] }),
      successes: int('Successes that make a target healthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
    }),
    unhealthy: obj({
      interval: num('Seconds between probes of unhealthy targets (0 disables).', { minimum: 0, maximum: 65535, default: 0 }),
      http_statuses: arr(int('A status.', { minimum: 100, maximum: 999 }), 'Statuses that count as failure.', {
        default: [429, 404, 500, 501, 502, 503, 504, 505],
      }),
      tcp_failures: int('TCP failures that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
      timeouts: int('Timeouts that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
      http_failures: int('HTTP failures that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
    }),
  }, [], { description: 'Active health checks (probes).' }),
  passive: obj({
    type: oneOfStrings(['tcp', 'http', 'https', 'grpc', 'grpcs'], 'What passive checks look at.', { default: 'http' }),
    healthy: obj({
      http_statuses: arr(int('A status.', { minimum: 100, maximum: 999 }), 'Statuses that count as success.', {
        default: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308],
      }),
      successes: int('Successes that make a target healthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
    }),
    unhealthy: obj({
      http_statuses: arr(int('A status.', { minimum: 100, maximum: 999 }), 'Statuses that count as failure.', { default: [429, 500, 503] }),
      tcp_failures: int('TCP failures that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
      timeouts: int('Timeouts that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
      http_failures: int('HTTP failures that make a target unhealthy (0 disables).', { minimum: 0, maximum: 255, default: 0 }),
    }),
  }, [], { description: 'Passive health checks (circuit breaker on proxied traffic).' }),
  threshold: num('Percentage of target weight that must be healthy for the upstream to be healthy.', { minimum: 0, maximum: 100, default: 0 }),
}, [], { description: 'Health checker configuration.' });

const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const;

export const ENTITIES: Entity[] = [
  {
    schema: 'Service', singular: 'service', plural: 'services', collection: 'services', param: 'service', tag: 'Services',
    description: 'An upstream API or microservice that routes proxy to.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('The unique service name (typedefs.utf8_name in services.lua at 3.9.3).', { pattern: UTF8_NAME_PATTERN }), nullable: true },
      retries: { schema: int('Retries on proxy failure.', { minimum: 0, maximum: 32767, default: 5 }) },
      protocol: { schema: { ...Protocol, default: 'http', description: 'The protocol used to talk to the upstream.' } },
      host: { schema: str('The upstream host (no port).', { minLength: 1 }) },
      port: { schema: int('The upstream port.', { minimum: 0, maximum: 65535, default: 80 }) },
      path: { schema: str('The path prefix of upstream requests.', { pattern: '^/' }), nullable: true },
      connect_timeout: timeout('for connecting to the upstream'),
      write_timeout: timeout('between two writes to the upstream'),
      read_timeout: timeout('between two reads from the upstream'),
      tags,
      client_certificate: { schema: {}, foreign: 'Certificate', nullable: true },
      tls_verify: { schema: bool('Verify the upstream TLS certificate (`null`: the nginx default).'), nullable: true },
      tls_verify_depth: { schema: int('Maximum verification depth (`null`: the nginx default).', { minimum: 0, maximum: 64 }), nullable: true },
      ca_certificates: { schema: arr(UUID, 'CA certificate ids trusted for the upstream.'), nullable: true },
      enabled: { schema: bool('Whether the service is active; routes of a disabled service answer 404.', { default: true }) },
      url: { schema: str('Shorthand that sets `protocol`, `host`, `port` and `path` at once. Never answered.', { format: 'uri' }), writeOnly: true },
    },
    createRequired: [],
    replaceRequired: [],
    rules: 'Kong requires `host`, given directly or through `url`.',
  },
  {
    schema: 'Route', singular: 'route', plural: 'routes', collection: 'routes', param: 'route', tag: 'Routes',
    description: 'Rules that match client requests and send them to a service.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('The unique route name.', { pattern: UTF8_NAME_PATTERN }), nullable: true },
      protocols: { schema: arr(ref('Protocol'), 'Protocols the route accepts.', { minItems: 1, uniqueItems: true, default: ['http', 'https'] }) },
      methods: { schema: arr(str('An HTTP method.', { pattern: '^[A-Z]+$' }), 'HTTP methods that match.'), nullable: true },
      hosts: { schema: arr(str('A host, optionally with one leading or trailing `*`.'), 'Hosts that match.'), nullable: true },
      paths: { schema: arr(str('A prefix (`/…`) or a regex (`~/…`).', { pattern: '^~?/' }), 'Paths that match.'), nullable: true },
      headers: {
        schema: { type: 'object', description: 'Header values that match, by header name (not `Host`).', additionalProperties: arr(str('A value.'), 'Values.') },
        nullable: true,
      },
      https_redirect_status_code: { schema: { type: 'integer', enum: [426, 301, 302, 307, 308], default: 426, description: 'The status of a plain-HTTP request to an HTTPS-only route.' } },
      regex_priority: { schema: int('Priority among regex paths.', { default: 0 }) },
      strip_path: { schema: bool('Strip the matched path prefix upstream.', { default: true }) },
      path_handling: { schema: oneOfStrings(['v0', 'v1'], 'How service and route paths combine.', { default: 'v0' }) },
      preserve_host: { schema: bool('Send the client `Host` header upstream.', { default: false }) },
      request_buffering: { schema: bool('Buffer request bodies.', { default: true }) },
      response_buffering: { schema: bool('Buffer response bodies.', { default: true }) },
      snis: { schema: arr(str('A server name.'), 'SNIs that match (https, grpcs, tls, tls_passthrough).'), nullable: true },
      sources: { schema: arr(ipPort, 'Stream sources that match.'), nullable: true },
      destinations: { schema: arr(ipPort, 'Stream destinations that match.'), nullable: true },
      tags,
      service: { schema: {}, foreign: 'Service', nullable: true },
      expression: { schema: str('A router expression (only with `router_flavor = expressions`).'), optionalInResponse: true },
      priority: { schema: int('Priority of an expression route (only with `router_flavor = expressions`).', { minimum: 0 }), optionalInResponse: true },
    },
    createRequired: [],
    replaceRequired: [],
    rules: "Kong requires at least one of `methods`, `hosts`, `headers`, `paths` for http (plus `snis` for https), and `sources`, `destinations` or `snis` for stream protocols.",
  },
  {
    schema: 'Consumer', singular: 'consumer', plural: 'consumers', collection: 'consumers', param: 'consumer', tag: 'Consumers',
    description: 'A user or client of the proxied APIs.',
    endpointKey: 'username',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      username: { schema: str('The unique username.'), nullable: true },
      custom_id: { schema: str('A unique id from another system.'), nullable: true },
      tags,
    },
    createRequired: [],
    replaceRequired: [],
    rules: 'Kong requires at least one of `username` and `custom_id`.',
  },
  {
    schema: 'Certificate', singular: 'certificate', plural: 'certificates', collection: 'certificates', param: 'certificate', tag: 'Certificates',
    description: 'A PEM certificate and its key, for TLS termination or as a client certificate.',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      cert: { schema: str('PEM-encoded certificate chain (or a vault reference).') },
      key: { schema: str('PEM-encoded private key (or a vault reference).') },
      cert_alt: { schema: str('PEM-encoded alternate (for example ECDSA) certificate chain.'), nullable: true },
      key_alt: { schema: str('PEM-encoded alternate private key.'), nullable: true },
      tags,
      snis: { schema: arr(str('A server name.'), 'Names of the SNIs tied to this certificate; a request may create them.'), nullable: true },
    },
    createRequired: ['cert', 'key'],
    replaceRequired: ['cert', 'key'],
  },
  {
    schema: 'Sni', singular: 'SNI', plural: 'SNIs', collection: 'snis', param: 'sni', tag: 'SNIs',
    description: 'A server name tied to a certificate.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('The server name, optionally with a leading or trailing `*`.', { minLength: 1 }) },
      tags,
      certificate: { schema: {}, foreign: 'Certificate' },
    },
    createRequired: ['name'],
    replaceRequired: [],
    rules: 'Kong requires `certificate` (given by the URL on nested paths).',
  },
  {
    schema: 'CaCertificate', singular: 'CA certificate', plural: 'CA certificates', collection: 'ca_certificates', param: 'ca_certificate', tag: 'CA Certificates',
    description: 'A trusted certificate authority.',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      cert: { schema: str('PEM-encoded CA certificate.') },
      cert_digest: { schema: str('SHA-256 hex digest of the certificate; Kong computes it when not given.', { pattern: '^[0-9a-f]{64}$' }) },
      tags,
    },
    createRequired: ['cert'],
    replaceRequired: ['cert'],
  },
  {
    schema: 'Upstream', singular: 'upstream', plural: 'upstreams', collection: 'upstreams', param: 'upstream', tag: 'Upstreams',
    description: 'A virtual hostname that load-balances over targets.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('A hostname (no IP, no port).', { minLength: 1 }) },
      algorithm: { schema: oneOfStrings(['consistent-hashing', 'least-connections', 'round-robin', 'latency'], 'The load-balancing algorithm.', { default: 'round-robin' }) },
      hash_on: { schema: oneOfStrings(HASH_ON, 'Hash input.', { default: 'none' }) },
      hash_fallback: { schema: oneOfStrings(HASH_ON, 'Hash input when `hash_on` yields nothing.', { default: 'none' }) },
      hash_on_header: { schema: str('Header hashed on.'), nullable: true },
      hash_fallback_header: { schema: str('Header hashed on as fallback.'), nullable: true },
      hash_on_cookie: { schema: str('Cookie hashed on.'), nullable: true },
      hash_on_cookie_path: { schema: str('Path of the hash cookie.', { default: '/' }) },
      hash_on_query_arg: { schema: str('Query argument hashed on.'), nullable: true },
      hash_fallback_query_arg: { schema: str('Query argument hashed on as fallback.'), nullable: true },
      hash_on_uri_capture: { schema: str('Route URI capture hashed on.'), nullable: true },
      hash_fallback_uri_capture: { schema: str('Route URI capture hashed on as fallback.'), nullable: true },
      slots: { schema: int('Slots of the balancer.', { minimum: 10, maximum: 65536, default: 10000 }) },
      healthchecks: { schema: ref('Healthchecks') },
      tags,
      host_header: { schema: str('`Host` header sent upstream.'), nullable: true },
      client_certificate: { schema: {}, foreign: 'Certificate', nullable: true },
      use_srv_name: { schema: bool('Use the SRV target name as upstream `Host`.', { default: false }) },
    },
    createRequired: ['name'],
    replaceRequired: [],
  },
  {
    schema: 'Target', singular: 'target', plural: 'targets', collection: 'targets', param: 'target', tag: 'Targets',
    description: 'An address (host and port) an upstream balances to.',
    endpointKey: 'target',
    fields: {
      id,
      created_at: { schema: num('Unix time, in seconds with millisecond precision, when the target was created.'), readOnly: true },
      updated_at: { schema: num('Unix time, in seconds with millisecond precision, when the target was last changed.'), readOnly: true },
      upstream: { schema: {}, foreign: 'Upstream' },
      target: { schema: str('`host:port`; the port defaults to 8000.', { minLength: 1 }) },
      weight: { schema: int('Weight in the balancer (0 disables).', { minimum: 0, maximum: 65535, default: 100 }) },
      tags,
    },
    createRequired: ['target'],
    replaceRequired: [],
  },
  {
    schema: 'Vault', singular: 'vault', plural: 'vaults', collection: 'vaults', param: 'vault', tag: 'Vaults',
    description: 'A secret store that `{vault://<prefix>/…}` references resolve through.',
    endpointKey: 'prefix',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('The vault implementation (`env` in Kong OSS).') },
      prefix: { schema: str('The unique prefix references use.', { pattern: '^[a-z][a-z0-9-]*[a-z0-9]$' }) },
      description: { schema: str('A description.'), nullable: true },
      config: { schema: { type: 'object', description: 'Configuration of the vault implementation.', additionalProperties: true } },
      tags,
    },
    createRequired: ['name', 'prefix'],
    replaceRequired: ['name'],
  },
  {
    schema: 'Key', singular: 'key', plural: 'keys', collection: 'keys', param: 'key', tag: 'Keys',
    description: 'An asymmetric key, as a JWK or a PEM pair.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      set: { schema: {}, foreign: 'KeySet', nullable: true },
      name: { schema: str('The unique key name.'), nullable: true },
      kid: { schema: str('The key id, unique within its set.') },
      jwk: { schema: str('The key as a JSON Web Key (a JSON string).'), nullable: true },
      pem: {
        schema: obj({
          private_key: nullable(str('PEM-encoded private key.')),
          public_key: nullable(str('PEM-encoded public key.')),
        }, [], { minProperties: 1, description: 'The key as a PEM pair (Kong answers both fields, `null` when unset).' }),
        nullable: true,
      },
      tags,
    },
    createRequired: ['kid'],
    replaceRequired: ['kid'],
    rules: 'Kong requires at least one of `jwk` and `pem`.',
  },
  {
    schema: 'KeySet', singular: 'key set', plural: 'key sets', collection: 'key-sets', param: 'key_set', tag: 'Key Sets',
    description: 'A named group of keys.',
    endpointKey: 'name',
    fields: {
      id, created_at: createdAt, updated_at: updatedAt,
      name: { schema: str('The unique key set name.'), nullable: true },
      tags,
    },
    createRequired: [],
    replaceRequired: [],
  },
  {
    schema: 'KeyAuth', singular: 'key-auth credential', plural: 'key-auth credentials', collection: 'key-auths', param: 'key_auth', tag: 'Credentials',
    description: 'An API key of a consumer, checked by the key-auth plugin.',
    endpointKey: 'key',
    fields: {
      id,
      created_at: createdAt,
      consumer: { schema: {}, foreign: 'Consumer' },
      key: { schema: str('The unique API key; Kong generates one when not given.', { minLength: 1 }) },
      tags,
      ttl: { schema: int('Seconds until Kong deletes the credential.', { minimum: 0, maximum: 100000000 }), optionalInResponse: true },
    },
    createRequired: [],
    replaceRequired: [],
    rules: 'Kong requires `consumer` (given by the URL on nested paths).',
  },
  {
    schema: 'BasicAuth', singular: 'basic-auth credential', plural: 'basic-auth credentials', collection: 'basic-auths', param: 'basic_auth', tag: 'Credentials',
    description: 'A username and password of a consumer, checked by the basic-auth plugin.',
    endpointKey: 'username',
    fields: {
      id,
      created_at: createdAt,
      consumer: { schema: {}, foreign: 'Consumer' },
      username: { schema: str('The unique username.', { minLength: 1 }) },
      password: { schema: str('The password; Kong answers its salted SHA-1 hash.') },
      tags,
    },
    createRequired: ['username', 'password'],
    replaceRequired: ['password'],
    rules: 'Kong requires `consumer` (given by the URL on nested paths).',
  },
  {
    schema: 'Acl', singular: 'ACL group membership', plural: 'ACL group memberships', collection: 'acls', param: 'acl', tag: 'Credentials',
    description: "A consumer's membership of a group, checked by the acl plugin.",
    fields: {
      id,
      created_at: createdAt,
      consumer: { schema: {}, foreign: 'Consumer' },
      group: { schema: str('The group name.', { minLength: 1 }) },
      tags,
    },
    createRequired: ['group'],
    replaceRequired: [],
    rules: 'Kong requires `consumer` (given by the URL on nested paths) and `group` (given by the URL on a PUT by group).',
  },
];

/**
 * How a request names a foreign entity: by id, by a unique field, or as the
 * whole entity (Kong keeps its id and checks the other fields against the
 * entity's schema: kong/db/schema/init.lua:963 at 3.9.3).
 */
export function referenceSchema(entity: Entity): Schema {
  const properties: Record<string, Schema> = { id: UUID };
  // a whole entity may carry a `null` endpoint key (an unnamed service)
  if (entity.endpointKey) properties[entity.endpointKey] = nullable(str(`The ${entity.singular}'s ${entity.endpointKey}.`));
  return {
    type: 'object',
    description: `A ${entity.singular}, by \`id\`${entity.endpointKey ? ` or \`${entity.endpointKey}\`` : ''}, or the whole ${entity.singular} as Kong answers it.`,
    properties,
    minProperties: 1,
    additionalProperties: true,
  };
}

export const ForeignKey: Schema = obj({ id: UUID }, ['id'], { description: 'A reference to another entity, as Kong answers it.' });

/** The entity as Kong answers it: every field, `null` when unset. */
export function responseSchema(entity: Entity): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.writeOnly) continue;
    const base = field.foreign ? ref('ForeignKey') : field.schema;
    properties[name] = field.nullable ? nullable(base) : base;
    if (!field.optionalInResponse) required.push(name);
  }
  return obj(properties, required, { title: entity.schema, description: entity.description });
}

/** A request body (POST, PUT or PATCH): every field (timestamps included, for round trips), `null` unsets. */
export function requestSchema(entity: Entity, required: string[], what: string): Schema {
  const properties: Record<string, Schema> = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    const base = field.foreign ? ref(`${field.foreign}Reference`) : field.schema;
    properties[name] = field.nullable ? nullable(base) : base;
  }
  const rules = entity.rules ? ` ${entity.rules}` : '';
  return obj(properties, required, { description: `${what}${rules}` });
}
