/**
 * Kong's typedefs (kong/db/schema/typedefs.lua at 3.9.3), with their
 * validators and messages. Lua patterns are transcribed as regular
 * expressions; OpenSSL's parsing of PEM values is Node's (`node:crypto`).
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { formatHost, isValidIp, isValidIpOrCidr, normalizeIp } from './ip';
import type { FieldDef } from './schema';

type Check = string | null | undefined;

/** typedefs.lua:24 validate_host. */
export function validateHost(host: string): Check {
  const r = normalizeIp(host);
  if ('error' in r && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if ('error' in r || r.port !== undefined) return 'must not have a port';
  return undefined;
}

/** typedefs.lua:38 validate_host_with_optional_port. */
function validateHostWithOptionalPort(host: string): Check {
  const r = normalizeIp(host);
  return 'error' in r ? r.error : undefined;
}

/** typedefs.lua:154 validate_sni. */
function validateSni(host: string): Check {
  const r = normalizeIp(host);
  if ('error' in r && r.error !== 'invalid port number') return `invalid value: ${host}`;
  if (!('error' in r) && r.type !== 'name') return 'must not be an IP';
  if ('error' in r || r.port !== undefined) return 'must not have a port';
  return undefined;
}

/** typedefs.lua:172 validate_wildcard_host. */
function validateWildcardHost(host: string): Check {
  const idx = host.indexOf('*');
  if (idx >= 0) {
    if (idx !== 0 && idx !== host.length - 1) return 'wildcard must be leftmost or rightmost character';
    if ((host.match(/\*/g) ?? []).length > 1) return 'only one wildcard must be specified';
    host = host.replace('*', 'wildcard');
  }
  return validateSni(host);
}

/** Lua's `%w` (alphanumerics) and friends, for the name patterns below. */
const NAME = /^[A-Za-z0-9._~-]+$/;
/** typedefs.lua:144: ASCII alphanumerics and `.-_~`, or any byte from 128 (UTF-8). */
const UTF8_NAME = /^(?:[A-Za-z0-9._~-]|[^\u0000-\u007f])+$/;

/** typedefs.lua:71 validate_path. */
function validatePath(path: string): Check {
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path)) {
    return `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`;
  }
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const at = raw.indexOf('%');
  if (at >= 0) return `invalid url-encoded value: '${raw.slice(at, at + 3)}'`;
  return undefined;
}

const RESERVED = "!*'();:@&=+$,/?%#[]";

/** kong/tools/uri.lua:78 normalize (with merged slashes). */
export function normalizePath(uri: string): string {
  if (uri === '' || uri === '/') return uri;
  if (uri.includes('%')) {
    uri = uri.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
      const ch = String.fromCharCode(parseInt(hex, 16));
      return RESERVED.includes(ch) ? m.toUpperCase() : ch;
    });
  }
  if (!uri.includes('.') && !uri.includes('//')) return uri;
  const out: string[] = [];
  while (uri.length > 0) {
    if (uri === '/.') uri = '/';
    else if (uri === '/..') {
      uri = '/';
      out.pop();
    } else if (uri === '.' || uri === '..') uri = '';
    else if (uri.startsWith('../')) uri = uri.slice(3);
    else if (uri.startsWith('./')) uri = uri.slice(2);
    else if (uri.startsWith('/./')) uri = uri.slice(2);
    else if (uri.startsWith('/../')) {
      uri = uri.slice(3);
      out.pop();
    } else if (uri.startsWith('//')) uri = uri.slice(1);
    else {
      const i = uri.indexOf('/', 1);
      if (i >= 0) {
        out.push(uri.slice(0, i));
        uri = uri.slice(i);
      } else {
        out.push(uri);
        uri = '';
      }
    }
  }
  return out.join('');
}

/** typedefs.lua:500 validate_path_with_regexes. */
function validatePathWithRegexes(path: string): Check {
  const err = validatePath(path);
  if (err?.startsWith('invalid url-encoded value')) return err;
  if (!path.startsWith('~')) {
    const normalized = normalizePath(path);
    return path === normalized ? undefined : `non-normalized path, consider use '${normalized}' instead`;
  }
  try {
    new RegExp(path.slice(1)); // eslint-disable-line no-new
    return undefined;
  } catch (e) {
    // PCRE's own wording is not reproduced: the prefix is Kong's.
    return `invalid regex: '${path.slice(1)}' (PCRE returned: ${(e as Error).message})`;
  }
}

/** kong/tools/http.lua:250 validate_http_token (cookie names): RFC 2616 tokens. */
function validateHttpToken(token: string): Check {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f\u0080-\uffff()<>@,;:\\"/?={}[\] \t]/.test(token)) return undefined;
  return 'contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\"/?={}[] are not allowed.';
}

/** kong/tools/http.lua:271 validate_header_name. */
export function validateHeaderName(name: string): Check {
  if (/^[a-zA-Z0-9-_]+$/.test(name)) return undefined;
  return `bad header name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
}

/** typedefs.lua:118 validate_tag: printable ASCII except `,` and `/`, or UTF-8. */
function validateTag(tag: string): Check {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0020-\u002b\u002d\u002e\u0030-\u007e\u0080-\uffff]+$/.test(tag)) return undefined;
  return `invalid tag '${tag}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`;
}

/** A certificate as OpenSSL reads it, or why not (typedefs.lua:224). */
export function parseCertificate(pem: string): X509Certificate | string {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    return `x509.new: ${(e as Error).message}`;
  }
}

/** The public half of a private key PEM, as SPKI PEM, or why not (typedefs.lua:234). */
export function publicKeyOf(pem: string): string | { error: string } {
  try {
    return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch (e) {
    try {
      return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      return { error: `pkey.new: ${(e as Error).message}` };
    }
  }
}

const http = ['grpc', 'grpcs', 'http', 'https'];
/** constants.lua:77 at 3.9.3: every protocol, sorted. */
export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'];

const ipPortRecord = (): FieldDef => ({
  type: 'record',
  fields: [['ip', T.ip_or_cidr], ['port', T.port]],
  entity_checks: [{ at_least_one_of: ['ip', 'port'] }],
});

/** typedefs.lua at 3.9.3, by name. */
export const T = {
  http_method: { type: 'string', match: /^[A-Z]+$/ } as FieldDef,
  protocol: { type: 'string', one_of: PROTOCOLS } as FieldDef,
  host: { type: 'string', custom_validator: validateHost } as FieldDef,
  host_with_optional_port: { type: 'string', custom_validator: validateHostWithOptionalPort } as FieldDef,
  wildcard_host: { type: 'string', custom_validator: validateWildcardHost } as FieldDef,
  ip: { type: 'string', custom_validator: (ip: string) => (isValidIp(ip) ? undefined : `not an ip address: ${ip}`) } as FieldDef,
  ip_or_cidr: { type: 'string', custom_validator: (s: string) => (isValidIpOrCidr(s) ? undefined : `invalid ip or cidr range: '${s}'`) } as FieldDef,
  port: { type: 'integer', between: [0, 65535] } as FieldDef,
  path: { type: 'string', starts_with: '/', match_none: [{ pattern: /\/\//, err: 'must not have empty segments' }], custom_validator: validatePath } as FieldDef,
  cookie_name: { type: 'string', custom_validator: validateHttpToken } as FieldDef,
  header_name: { type: 'string', custom_validator: validateHeaderName } as FieldDef,
  timeout: { type: 'integer', between: [0, 2 ** 31 - 2] } as FieldDef,
  uuid: { type: 'string', uuid: true, auto: true } as FieldDef,
  auto_timestamp_s: { type: 'integer', timestamp: true, auto: true } as FieldDef,
  auto_timestamp_ms: { type: 'number', timestamp: true, auto: true } as FieldDef,
  no_consumer: { type: 'foreign', reference: 'consumers', eq: null } as FieldDef,
  no_route: { type: 'foreign', reference: 'routes', eq: null } as FieldDef,
  no_service: { type: 'foreign', reference: 'services', eq: null } as FieldDef,
  name: {
    type: 'string', unique: true,
    custom_validator: (n: string) => (NAME.test(n) ? undefined : `invalid value '${n}': it must only contain alphanumeric and '., -, _, ~' characters`),
  } as FieldDef,
  utf8_name: {
    type: 'string', unique: true,
    custom_validator: (n: string) => (UTF8_NAME.test(n) ? undefined : `invalid value '${n}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`),
  } as FieldDef,
  sni: { type: 'string', custom_validator: validateSni } as FieldDef,
  certificate: {
    type: 'string',
    custom_validator: (pem: string) => {
      const c = parseCertificate(pem);
      return typeof c === 'string' ? `invalid certificate: ${c}` : undefined;
    },
  } as FieldDef,
  key: {
    type: 'string',
    custom_validator: (pem: string) => {
      const k = publicKeyOf(pem);
      return typeof k === 'string' ? undefined : `invalid key: ${k.error}`;
    },
  } as FieldDef,
  tags: { type: 'set', elements: { type: 'string', required: true, custom_validator: validateTag } } as FieldDef,
  protocols: { type: 'set', required: true, default: http, elements: { type: 'string', one_of: PROTOCOLS } } as FieldDef,
  protocols_http: { type: 'set', required: true, default: http, elements: { type: 'string', one_of: http } } as FieldDef,
  get sources(): FieldDef {
    return { type: 'set', elements: ipPortRecord() };
  },
  methods: { type: 'set', elements: { type: 'string', match: /^[A-Z]+$/ } } as FieldDef,
  hosts: {
    type: 'array',
    elements: {
      type: 'string',
      match_all: [{ pattern: /^[^*]*\*?[^*]*$/, err: 'invalid wildcard: must have at most one wildcard' }],
      match_any: { patterns: [/^\*\./, /\.\*$/, /^[^*]*$/], err: 'invalid wildcard: must be placed at leftmost or rightmost label' },
      custom_validator: (h: string) => validateHostWithOptionalPort(h.replace(/\*/g, 'abc')),
    },
  } as FieldDef,
  router_paths: {
    type: 'array',
    elements: {
      type: 'string',
      match_any: { patterns: [/^\//, /^~\//], err: 'should start with: / (fixed path) or ~/ (regex path)' },
      match_none: [{ pattern: /\/\//, err: 'must not have empty segments' }],
      custom_validator: validatePathWithRegexes,
    },
  } as FieldDef,
  headers: { type: 'map', keys: { type: 'string', custom_validator: validateHeaderName }, values: { type: 'array', elements: { type: 'string' } } } as FieldDef,
  semantic_version: {
    type: 'string',
    match_any: { patterns: [/^\d+[.\d]*$/, /^\d+[.\d]*-?.*$/], err: 'invalid version number: must be in format of X.Y.Z' },
    match_none: [{ pattern: /\.\./, err: 'must not have empty version segments' }],
  } as FieldDef,
};

/** Keeps the typedef, with some attributes replaced (Lua's `typedefs.x { ... }`). */
export const with_ = (base: FieldDef, extra: Partial<FieldDef>): FieldDef => ({ ...base, ...extra });

export { formatHost, normalizeIp };
