/**
 * Kong 3.9.3's entity schemas, transcribed for the emulator from
 * kong/db/schema/entities/*.lua and the key-auth, basic-auth and acl
 * plugins' daos.lua (file names cited per entity). Plugin configurations
 * are in plugins.ts. This is the entity model the Admin API and a future
 * declarative configuration share.
 */
import { createHash, createPrivateKey, createPublicKey, type X509Certificate } from 'node:crypto';
import { normalizeIp, type NormalizedAddress } from './ip';
import { pluginSubschemas } from './plugins';
import { Schema, isReference, requiredRecords, type FieldDef, type SchemaDef } from './schema';
import { T, parseCertificate, publicKeyOf, with_ } from './typedefs';

/** An entity and how the Admin API exposes it (kong/api/endpoints.lua). */
export interface EntityDef extends SchemaDef {
  readonly name: string;
  /** The path segment of its collection, when not its name. */
  readonly admin_api_name?: string;
  /** The path segment under a parent, when not `admin_api_name`. */
  readonly admin_api_nested_name?: string;
}

const nonzeroTimeout: FieldDef = { type: 'integer', between: [1, 2 ** 31 - 2] };

/** kong/db/schema/entities/services.lua at 3.9.3. */
const services: EntityDef = {
  name: 'services', primary_key: ['id'], endpoint_key: 'name',
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['name', T.utf8_name],
    ['retries', { type: 'integer', default: 5, between: [0, 32767] }],
    ['protocol', with_(T.protocol, { required: true, default: 'http' })],
    ['host', with_(T.host, { required: true })],
    ['port', with_(T.port, { required: true, default: 80 })],
    ['path', T.path],
    ['connect_timeout', with_(nonzeroTimeout, { default: 60000 })],
    ['write_timeout', with_(nonzeroTimeout, { default: 60000 })],
    ['read_timeout', with_(nonzeroTimeout, { default: 60000 })],
    ['tags', T.tags],
    ['client_certificate', { type: 'foreign', reference: 'certificates' }],
    ['tls_verify', { type: 'boolean' }],
    ['tls_verify_depth', { type: 'integer', default: null, between: [0, 64] }],
    ['ca_certificates', { type: 'array', elements: { type: 'string', uuid: true } }],
    ['enabled', { type: 'boolean', required: true, default: true }],
  ],
  entity_checks: [
    { conditional: { if_field: 'protocol', if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] }, then_field: 'path', then_match: { eq: null } } },
    ...['client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates'].map((f) => ({
      conditional: { if_field: 'protocol', if_match: { not_one_of: ['https', 'tls'] }, then_field: f, then_match: { eq: null } },
    })),
  ],
  shorthand_fields: [{
    name: 'url',
    field: { type: 'string' },
    func: (value: string) => {
      const u = parseUrl(String(value));
      if (!u) return undefined;
      const port = u.port === undefined ? undefined : Number(u.port);
      const prot = port === 80 ? 'http' : port === 443 ? 'https' : undefined;
      const protocol = u.scheme ?? prot ?? 'http';
      return {
        protocol,
        host: u.host ?? null,
        port: port ?? (protocol === 'http' ? 80 : protocol === 'https' ? 443 : 80),
        path: u.path ?? null,
      };
    },
  }],
};

/**
 * LuaSocket's `url.parse` (socket/url.lua), the parts services.lua reads:
 * scheme, host, port, path. Empty parts are absent.
 */
function parseUrl(url: string): { scheme?: string; host?: string; port?: string; path?: string } | undefined {
  if (url === '') return undefined;
  let rest = url;
  const out: { scheme?: string; host?: string; port?: string; path?: string } = {};
  rest = rest.replace(/#.*$/, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (scheme) {
    out.scheme = scheme[1].toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  const authority = /^\/\/([^/]*)/.exec(rest);
  if (authority) {
    rest = rest.slice(authority[0].length);
    let auth = authority[1].replace(/^.*@/, '');
    const port = /:([^:\]]*)$/.exec(auth);
    if (port) {
      if (port[1] !== '') out.port = port[1];
      auth = auth.slice(0, -port[0].length);
    }
    if (auth !== '') out.host = auth;
  }
  rest = rest.replace(/\?.*$/, '').replace(/;.*$/, '');
  if (rest !== '') out.path = rest;
  return out;
}

/** kong/db/schema/entities/routes.lua at 3.9.3, router_flavor `traditional_compatible` (Kong's default). */
const routes: EntityDef = {
  name: 'routes', primary_key: ['id'], endpoint_key: 'name', subschema_key: 'protocols',
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['name', T.utf8_name],
    ['protocols', {
      type: 'set', len_min: 1, required: true, elements: T.protocol, default: ['http', 'https'],
      mutually_exclusive_subsets: [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']],
    }],
    ['https_redirect_status_code', { type: 'integer', one_of: [426, 301, 302, 307, 308], default: 426, required: true }],
    ['strip_path', { type: 'boolean', required: true, default: true }],
    ['preserve_host', { type: 'boolean', required: true, default: false }],
    ['request_buffering', { type: 'boolean', required: true, default: true }],
    ['response_buffering', { type: 'boolean', required: true, default: true }],
    ['tags', T.tags],
    ['service', { type: 'foreign', reference: 'services' }],
    ['snis', { type: 'set', elements: T.wildcard_host }],
    ['sources', T.sources],
    ['destinations', T.sources],
    ['methods', T.methods],
    ['hosts', T.hosts],
    ['paths', T.router_paths],
    ['headers', with_(T.headers, {
      keys: with_(T.header_name, { match_none: [{ pattern: /^[Hh][Oo][Ss][Tt]$/, err: "cannot contain 'host' header, which must be specified in the 'hosts' attribute" }] }),
    })],
    ['regex_priority', { type: 'integer', default: 0 }],
    ['path_handling', { type: 'string', default: 'v0', one_of: ['v0', 'v1'] }],
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'protocols', if_match: { elements: { type: 'string', not_one_of: ['grpcs', 'https', 'tls', 'tls_passthrough'] } },
        then_field: 'snis', then_match: { len_eq: 0 }, then_err: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'",
      },
    },
    // routes.lua:61 validate_route (the ATC router's own check of the generated expression) is not emulated.
  ],
};

/** kong/db/schema/entities/routes_subschemas.lua at 3.9.3. */
const noMethods = (err: string): FieldDef => ({ ...T.methods, eq: null, err });
const ROUTE_SUBSCHEMAS: Record<string, SchemaDef> = (() => {
  const http: SchemaDef = {
    fields: [
      ['sources', { ...T.sources, eq: null, err: "cannot set 'sources' when 'protocols' is 'http' or 'https'" }],
      ['destinations', { ...T.sources, eq: null, err: "cannot set 'destinations' when 'protocols' is 'http' or 'https'" }],
    ],
    entity_checks: [{
      conditional_at_least_one_of: {
        if_field: 'protocols', if_match: { contains: 'https' }, then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths', 'snis'],
        then_err: "must set one of %s when 'protocols' is 'https'", else_match: { contains: 'http' },
        else_then_at_least_one_of: ['methods', 'hosts', 'headers', 'paths'], else_then_err: "must set one of %s when 'protocols' is 'http'",
      },
    }],
  };
  const streamErr = (f: string) => `cannot set '${f}' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'`;
  const stream: SchemaDef = {
    fields: [
      ['methods', noMethods(streamErr('methods'))],
      ['hosts', { ...T.hosts, eq: null, err: streamErr('hosts') }],
      ['paths', { ...T.router_paths, eq: null, err: streamErr('paths') }],
      ['headers', { ...T.headers, eq: null, err: streamErr('headers') }],
    ],
    entity_checks: [
      {
        conditional_at_least_one_of: {
          if_field: 'protocols', if_match: { elements: { type: 'string', one_of: ['tcp', 'tls', 'udp'] } },
          then_at_least_one_of: ['sources', 'destinations', 'snis'], then_err: "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'",
        },
      },
      {
        conditional_at_least_one_of: {
          if_field: 'protocols', if_match: { elements: { type: 'string', one_of: ['tls_passthrough'] } },
          then_at_least_one_of: ['snis'], then_err: "must set snis when 'protocols' is 'tls_passthrough'",
        },
      },
    ],
  };
  const grpcErr = (f: string) => `cannot set '${f}' when 'protocols' is 'grpc' or 'grpcs'`;
  const grpc: SchemaDef = {
    fields: [
      ['strip_path', { type: 'boolean', required: true, default: false, ne: true, err: grpcErr('strip_path') }],
      ['methods', noMethods(grpcErr('methods'))],
      ['sources', { ...T.sources, eq: null, err: grpcErr('sources') }],
      ['destinations', { ...T.sources, eq: null, err: grpcErr('destinations') }],
    ],
    entity_checks: [{
      conditional_at_least_one_of: {
        if_field: 'protocols', if_match: { contains: 'grpcs' }, then_at_least_one_of: ['hosts', 'headers', 'paths', 'snis'],
        then_err: "must set one of %s when 'protocols' is 'grpcs'", else_match: { contains: 'grpc' },
        else_then_at_least_one_of: ['hosts', 'headers', 'paths'], else_then_err: "must set one of %s when 'protocols' is 'grpc'",
      },
    }],
  };
  return { http, https: http, tcp: stream, tls: stream, udp: stream, tls_passthrough: stream, grpc, grpcs: grpc };
})();

/** kong/db/schema/entities/consumers.lua at 3.9.3. */
const consumers: EntityDef = {
  name: 'consumers', primary_key: ['id'], endpoint_key: 'username',
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['username', { type: 'string', unique: true }],
    ['custom_id', { type: 'string', unique: true }],
    ['tags', T.tags],
  ],
  entity_checks: [{ at_least_one_of: ['custom_id', 'username'] }],
};

/** kong/db/schema/entities/plugins.lua at 3.9.3. */
const plugins: EntityDef = {
  name: 'plugins', primary_key: ['id'], endpoint_key: 'instance_name',
  cache_key: ['name', 'route', 'service', 'consumer'],
  subschema_key: 'name', subschema_error: "plugin '%s' not enabled; add it to the 'plugins' configuration property",
  fields: [
    ['id', T.uuid],
    ['name', { type: 'string', required: true }],
    ['instance_name', T.utf8_name],
    ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['route', { type: 'foreign', reference: 'routes', default: null, on_delete: 'cascade' }],
    ['service', { type: 'foreign', reference: 'services', default: null, on_delete: 'cascade' }],
    ['consumer', { type: 'foreign', reference: 'consumers', default: null, on_delete: 'cascade' }],
    ['config', { type: 'record', abstract: true }],
    ['protocols', T.protocols],
    ['enabled', { type: 'boolean', required: true, default: true }],
    ['tags', T.tags],
  ],
};

/** Same public key in both (certificates.lua:35). */
const matches = (cert: string, key: string) => {
  const c = parseCertificate(cert);
  const k = publicKeyOf(key);
  return typeof c !== 'string' && typeof k === 'string' && c.publicKey.export({ type: 'spki', format: 'pem' }).toString() === k;
};

/** kong/db/schema/entities/certificates.lua at 3.9.3 (snis: kong/db/dao/certificates.lua). */
const certificates: EntityDef = {
  name: 'certificates', primary_key: ['id'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['cert', with_(T.certificate, { required: true, referenceable: true })],
    ['key', with_(T.key, { required: true, referenceable: true })],
    ['cert_alt', with_(T.certificate, { required: false, referenceable: true })],
    ['key_alt', with_(T.key, { required: false, referenceable: true })],
    ['tags', T.tags],
    ['snis', { type: 'array', elements: T.wildcard_host, required: false, transient: true }],
  ],
  entity_checks: [
    { mutually_required: ['cert_alt', 'key_alt'] },
    { custom_entity_check: { field_sources: ['cert', 'key'], fn: (e) => (matches(e.cert, e.key) ? undefined : 'certificate does not match key') } },
    {
      custom_entity_check: {
        field_sources: ['cert_alt', 'key_alt'],
        fn: (e) => (typeof e.cert_alt === 'string' && typeof e.key_alt === 'string' && !matches(e.cert_alt, e.key_alt) ? 'alternative certificate does not match key' : undefined),
      },
    },
    {
      custom_entity_check: {
        field_sources: ['cert', 'cert_alt'],
        fn: (e) => {
          if (typeof e.cert !== 'string' || typeof e.cert_alt !== 'string') return undefined;
          const [a, b] = [parseCertificate(e.cert), parseCertificate(e.cert_alt)];
          if (typeof a === 'string' || typeof b === 'string' || a.publicKey.asymmetricKeyType !== b.publicKey.asymmetricKeyType) return undefined;
          return 'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type';
        },
      },
    },
  ],
};

/** kong/db/schema/entities/snis.lua at 3.9.3. */
const snis: EntityDef = {
  name: 'snis', primary_key: ['id'], endpoint_key: 'name',
  fields: [
    ['id', T.uuid],
    ['name', with_(T.wildcard_host, { required: true, unique: true })],
    ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['tags', T.tags],
    ['certificate', { type: 'foreign', reference: 'certificates', required: true }],
  ],
};

const CERT_TAG = '-----BEGIN CERTIFICATE-----';

/** kong/db/schema/entities/ca_certificates.lua at 3.9.3. */
const caCertificates: EntityDef = {
  name: 'ca_certificates', primary_key: ['id'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['cert', with_(T.certificate, { required: true })],
    ['cert_digest', { type: 'string', unique: true }],
    ['tags', T.tags],
  ],
  entity_checks: [{
    custom_entity_check: {
      field_sources: ['cert'],
      fn: (e) => {
        const cert: string = e.cert;
        const seen = cert.indexOf(CERT_TAG);
        if (seen >= 0 && cert.indexOf(CERT_TAG, seen + CERT_TAG.length + 1) >= 0) return 'please submit only one certificate at a time';
        const c = parseCertificate(cert) as X509Certificate;
        if (Date.parse(c.validTo) / 1000 < Schema.now()) return 'certificate expired, "Not After" time is in the past';
        if (!c.ca) return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint';
        return undefined;
      },
    },
  }],
};

/** The `cert_digest` transformation of ca_certificates.lua:25: SHA-256 of the certificate (DER), hex. */
export function certDigest(pem: string): string {
  const c = parseCertificate(pem);
  return typeof c === 'string' ? createHash('sha256').update(pem).digest('hex') : createHash('sha256').update(c.raw).digest('hex');
}

const hashOn: FieldDef = { type: 'string', default: 'none', one_of: ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] };
const httpStatuses: FieldDef = { type: 'array', elements: { type: 'integer', between: [100, 999] } };
const seconds: FieldDef = { type: 'number', between: [0, 65535] };
const oneByte: FieldDef = { type: 'integer', between: [0, 255] };
const simpleParam: FieldDef = { type: 'string', len_min: 1 };
const record = (fields: Array<[string, FieldDef]>, defaults: Record<string, unknown>): FieldDef => ({ type: 'record', fields, default: defaults });

/** upstreams.lua:91 healthchecks, field by field with their defaults (gen_fields keeps the table's order, which Lua does not promise). */
const healthchecks: FieldDef = (() => {
  const activeDefaults = {
    type: 'http', timeout: 1, concurrency: 10, http_path: '/', https_verify_certificate: true,
    healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
    unhealthy: { interval: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], tcp_failures: 0, timeouts: 0, http_failures: 0 },
  };
  const passiveDefaults = {
    type: 'http',
    healthy: { http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308], successes: 0 },
    unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0 },
  };
  const checkType: FieldDef = { type: 'string', one_of: ['tcp', 'http', 'https', 'grpc', 'grpcs'] };
  const active = record([
    ['type', { ...checkType, default: 'http' }],
    ['timeout', { ...seconds, default: 1 }],
    ['concurrency', { type: 'integer', between: [1, 2 ** 31], default: 10 }],
    ['http_path', { ...T.path, default: '/' }],
    ['https_sni', { ...T.sni, required: false }],
    ['https_verify_certificate', { type: 'boolean', default: true, required: true }],
    ['headers', { ...T.headers, required: false }],
    ['healthy', record([
      ['interval', { ...seconds, default: 0 }], ['http_statuses', { ...httpStatuses, default: [200, 302] }], ['successes', { ...oneByte, default: 0 }],
    ], activeDefaults.healthy)],
    ['unhealthy', record([
      ['interval', { ...seconds, default: 0 }], ['http_statuses', { ...httpStatuses, default: activeDefaults.unhealthy.http_statuses }],
      ['tcp_failures', { ...oneByte, default: 0 }], ['timeouts', { ...oneByte, default: 0 }], ['http_failures', { ...oneByte, default: 0 }],
    ], activeDefaults.unhealthy)],
  ], activeDefaults);
  const passive = record([
    ['type', { ...checkType, default: 'http' }],
    ['healthy', record([['http_statuses', { ...httpStatuses, default: passiveDefaults.healthy.http_statuses }], ['successes', { ...oneByte, default: 0 }]], passiveDefaults.healthy)],
    ['unhealthy', record([
      ['http_statuses', { ...httpStatuses, default: [429, 500, 503] }], ['tcp_failures', { ...oneByte, default: 0 }],
      ['timeouts', { ...oneByte, default: 0 }], ['http_failures', { ...oneByte, default: 0 }],
    ], passiveDefaults.unhealthy)],
  ], passiveDefaults);
  return {
    type: 'record',
    default: { active: activeDefaults, passive: passiveDefaults },
    fields: [['active', active], ['passive', passive], ['threshold', { type: 'number', default: 0, between: [0, 100] }]],
  };
})();

/** upstreams.lua:18 validate_name. */
function validateUpstreamName(name: string): string | undefined {
  const p = normalizeHost(name);
  if (!p) return `Invalid name ('${name}'); must be a valid hostname`;
  if (p.type !== 'name') return `Invalid name ('${name}'); no ip addresses allowed`;
  if (p.port !== undefined) return `Invalid name ('${name}'); no port allowed`;
  return undefined;
}

const normalizeHost = (s: string): NormalizedAddress | undefined => {
  const r = normalizeIp(s);
  return 'error' in r ? undefined : r;
};

const hashFallbackOneOf = (values: string[]) => ({ one_of: values });

/** kong/db/schema/entities/upstreams.lua at 3.9.3. */
const upstreams: EntityDef = {
  name: 'upstreams', primary_key: ['id'], endpoint_key: 'name',
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s],
    ['name', { type: 'string', required: true, unique: true, custom_validator: validateUpstreamName }],
    ['updated_at', T.auto_timestamp_s],
    ['algorithm', { type: 'string', default: 'round-robin', one_of: ['consistent-hashing', 'least-connections', 'round-robin', 'latency'] }],
    ['hash_on', hashOn],
    ['hash_fallback', hashOn],
    ['hash_on_header', T.header_name],
    ['hash_fallback_header', T.header_name],
    ['hash_on_cookie', T.cookie_name],
    ['hash_on_cookie_path', { ...T.path, default: '/' }],
    ['hash_on_query_arg', simpleParam],
    ['hash_fallback_query_arg', simpleParam],
    ['hash_on_uri_capture', simpleParam],
    ['hash_fallback_uri_capture', simpleParam],
    ['slots', { type: 'integer', default: 10000, between: [10, 2 ** 16] }],
    ['healthchecks', healthchecks],
    ['tags', T.tags],
    ['host_header', T.host_with_optional_port],
    ['client_certificate', { type: 'foreign', reference: 'certificates' }],
    ['use_srv_name', { type: 'boolean', default: false }],
  ],
  entity_checks: [
    { conditional: { if_field: 'hash_on', if_match: { match: /^header$/ }, then_field: 'hash_on_header', then_match: { required: true } } },
    { conditional: { if_field: 'hash_fallback', if_match: { match: /^header$/ }, then_field: 'hash_fallback_header', then_match: { required: true } } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^cookie$/ }, then_field: 'hash_on_cookie', then_match: { required: true } } },
    { conditional: { if_field: 'hash_fallback', if_match: { match: /^cookie$/ }, then_field: 'hash_on_cookie', then_match: { required: true } } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^none$/ }, then_field: 'hash_fallback', then_match: hashFallbackOneOf(['none']) } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^cookie$/ }, then_field: 'hash_fallback', then_match: hashFallbackOneOf(['none']) } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^consumer$/ }, then_field: 'hash_fallback', then_match: hashFallbackOneOf(['none', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture']) } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^ip$/ }, then_field: 'hash_fallback', then_match: hashFallbackOneOf(['none', 'consumer', 'header', 'cookie', 'path', 'query_arg', 'uri_capture']) } },
    { conditional: { if_field: 'hash_on', if_match: { match: /^path$/ }, then_field: 'hash_fallback', then_match: hashFallbackOneOf(['none', 'consumer', 'header', 'cookie', 'query_arg', 'ip', 'uri_capture']) } },
    { distinct: ['hash_on_header', 'hash_fallback_header'] },
    { conditional: { if_field: 'hash_on', if_match: { match: /^query_arg$/ }, then_field: 'hash_on_query_arg', then_match: { required: true } } },
    { conditional: { if_field: 'hash_fallback', if_match: { match: /^query_arg$/ }, then_field: 'hash_fallback_query_arg', then_match: { required: true } } },
    { distinct: ['hash_on_query_arg', 'hash_fallback_query_arg'] },
    { conditional: { if_field: 'hash_on', if_match: { match: /^uri_capture$/ }, then_field: 'hash_on_uri_capture', then_match: { required: true } } },
    { conditional: { if_field: 'hash_fallback', if_match: { match: /^uri_capture$/ }, then_field: 'hash_fallback_uri_capture', then_match: { required: true } } },
    { distinct: ['hash_on_uri_capture', 'hash_fallback_uri_capture'] },
  ],
  // upstreams.lua:303: algorithm and hash_on adjust each other
  shorthand_fields: [
    {
      name: 'algorithm', field: { type: 'string' },
      func: (v: string) => (v === 'least-connections' || v === 'latency' ? { algorithm: v, hash_on: null } : { algorithm: v }),
    },
    {
      name: 'hash_on', field: { type: 'string' },
      func: (v: string | null) => (v === null ? { hash_on: 'none' } : v === 'none' ? { hash_on: v, algorithm: 'round-robin' } : { hash_on: v, algorithm: 'consistent-hashing' }),
    },
  ],
};

/** targets.lua:6 validate_target. */
function validateTarget(target: string): string | undefined {
  return normalizeHost(target) ? undefined : `Invalid target ('${target}'); not a valid hostname or ip address`;
}

/** kong/db/schema/entities/targets.lua at 3.9.3. */
const targets: EntityDef = {
  name: 'targets', primary_key: ['id'], endpoint_key: 'target', cache_key: ['upstream', 'target'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_ms], ['updated_at', T.auto_timestamp_ms],
    ['upstream', { type: 'foreign', reference: 'upstreams', required: true, on_delete: 'cascade' }],
    ['target', { type: 'string', required: true, custom_validator: validateTarget }],
    ['weight', { type: 'integer', default: 100, between: [0, 65535] }],
    ['tags', T.tags],
  ],
};

/** constants.lua BUNDLED_VAULTS at 3.9.3: `env`, which vaults.lua also keeps out of prefixes. */
const VAULTS = ['env'];

/** kong/db/schema/entities/vaults.lua at 3.9.3 (config: kong/vaults/env/schema.lua). */
const vaults: EntityDef = {
  name: 'vaults', primary_key: ['id'], endpoint_key: 'prefix', cache_key: ['prefix'],
  subschema_key: 'name', subschema_error: "vault '%s' is not installed",
  fields: [
    ['id', T.uuid],
    ['prefix', { type: 'string', required: true, unique: true, match: /^[a-z][a-z\d-]*?[a-z\d]+$/, not_one_of: VAULTS }],
    ['name', { type: 'string', required: true }],
    ['description', { type: 'string' }],
    ['config', { type: 'record', abstract: true }],
    ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
    ['tags', T.tags],
  ],
};

/** typedefs.lua:660 validate_pem_keys. */
function validatePemKeys(values: { private_key?: string | null; public_key?: string | null }): string | undefined {
  const { private_key: priv, public_key: pub } = values;
  if (isReference(priv) || isReference(pub)) return undefined;
  let pubPem: string | undefined;
  if (typeof pub === 'string') {
    try {
      pubPem = createPublicKey(pub).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      return 'could not load public key';
    }
  }
  let fromPriv: string | undefined;
  if (typeof priv === 'string') {
    try {
      fromPriv = createPublicKey(createPrivateKey(priv)).export({ type: 'spki', format: 'pem' }).toString();
    } catch (e) {
      return `could not load private key${(e as Error).message}`;
    }
  }
  if (pubPem && fromPriv && pubPem !== fromPriv) return 'public key does not match private key';
  return undefined;
}

/** kong/db/schema/entities/keys.lua at 3.9.3 (supported formats: constants.lua KEY_FORMATS, jwk and pem). */
const keys: EntityDef = {
  name: 'keys', primary_key: ['id'], endpoint_key: 'name', cache_key: ['kid', 'set'],
  fields: [
    ['id', T.uuid],
    ['set', { type: 'foreign', reference: 'key_sets', required: false, on_delete: 'cascade' }],
    ['name', { type: 'string', required: false, unique: true }],
    ['kid', { type: 'string', required: true }],
    ['jwk', { type: 'string', referenceable: true }],
    ['pem', {
      type: 'record', required: false,
      fields: [['private_key', { type: 'string', required: false, referenceable: true }], ['public_key', { type: 'string', referenceable: true, required: false }]],
      entity_checks: [{ at_least_one_of: ['private_key', 'public_key'] }],
      custom_validator: validatePemKeys,
    }],
    ['tags', T.tags],
    ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
  ],
  entity_checks: [
    { mutually_exclusive: ['jwk', 'pem'] },
    { at_least_one_of: ['jwk', 'pem'] },
    {
      custom_entity_check: {
        field_sources: ['jwk', 'pem', 'kid'],
        fn: (e) => {
          if (typeof e.jwk === 'string') {
            let jwk: { kid?: unknown };
            try {
              jwk = JSON.parse(e.jwk);
            } catch {
              return 'could not json decode jwk string';
            }
            if (jwk.kid !== e.kid) return 'kid in jwk.kid must be equal to keys.kid';
          }
          return undefined;
        },
      },
    },
  ],
};

/** kong/db/schema/entities/key_sets.lua at 3.9.3. */
const keySets: EntityDef = {
  name: 'key_sets', admin_api_name: 'key-sets', primary_key: ['id'], endpoint_key: 'name',
  fields: [
    ['id', T.uuid], ['name', { type: 'string', required: false, unique: true }], ['tags', T.tags],
    ['created_at', T.auto_timestamp_s], ['updated_at', T.auto_timestamp_s],
  ],
};

/** kong/plugins/key-auth/daos.lua at 3.9.3. */
const keyauthCredentials: EntityDef = {
  name: 'keyauth_credentials', admin_api_name: 'key-auths', admin_api_nested_name: 'key-auth',
  ttl: true, primary_key: ['id'], endpoint_key: 'key', cache_key: ['key'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s],
    ['consumer', { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' }],
    ['key', { type: 'string', required: false, unique: true, auto: true }],
    ['tags', T.tags],
  ],
};

/** kong/plugins/basic-auth/daos.lua at 3.9.3. */
const basicauthCredentials: EntityDef = {
  name: 'basicauth_credentials', admin_api_name: 'basic-auths', admin_api_nested_name: 'basic-auth',
  primary_key: ['id'], endpoint_key: 'username', cache_key: ['username'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s],
    ['consumer', { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' }],
    ['username', { type: 'string', required: true, unique: true }],
    ['password', { type: 'string', required: true }],
    ['tags', T.tags],
  ],
  // daos.lua: the password is hashed with the consumer's id
  transformations: [{ input: ['password'], needs: ['consumer.id'] }],
};

/** kong/plugins/acl/daos.lua at 3.9.3. */
const acls: EntityDef = {
  name: 'acls', primary_key: ['id'], cache_key: ['consumer', 'group'],
  fields: [
    ['id', T.uuid], ['created_at', T.auto_timestamp_s],
    ['consumer', { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' }],
    ['group', { type: 'string', required: true }],
    ['tags', T.tags],
  ],
};

/** Every entity the emulator serves, in Kong's DAO order (kong/constants.lua CORE_ENTITIES, then plugin DAOs). */
export const ENTITY_DEFS: readonly EntityDef[] = [
  consumers, certificates, caCertificates, services, routes, snis, upstreams, targets, plugins, vaults, keySets, keys,
  keyauthCredentials, basicauthCredentials, acls,
];

/** The schemas, built once: foreign fields find each other by name. */
const SCHEMAS: ReadonlyMap<string, Schema> = (() => {
  const out = new Map<string, Schema>();
  // Entity.new (kong/db/schema/entity.lua:53 at 3.9.3): an entity's records are required, so that
  // they come back whole (an upstream's healthchecks.active.headers is null, not absent).
  for (const def of ENTITY_DEFS) out.set(def.name, new Schema({ ...def, fields: def.fields.map(([k, f]) => [k, f.abstract ? f : requiredRecords(f)] as const) }));
  for (const [protocol, sub] of Object.entries(ROUTE_SUBSCHEMAS)) out.get('routes')!.addSubschema(protocol, sub);
  // kong/vaults/env/schema.lua at 3.9.3
  out.get('vaults')!.addSubschema('env', {
    fields: [['config', { type: 'record', fields: [['prefix', { type: 'string', match: /^[A-Za-z_-][A-Za-z0-9_-]*$/ }]] }]],
  });
  return out;
})();

const PLUGINS_BY_ROLE = new Map<boolean, Schema>();

/**
 * The schemas of a node: plugins depend on its role (rate-limiting has no
 * `cluster` policy on a control plane), nothing references them, so each
 * role has its own plugins schema.
 */
export function schemasFor(controlPlane: boolean): ReadonlyMap<string, Schema> {
  let plugins = PLUGINS_BY_ROLE.get(controlPlane);
  if (!plugins) {
    plugins = new Schema(SCHEMAS.get('plugins')!.def, false);
    for (const [name, sub] of Object.entries(pluginSubschemas({ controlPlane }))) plugins.addSubschema(name, sub);
    PLUGINS_BY_ROLE.set(controlPlane, plugins);
  }
  return new Map([...SCHEMAS, ['plugins', plugins]]);
}

/** The collection (path segment) of an entity. */
export const collectionOf = (def: EntityDef) => def.admin_api_name ?? def.name;
