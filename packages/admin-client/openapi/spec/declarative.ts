/**
 * Kong's declarative configuration format (the document a DB-less node loads
 * from `declarative_config` at start or through `POST /config`, and the one
 * `kong config db_export` writes), for the entity families this document
 * covers. Written from kong/db/schema/others/declarative_config.lua at 3.9.3:
 *
 * - `_format_version` (required: "1.1", "2.1" or "3.0"), `_transform`,
 *   `_comment` and `_ignore` at the top (:252-260);
 * - one top-level list per entity, named by the entity (`keyauth_credentials`,
 *   not `key-auths`), each record carrying `_comment` and `_ignore` too
 *   (:125-158);
 * - a foreign key of a top-level record is a string: the id, or the endpoint
 *   key (name, username, …) of an entity of the same document (:227-249); an
 *   `{ id }` record passes too (the second validation pass, :791-811);
 * - every entity may also be nested in the entity it references, as a list
 *   named after the child (routes in services, keyauth_credentials in
 *   consumers, snis in certificates, …), where its own reference to that
 *   parent must be left out (:186-224, `value must be null`).
 */
import { ENTITIES, type Entity } from './entities';
import { arr, bool, nullable, obj, oneOfStrings, ref, str, type Schema } from './schema';

/** A covered entity family: its name in the declarative format and its component. */
export interface DeclarativeFamily {
  /** Kong's entity (DAO) name: the top-level key, for example `keyauth_credentials`. */
  readonly name: string;
  /** The component of one record, for example `DeclarativeKeyAuth`. */
  readonly schema: string;
  /** The Admin API entity it mirrors (`Plugin` for plugins). */
  readonly entity: string;
}

/** The families, in the order of Kong's topological sort (parents before children). */
export const DECLARATIVE_FAMILIES: readonly DeclarativeFamily[] = [
  { name: 'certificates', schema: 'DeclarativeCertificate', entity: 'Certificate' },
  { name: 'ca_certificates', schema: 'DeclarativeCaCertificate', entity: 'CaCertificate' },
  { name: 'consumers', schema: 'DeclarativeConsumer', entity: 'Consumer' },
  { name: 'key_sets', schema: 'DeclarativeKeySet', entity: 'KeySet' },
  { name: 'keys', schema: 'DeclarativeKey', entity: 'Key' },
  { name: 'services', schema: 'DeclarativeService', entity: 'Service' },
  { name: 'routes', schema: 'DeclarativeRoute', entity: 'Route' },
  { name: 'snis', schema: 'DeclarativeSni', entity: 'Sni' },
  { name: 'upstreams', schema: 'DeclarativeUpstream', entity: 'Upstream' },
  { name: 'targets', schema: 'DeclarativeTarget', entity: 'Target' },
  { name: 'plugins', schema: 'DeclarativePlugin', entity: 'Plugin' },
  { name: 'vaults', schema: 'DeclarativeVault', entity: 'Vault' },
  { name: 'keyauth_credentials', schema: 'DeclarativeKeyAuth', entity: 'KeyAuth' },
  { name: 'basicauth_credentials', schema: 'DeclarativeBasicAuth', entity: 'BasicAuth' },
  { name: 'acls', schema: 'DeclarativeAcl', entity: 'Acl' },
];

/** Parent → the children that may be nested in it (every foreign key of a covered family). */
export const DECLARATIVE_NESTING: Readonly<Record<string, ReadonlyArray<{ readonly child: string; readonly field: string }>>> = {
  certificates: [{ child: 'services', field: 'client_certificate' }, { child: 'snis', field: 'certificate' }, { child: 'upstreams', field: 'client_certificate' }],
  consumers: [{ child: 'plugins', field: 'consumer' }, { child: 'keyauth_credentials', field: 'consumer' }, { child: 'basicauth_credentials', field: 'consumer' }, { child: 'acls', field: 'consumer' }],
  key_sets: [{ child: 'keys', field: 'set' }],
  services: [{ child: 'routes', field: 'service' }, { child: 'plugins', field: 'service' }],
  routes: [{ child: 'plugins', field: 'route' }],
  upstreams: [{ child: 'targets', field: 'upstream' }],
};

const familyOf = (name: string) => DECLARATIVE_FAMILIES.find((f) => f.name === name)!;

const extras = (): Record<string, Schema> => ({
  _comment: str('A comment, ignored by Kong.'),
  _ignore: arr({ description: 'Anything.' }, 'Anything, ignored by Kong.'),
});

const FOREIGN: Schema = {
  description: 'The referenced entity: its id or endpoint key (name, username, …) as a string, or `{ id }`. Left out (or `null`) when the record is nested in that entity.',
  anyOf: [{ type: 'string', minLength: 1 }, ref('ForeignKey'), { type: 'null' }],
};

/** A record of one family: the entity's fields (foreign keys by string), `_comment`, `_ignore`, and nested children. */
function record(family: DeclarativeFamily, entity: Entity | undefined, description: string, own?: Record<string, Schema>): Schema {
  const properties: Record<string, Schema> = {};
  if (entity) {
    for (const [name, field] of Object.entries(entity.fields)) {
      const base = field.foreign ? FOREIGN : field.schema;
      properties[name] = field.nullable && !field.foreign ? nullable(base) : base;
    }
  }
  Object.assign(properties, own ?? {}, extras());
  for (const { child } of DECLARATIVE_NESTING[family.name] ?? []) {
    properties[child] = nullable(arr(ref(familyOf(child).schema), `${familyOf(child).entity} records nested in this one (their reference to it left out).`));
  }
  return obj(properties, [], { description });
}

/** The components of the declarative format. */
export function declarativeSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const family of DECLARATIVE_FAMILIES) {
    const entity = ENTITIES.find((e) => e.schema === family.entity);
    const what = `A ${entity?.singular ?? 'plugin'} in a declarative configuration.`;
    switch (family.name) {
      case 'plugins':
        out[family.schema] = record(family, undefined, `${what} Kong checks \`config\` against the plugin's schema.`, {
          id: { type: 'string', format: 'uuid' },
          name: ref('PluginName'),
          instance_name: nullable(str('A unique name for this plugin instance.')),
          config: { type: 'object', description: "The plugin's configuration.", additionalProperties: true },
          protocols: arr(ref('Protocol'), 'Protocols the plugin runs on.', { minItems: 1, uniqueItems: true }),
          enabled: bool('Whether the plugin runs.', { default: true }),
          tags: nullable(arr(ref('Tag'), 'Tags.', { uniqueItems: true })),
          route: FOREIGN, service: FOREIGN, consumer: FOREIGN,
          created_at: { type: 'integer', description: 'Unix time, in seconds, when the plugin was created.' },
          updated_at: { type: 'integer', description: 'Unix time, in seconds, when the plugin was last changed.' },
        });
        break;
      case 'certificates': {
        // `snis` here is the nested SNI records, not the Admin API's list of names.
        const { snis: _names, ...fields } = entity!.fields;
        out[family.schema] = record(family, { ...entity!, fields }, what);
        break;
      }
      case 'keyauth_credentials':
        out[family.schema] = record(family, entity, what, {
          ttl: { type: 'integer', minimum: 0, description: 'Unix time, in seconds, after which the credential is gone (kong/db/strategies/off/init.lua:56-68 at 3.9.3): an absolute time, where the Admin API answers the seconds left.' },
        });
        break;
      default:
        out[family.schema] = record(family, entity, what);
    }
  }
  const lists: Record<string, Schema> = {};
  for (const family of DECLARATIVE_FAMILIES) lists[family.name] = nullable(arr(ref(family.schema), `Every ${family.name.replace(/_/g, ' ')} record.`));
  out.DeclarativeConfig = obj({
    _format_version: oneOfStrings(['1.1', '2.1', '3.0'], 'The format version (`3.0` for Kong 3.x).'),
    _transform: bool('Apply the schemas\' transformations on load (hash basic-auth passwords, …); an export of a running Kong says `false`.', { default: true }),
    ...extras(),
    ...lists,
  }, ['_format_version'], {
    title: 'DeclarativeConfig',
    description: 'A declarative configuration (kong/db/schema/others/declarative_config.lua at 3.9.3): what a DB-less node loads. ' +
      'Only the entity families of this document; Kong also takes the other plugins\' entities (jwt_secrets, hmacauth_credentials, …).',
  });
  out.DeclarativeConfigString = obj({
    config: str('A declarative configuration as JSON or YAML text.'),
  }, ['config'], { description: 'A declarative configuration as text, under `config`.' });
  out.DeclarativeConfigEntities = {
    type: 'object',
    description: 'What the node loaded, flattened: entity name → id → entity (nested records flattened, references as `{ id }`), without workspaces.',
    additionalProperties: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
  };
  out.DeclarativeConfigExport = obj({
    config: str('The loaded configuration, as a YAML declarative configuration (`_format_version: "3.0"`, `_transform: false`).'),
  }, ['config'], { description: 'The configuration a DB-less node runs.' });
  return out;
}

const json = (schema: Schema) => ({ 'application/json': { schema } });
const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** `/config` (kong/api/routes/config.lua at 3.9.3): DB-less nodes only; other nodes answer 400. */
export function configPath(): Record<string, unknown> {
  const dbOnly = 'Answers 400 `{ "message": "this endpoint is only available when Kong is configured to not use a database" }` on a node with a database (a control plane).';
  return {
    get: {
      operationId: 'getDeclarativeConfig', tags: ['Declarative Configuration'], summary: 'Get the configuration a DB-less node runs',
      description: `The loaded configuration as YAML (kong/db/declarative/export.lua). ${dbOnly}`,
      responses: {
        200: { description: 'The configuration', content: json(ref('DeclarativeConfigExport')) },
        400: errorRef('BadRequest'), 401: errorRef('Unauthorized'), 500: errorRef('ServerError'),
      },
    },
    post: {
      operationId: 'loadDeclarativeConfig', tags: ['Declarative Configuration'], summary: 'Replace the configuration of a DB-less node',
      description: 'Validates a whole declarative configuration as Kong does at start (kong/db/schema/others/declarative_config.lua) and, when valid, ' +
        'replaces everything the node runs with it. The document is the JSON body itself, a JSON or YAML string under `config`, or a YAML body ' +
        `(\`application/yaml\`). Errors answer 400 with code 14 and the errors by entity and position in \`fields\`. ${dbOnly}`,
      parameters: [
        { name: 'check_hash', in: 'query', description: '`1`: answer 304 and change nothing when the text given is the one loaded (same MD5).', schema: { type: 'string' } },
        { name: 'flatten_errors', in: 'query', description: 'Report errors as a flat list (`true`, `1`, `on`, `yes`).', schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        description: 'The declarative configuration.',
        content: {
          'application/json': { schema: { anyOf: [ref('DeclarativeConfig'), ref('DeclarativeConfigString')] } },
          'application/yaml': { schema: { type: 'string' } },
          'text/yaml': { schema: { type: 'string' } },
        },
      },
      responses: {
        201: { description: 'Loaded: the entities the node now runs', content: json(ref('DeclarativeConfigEntities')) },
        304: { description: 'With `check_hash=1`: the same configuration is already loaded. No body.' },
        400: errorRef('BadRequest'), 401: errorRef('Unauthorized'),
        413: { description: 'The configuration does not fit in the node\'s LMDB map (`lmdb_map_size`).', content: json(ref('Error')) },
        415: errorRef('UnsupportedMediaType'), 500: errorRef('ServerError'),
      },
    },
  };
}
