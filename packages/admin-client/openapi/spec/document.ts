/**
 * The kong-hybrid OpenAPI 3.1 document of the Kong Gateway 3.9 OSS Admin API.
 *
 * Where Kong's published OSS 3.9 document is wrong, this one follows Kong's
 * source and behaviour: lists are `{ data, offset, next }` pages, POST
 * answers 201, PUT creates or replaces (200), DELETE answers 204, errors
 * are typed `{ code, name, message, fields }`, `sync_status` is an enum,
 * credential (key-auth, basic-auth, ACL) paths exist, and nested plugin
 * paths are spelled right.
 */
import { configPath, declarativeSchemas } from './declarative';
import { ENTITIES, ForeignKey, Healthchecks, Protocol, Tag, referenceSchema, requestSchema, responseSchema } from './entities';
import { pageSchemas, pathParameters, paths } from './paths';
import { pluginSchemas } from './plugins';
import { UUID, arr, int, nullable, obj, oneOfStrings, str, type Schema } from './schema';

export const SYNC_STATUSES = ['unknown', 'normal', 'kong_version_incompatible', 'plugin_set_incompatible',
  'plugin_version_incompatible', 'filter_set_incompatible'] as const;

function schemas(): Record<string, Schema> {
  const out: Record<string, Schema> = { Tag, Protocol, ForeignKey, Healthchecks };
  for (const e of ENTITIES) {
    out[e.schema] = responseSchema(e);
    out[`${e.schema}Create`] = requestSchema(e, e.createRequired, `A ${e.singular} to create.`);
    out[`${e.schema}Replace`] = requestSchema(e, e.replaceRequired, `A ${e.singular} to create or replace, whole.`);
    out[`${e.schema}Update`] = requestSchema(e, [], `Fields of a ${e.singular} to change.`);
    if (['Service', 'Route', 'Consumer', 'Certificate', 'Upstream', 'KeySet'].includes(e.schema)) {
      out[`${e.schema}Reference`] = referenceSchema(e);
    }
  }
  Object.assign(out, pluginSchemas(), pageSchemas(), declarativeSchemas());
  out.DataPlane = obj({
    id: { ...UUID, description: "The data plane's node id." },
    ip: str('The address the data plane connected from.'),
    hostname: str('The hostname the data plane reported.'),
    version: str('The Kong version of the data plane.'),
    config_hash: str('MD5 hex hash of the configuration the data plane runs (32 zeros: an empty configuration).', { pattern: '^[0-9a-f]{32}$' }),
    last_seen: int('Unix time, in seconds, of the last ping (data planes ping every 30 s).'),
    updated_at: int('Unix time, in seconds, when the record last changed.'),
    ttl: int('Seconds until the control plane forgets this data plane (`cluster_data_plane_purge_delay`).'),
    sync_status: oneOfStrings(SYNC_STATUSES, 'Whether the control plane can send its configuration to this data plane.'),
    labels: nullable({ type: 'object', description: 'Labels the data plane was started with (`cluster_dp_labels`).', additionalProperties: { type: 'string' } }),
    cert_details: obj({ expiry_timestamp: int('Unix time when the data plane certificate expires.') }, [], { description: 'The data plane certificate.' }),
    rpc_capabilities: arr(str('A capability.'), 'RPC capabilities the data plane announced.'),
  }, ['id', 'ip', 'hostname', 'version', 'config_hash', 'last_seen', 'sync_status'], {
    title: 'DataPlane',
    description: 'A data plane connected to this control plane. OSS has no endpoint for the control plane\'s own configuration hash: ' +
      'data planes seen recently that agree on one hash are the sign that the cluster is in sync.',
  });
  out.TaggedEntity = obj({
    entity_name: str('The entity (DAO) name, for example `services`.'),
    entity_id: UUID,
    tag: str('The tag.'),
  }, ['entity_name', 'entity_id', 'tag'], { description: 'One tag of one entity.' });
  out.Error = obj({
    code: int('Kong error code: 1 invalid primary key, 2 schema violation, 3 primary key violation, 4 foreign key violation, ' +
      '5 unique violation, 6 not found, 7 invalid offset, 8 database error, 9 invalid size, 10 invalid unique, 11 invalid options, ' +
      '12 operation unsupported, 13 foreign keys unresolved, 14 invalid declarative configuration, 19 referenced by others.', { minimum: 1 }),
    name: str('Kong error name, for example `unique constraint violation`.'),
    message: str('What went wrong.'),
    fields: { type: 'object', description: 'Errors by field name (`@entity` for whole-entity checks); values are messages or nested objects.', additionalProperties: true },
    options: { type: 'object', description: 'Errors by option name (code 11).', additionalProperties: true },
    request_id: str('The request id (answers of plugins such as key-auth).'),
  }, ['message'], {
    description: 'An error. Entity errors carry `code`, `name`, `message` and `fields`; a plain 404 is `{ "message": "Not found" }`.',
  });
  out.NodeInformation = {
    type: 'object',
    description: 'Information about the node.',
    required: ['version', 'edition', 'node_id', 'hostname', 'plugins', 'configuration'],
    properties: {
      version: str('Kong version.'),
      edition: oneOfStrings(['community', 'enterprise'], 'Edition.'),
      tagline: str('Tagline.'),
      node_id: UUID,
      hostname: str('Hostname.'),
      lua_version: str('LuaJIT version.'),
      timers: obj({ running: int('Running timers.'), pending: int('Pending timers.') }, ['running', 'pending']),
      plugins: obj({
        available_on_server: { type: 'object', description: 'Plugins this node can run, by name.', additionalProperties: obj({ version: str('Version.'), priority: int('Priority.') }, ['priority']) },
        enabled_in_cluster: arr(str('A plugin name.'), 'Plugins configured in the cluster.'),
      }, ['available_on_server', 'enabled_in_cluster']),
      configuration: { type: 'object', description: 'The node configuration, secrets removed.', additionalProperties: true },
      pids: obj({ master: int('Master process id.'), workers: arr(int('A worker process id.'), 'Worker process ids.') }, ['master', 'workers']),
    },
    additionalProperties: true,
  };
  out.NodeStatus = {
    type: 'object',
    description: 'Node status.',
    required: ['memory', 'server'],
    properties: {
      database: obj({ reachable: { type: 'boolean', description: 'Whether the database answers.' } }, ['reachable']),
      memory: {
        type: 'object',
        required: ['workers_lua_vms', 'lua_shared_dicts'],
        properties: {
          workers_lua_vms: arr(obj({ http_allocated_gc: memory('Memory of the worker VM.'), pid: int('Worker pid.') }, ['http_allocated_gc', 'pid']), 'Worker VMs.'),
          lua_shared_dicts: { type: 'object', additionalProperties: obj({ allocated_slabs: memory('Used.'), capacity: memory('Capacity.') }, ['allocated_slabs', 'capacity']) },
        },
        additionalProperties: true,
      },
      server: obj(Object.fromEntries(['total_requests', 'connections_active', 'connections_accepted', 'connections_handled',
        'connections_reading', 'connections_writing', 'connections_waiting'].map((k) => [k, int(k.replace(/_/g, ' ') + '.')])),
      ['total_requests', 'connections_active', 'connections_accepted', 'connections_handled', 'connections_reading', 'connections_writing', 'connections_waiting']),
      configuration_hash: str('Hash of the loaded configuration (data planes and DB-less nodes).'),
    },
    additionalProperties: true,
  };
  out.KongSchema = {
    type: 'object',
    description: "Kong's own schema format: `fields` is a list of one-key objects, field name → definition; `entity_checks` the cross-field rules.",
    required: ['fields', 'entity_checks'],
    properties: {
      fields: arr({ type: 'object', additionalProperties: { type: 'object' } }, 'Field definitions, in order.'),
      entity_checks: arr({ type: 'object', additionalProperties: true }, 'Entity checks, for example `{ "at_least_one_of": ["custom_id", "username"] }`.'),
    },
    additionalProperties: true,
  };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** A memory figure: `"40.00 MiB"`, or a number of bytes with `?unit=b`. */
const memory = (description: string): Schema => ({ type: ['string', 'integer'], description: `${description} A string such as \`40.00 MiB\`, or bytes (\`?unit=b\`).` });

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const TAG_DESCRIPTIONS: Record<string, string> = {
  'Information': 'The node: version, configuration, status and endpoints.',
  'Clustering': 'Hybrid mode: the data planes of a control plane.',
  'Services': 'Upstream APIs and microservices.',
  'Routes': 'Rules that match requests to services.',
  'Consumers': 'Users and clients of the APIs.',
  'Plugins': 'Plugin instances: global, or scoped to services, routes and consumers.',
  'Certificates': 'Certificates and keys for TLS.',
  'SNIs': 'Server names tied to certificates.',
  'CA Certificates': 'Trusted certificate authorities.',
  'Upstreams': 'Load balancers over targets.',
  'Targets': 'Addresses of an upstream.',
  'Vaults': 'Secret stores.',
  'Keys': 'Asymmetric keys.',
  'Key Sets': 'Groups of keys.',
  'Credentials': 'Consumer credentials of the key-auth, basic-auth and acl plugins.',
  'Tags': 'Entities by tag.',
  'Schemas': "Kong's entity and plugin schemas, and validation.",
  'Declarative Configuration': 'The whole configuration of a DB-less node, in one document.',
};

/** The whole document. */
export function document(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kong Gateway Admin API (OSS 3.9)',
      version: '3.9.3',
      summary: 'The Kong Gateway 3.9 open-source Admin API, as Kong behaves.',
      description: 'Written by the kong-hybrid project from Kong\'s source and behaviour (tag 3.9.3). ' +
        'A control plane usually serves it behind a proxied route such as `https://<domain>/kong-admin`, protected by key-auth (`apikey` header) and ip-restriction. ' +
        'Every `GET` also answers `HEAD` (the same status and headers, no body), a path with a trailing slash is the same path, ' +
        'and a method a path does not have answers 405 `{ "message": "Method not allowed" }` (kong/api/api_helpers.lua at 3.9.3). ' +
        'Request bodies are JSON here; Kong also reads form-encoded and multipart bodies, which this document does not describe.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      { url: 'http://localhost:8001', description: "A node's admin listener" },
      { url: 'https://{domain}/kong-admin', description: 'A proxied Admin API', variables: { domain: { default: 'kong-gw.example.com' } } },
    ],
    security: [{}, { adminApiKey: [] }],
    tags: Object.entries(TAG_DESCRIPTIONS).map(([name, description]) => ({ name, description })),
    paths: Object.fromEntries(Object.entries({ ...paths(), '/config': configPath() }).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        adminApiKey: { type: 'apiKey', in: 'header', name: 'apikey', description: 'The key-auth credential of a proxied Admin API. A bare admin listener needs none.' },
      },
      parameters: {
        size: { name: 'size', in: 'query', description: 'Page size.', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        offset: { name: 'offset', in: 'query', description: 'The `offset` of the previous page.', schema: { type: 'string', minLength: 1 } },
        tags: {
          name: 'tags', in: 'query',
          description: 'Up to 5 tags: `a,b` means all of them (AND), `a/b` means any of them (OR); the two cannot be mixed.',
          schema: { type: 'string', pattern: '^[^,/]+(?:(?:,[^,/]+){0,4}|(?:/[^,/]+){0,4})$' },
        },
        custom_id: { name: 'custom_id', in: 'query', description: 'Only the consumer with this `custom_id`.', schema: { type: 'string', minLength: 1 } },
        ...pathParameters(),
      },
      responses: {
        BadRequest: errorResponse('Invalid request: schema violation (2), foreign key violation (4), invalid offset (7) or size (9), an invalid declarative configuration (14), or the entity is still referenced (19).'),
        Unauthorized: errorResponse('The proxy in front of the Admin API (key-auth) found no valid API key.'),
        NotFound: errorResponse('No such entity, or it belongs to another parent.'),
        Conflict: errorResponse('A unique field (name, username, key, …) is already taken (code 5).'),
        DbLess: errorResponse('A DB-less node (a data plane, or `database = off`) writes no entity (code 12, kong/db/strategies/off/init.lua:374-392 at 3.9.3): its configuration comes whole, through `POST /config`.'),
        ServerError: errorResponse('Kong could not complete the request, for example because the database is unreachable.'),
        UnsupportedMediaType: { description: 'The body is neither JSON nor a form (kong/api/api_helpers.lua:241 at 3.9.3). No body.' },
      },
      schemas: schemas(),
    },
  };
}
