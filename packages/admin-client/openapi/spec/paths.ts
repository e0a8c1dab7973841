/**
 * The paths of the Admin API, built the way Kong builds them
 * (kong/api/endpoints.lua): for every entity a collection (`GET`, `POST`)
 * and an entity endpoint (`GET`, `PUT`, `PATCH`, `DELETE`); for every
 * foreign key a nested collection and nested entity under the parent, and a
 * `GET` of the parent from the child. Lists answer `{ data, offset, next }`,
 * `POST` answers 201, `PUT` creates or replaces and answers 200, `DELETE`
 * answers 204, and every error answers `{ code, name, message, fields }`.
 */
import { ENTITIES, type Entity } from './entities';
import { obj, ref, str, type Schema } from './schema';

/** What the path builder needs to know of an entity. */
export interface Resource {
  readonly schema: string;
  readonly collection: string;
  readonly param: string;
  readonly singular: string;
  readonly plural: string;
  readonly tag: string;
  readonly endpointKey?: string;
  readonly create: string;
  readonly replace: string;
  readonly update: string;
}

export const fromEntity = (e: Entity): Resource => ({
  schema: e.schema, collection: e.collection, param: e.param, singular: e.singular, plural: e.plural, tag: e.tag,
  endpointKey: e.endpointKey, create: `${e.schema}Create`, replace: `${e.schema}Replace`, update: `${e.schema}Update`,
});

const PLUGIN: Resource = {
  schema: 'Plugin', collection: 'plugins', param: 'plugin', singular: 'plugin', plural: 'plugins', tag: 'Plugins',
  endpointKey: 'instance_name', create: 'PluginCreate', replace: 'PluginCreate', update: 'PluginUpdate',
};

const byCollection = (c: string): Resource => (c === 'plugins' ? PLUGIN : fromEntity(ENTITIES.find((e) => e.collection === c)!));

/** Entities with top-level endpoints (targets only exist under their upstream). */
export const TOP_LEVEL = ['services', 'routes', 'consumers', 'plugins', 'certificates', 'snis', 'ca_certificates', 'upstreams',
  'vaults', 'keys', 'key-sets', 'key-auths', 'basic-auths', 'acls'];

/** Parent → children by foreign key: `/parents/{parent}/<segment>`. */
export const NESTED: Array<{ parent: string; child: string; field: string; segment: string }> = [
  { parent: 'services', child: 'routes', field: 'service', segment: 'routes' },
  { parent: 'services', child: 'plugins', field: 'service', segment: 'plugins' },
  { parent: 'routes', child: 'plugins', field: 'route', segment: 'plugins' },
  { parent: 'consumers', child: 'plugins', field: 'consumer', segment: 'plugins' },
  { parent: 'consumers', child: 'key-auths', field: 'consumer', segment: 'key-auth' },
  { parent: 'consumers', child: 'basic-auths', field: 'consumer', segment: 'basic-auth' },
  { parent: 'consumers', child: 'acls', field: 'consumer', segment: 'acls' },
  { parent: 'certificates', child: 'snis', field: 'certificate', segment: 'snis' },
  { parent: 'upstreams', child: 'targets', field: 'upstream', segment: 'targets' },
  { parent: 'key-sets', child: 'keys', field: 'set', segment: 'keys' },
];

/** Child → the entity its foreign key points at: `GET /children/{child}/<field>`. */
export const FOREIGN: Array<{ child: string; field: string; parent: string }> = [
  { child: 'routes', field: 'service', parent: 'services' },
  { child: 'plugins', field: 'service', parent: 'services' },
  { child: 'plugins', field: 'route', parent: 'routes' },
  { child: 'plugins', field: 'consumer', parent: 'consumers' },
  { child: 'services', field: 'client_certificate', parent: 'certificates' },
  { child: 'upstreams', field: 'client_certificate', parent: 'certificates' },
  // `/snis/{sni}/certificate` is not here: Kong disables it (kong/api/routes/snis.lua at 3.9.3); use `/certificates/{sni name}`.
  { child: 'keys', field: 'set', parent: 'key-sets' },
  { child: 'key-auths', field: 'consumer', parent: 'consumers' },
  { child: 'basic-auths', field: 'consumer', parent: 'consumers' },
  { child: 'acls', field: 'consumer', parent: 'consumers' },
];

const pascal = (s: string) => s.split(/[-_]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const json = (schema: Schema) => ({ 'application/json': { schema } });
const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
const errors = (...codes: Array<'400' | '404' | '405' | '409' | '415'>) => Object.fromEntries([
  ...codes.map((c) => [c, { $ref: `#/components/responses/${{ 400: 'BadRequest', 404: 'NotFound', 405: 'DbLess', 409: 'Conflict', 415: 'UnsupportedMediaType' }[c]}` }]),
  ['401', { $ref: '#/components/responses/Unauthorized' }],
  ['500', { $ref: '#/components/responses/ServerError' }],
].sort(([a], [b]) => String(a).localeCompare(String(b))));
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const body = (schema: string, description: string, required = true) => ({ required, description, content: json(ref(schema)) });

/** Path parameters, one per resource: `{service}` is an id or a name. */
export function pathParameters(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const r of [...ENTITIES.map(fromEntity), PLUGIN]) {
    const alternatives: Record<string, string> = {
      certificate: ', or the name of one of its SNIs (kong/api/routes/certificates.lua at 3.9.3; a PUT by an unknown SNI creates the certificate with that SNI)',
      acl: ', or its group under a consumer (kong/plugins/acl/api.lua at 3.9.3; a PUT by group creates the membership)',
    };
    out[r.param] = {
      name: r.param, in: 'path', required: true,
      description: `The ${r.singular}'s id${r.endpointKey ? ` or ${r.endpointKey.replace('_', ' ')}` : ''}${alternatives[r.param] ?? ''}.`,
      schema: { type: 'string', minLength: 1 },
    };
  }
  return out;
}

function collection(r: Resource, opts: { parent?: Resource; segment?: string } = {}) {
  const { parent } = opts;
  const of = parent ? ` of a ${parent.singular}` : '';
  const suffix = parent ? `For${parent.schema}` : '';
  const params = parent ? [param(parent.param), param('size'), param('offset')] : [param('size'), param('offset'), param('tags')];
  if (!parent && r.collection === 'consumers') params.push(param('custom_id'));
  return {
    get: {
      operationId: `list${pascal(r.collection)}${suffix}`, tags: [r.tag],
      summary: `List ${r.plural}${of}`,
      description: parent
        ? `Pages through the ${r.plural}${of}. \`tags\` is not available on nested lists, and \`next\` drops \`size\`: build the next request from \`offset\`.`
        : `Pages through all ${r.plural}, optionally filtered by tags. Build the next request from \`offset\`.`,
      parameters: params,
      responses: { 200: ok(`A page of ${r.plural}`, ref(`${r.schema}Page`)), ...(parent ? errors('400', '404') : errors('400')) },
    },
    post: {
      operationId: `create${r.schema}${suffix}`, tags: [r.tag],
      summary: `Create a ${r.singular}${of}`,
      ...(parent ? { parameters: [param(parent.param)] } : {}),
      requestBody: body(r.create, `The ${r.singular}.${parent ? ` Its \`${opts.segment}\` parent is the one in the URL.` : ''}`),
      responses: { 201: ok(`The created ${r.singular}`, ref(r.schema)), ...(parent ? errors('400', '404', '405', '409', '415') : errors('400', '405', '409', '415')) },
    },
  };
}

function entity(r: Resource, opts: { parent?: Resource } = {}) {
  const { parent } = opts;
  const of = parent ? ` of a ${parent.singular}` : '';
  const suffix = parent ? `For${parent.schema}` : '';
  const parameters = parent ? [param(parent.param), param(r.param)] : [param(r.param)];
  const byKey = r.endpointKey ? ` by id or ${r.endpointKey.replace('_', ' ')}` : ' by id';
  return {
    parameters,
    get: {
      operationId: `get${r.schema}${suffix}`, tags: [r.tag], summary: `Get a ${r.singular}${of}${byKey}`,
      responses: { 200: ok(`The ${r.singular}`, ref(r.schema)), ...errors('400', '404') },
    },
    put: {
      operationId: `upsert${r.schema}${suffix}`, tags: [r.tag], summary: `Create or replace a ${r.singular}${of}`,
      description: `Creates the ${r.singular} when none matches the URL, otherwise replaces it whole: fields left out take their defaults. ` +
        `A UUID in the URL is the id${r.endpointKey ? `; anything else is the ${r.endpointKey.replace('_', ' ')}` : ''}. Answers 200 either way.`,
      requestBody: body(r.replace, `The whole ${r.singular}. Kong takes a missing body as \`{}\` (a PUT by name may need nothing else).`, false),
      responses: { 200: ok(`The created or replaced ${r.singular}`, ref(r.schema)), ...errors('400', '404', '405', '409', '415') },
    },
    patch: {
      operationId: `update${r.schema}${suffix}`, tags: [r.tag], summary: `Update a ${r.singular}${of}`,
      description: `Changes the given fields. Answers 404 when no ${r.singular} matches.`,
      requestBody: body(r.update, 'The fields to change.'),
      responses: { 200: ok(`The updated ${r.singular}`, ref(r.schema)), ...errors('400', '404', '405', '409', '415') },
    },
    delete: {
      operationId: `delete${r.schema}${suffix}`, tags: [r.tag], summary: `Delete a ${r.singular}${of}`,
      description: parent
        ? `Answers 404 when the ${r.singular} does not exist or belongs to another ${parent.singular}.`
        : `Answers 204 even when nothing matched. Answers 400 when other entities still reference it.`,
      responses: { 204: { description: 'Deleted, or nothing to delete' }, ...(parent ? errors('400', '404', '405') : errors('400', '405')) },
    },
  };
}

/** `/children/{child}/<field>` (kong/api/endpoints.lua:437-732 at 3.9.3, `is_foreign_entity_endpoint`). */
function foreign(child: Resource, field: string, parent: Resource) {
  const what = field.replace('_', ' ');
  return {
    parameters: [param(child.param)],
    get: {
      operationId: `get${pascal(field)}Of${child.schema}`, tags: [child.tag],
      summary: `Get the ${what} of a ${child.singular}`,
      description: `Answers 404 when the ${child.singular} does not exist or has no ${what}.`,
      responses: { 200: ok(`The ${parent.singular}`, ref(parent.schema)), ...errors('404') },
    },
    put: {
      operationId: `upsert${pascal(field)}Of${child.schema}`, tags: [child.tag],
      summary: `Create or replace the ${what} of a ${child.singular}`,
      description: `Replaces the ${what} whole; when the ${child.singular} has none, creates one and ties it to the ${child.singular}.`,
      requestBody: body(parent.replace, `The whole ${parent.singular}.`, false),
      responses: { 200: ok(`The ${parent.singular}`, ref(parent.schema)), ...errors('400', '404', '405', '409', '415') },
    },
    patch: {
      operationId: `update${pascal(field)}Of${child.schema}`, tags: [child.tag],
      summary: `Update the ${what} of a ${child.singular}`,
      description: `Answers 404 when the ${child.singular} does not exist or has no ${what}.`,
      requestBody: body(parent.update, 'The fields to change.'),
      responses: { 200: ok(`The updated ${parent.singular}`, ref(parent.schema)), ...errors('400', '404', '405', '409', '415') },
    },
  };
}

const listOf = (item: Schema, description: string): Schema => obj({
  data: { type: 'array', items: item },
  offset: str('Opaque position of the next page: send it back as `?offset=`. Absent on the last page.'),
  next: { type: ['string', 'null'], description: 'Relative path of the next page, or `null` on the last page. It drops any path prefix (and `size` on nested lists): build the next request from `offset` instead.' },
}, ['data', 'next'], { description });

/** `<Entity>Page` list schemas. */
export function pageSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const r of [...ENTITIES.map(fromEntity), PLUGIN]) out[`${r.schema}Page`] = listOf(ref(r.schema), `A page of ${r.plural}.`);
  out.DataPlanePage = listOf(ref('DataPlane'), 'A page of data planes.');
  out.TaggedEntityPage = listOf(ref('TaggedEntity'), 'A page of tagged entities.');
  return out;
}

const SCHEMA_ENTITIES = ['services', 'routes', 'consumers', 'plugins', 'certificates', 'snis', 'ca_certificates', 'upstreams',
  'targets', 'vaults', 'keys', 'key_sets', 'keyauth_credentials', 'basicauth_credentials', 'acls'];

export function paths(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out['/'] = {
    get: {
      operationId: 'getNodeInformation', tags: ['Information'], summary: 'Get node information',
      description: 'Version, edition, enabled plugins and the (sanitised) configuration of the node.',
      responses: { 200: ok('Node information', ref('NodeInformation')), ...errors() },
    },
  };
  out['/status'] = {
    get: {
      operationId: 'getNodeStatus', tags: ['Information'], summary: 'Get node status',
      description: "Database reachability, memory and connection counters. Liveness only: readiness is `/status/ready` on the status listener.",
      parameters: [
        { name: 'unit', in: 'query', description: 'Unit of the memory figures: `b` (numbers of bytes), `k`, `m` (the default) or `g` (strings).', schema: { type: 'string', enum: ['b', 'B', 'k', 'K', 'm', 'M', 'g', 'G'] } },
        { name: 'scale', in: 'query', description: 'Digits after the decimal point of the memory figures.', schema: { type: 'integer', minimum: 0, default: 2 } },
      ],
      responses: { 200: ok('Node status', ref('NodeStatus')), ...errors('400') },
    },
  };
  out['/endpoints'] = {
    get: {
      operationId: 'listEndpoints', tags: ['Information'], summary: 'List the Admin API endpoints',
      responses: { 200: ok('Every endpoint path', obj({ data: { type: 'array', items: { type: 'string' } } }, ['data'])), ...errors() },
    },
  };
  out['/clustering/data-planes'] = {
    get: {
      operationId: 'listDataPlanes', tags: ['Clustering'], summary: 'List the data planes of this control plane',
      description: 'Data planes that connected to this control plane, with the hash of the configuration each one runs. ' +
        'A data plane pings every 30 s; `last_seen` is the last ping. Answers 400 when the node is not a control plane.',
      parameters: [param('size'), param('offset')],
      responses: { 200: ok('A page of data planes', ref('DataPlanePage')), ...errors('400') },
    },
  };
  out['/tags'] = {
    get: {
      operationId: 'listTags', tags: ['Tags'], summary: 'List every tagged entity',
      parameters: [param('size'), param('offset')],
      responses: { 200: ok('A page of (entity, tag) pairs', ref('TaggedEntityPage')), ...errors('400') },
    },
  };
  out['/tags/{tags}'] = {
    parameters: [{ name: 'tags', in: 'path', required: true, description: 'One tag.', schema: ref('Tag') }],
    get: {
      operationId: 'listEntitiesByTag', tags: ['Tags'], summary: 'List the entities that carry a tag',
      parameters: [param('size'), param('offset')],
      responses: { 200: ok('A page of (entity, tag) pairs', ref('TaggedEntityPage')), ...errors('400') },
    },
  };
  out['/plugins/enabled'] = {
    get: {
      operationId: 'listEnabledPlugins', tags: ['Plugins'], summary: 'List the plugins this node can run',
      responses: { 200: ok('Plugin names', obj({ enabled_plugins: { type: 'array', items: { type: 'string' } } }, ['enabled_plugins'])), ...errors() },
    },
  };
  const entityParam = { name: 'entity', in: 'path', required: true, description: 'An entity (DAO) name.', schema: { type: 'string', enum: SCHEMA_ENTITIES } };
  const validated = ok('The configuration is valid', obj({ message: str('`schema validation successful`') }, ['message']));
  out['/schemas/{entity}'] = {
    parameters: [entityParam],
    get: {
      operationId: 'getEntitySchema', tags: ['Schemas'], summary: "Get an entity's schema",
      responses: { 200: ok("Kong's schema of the entity", ref('KongSchema')), ...errors('404') },
    },
  };
  out['/schemas/{entity}/validate'] = {
    parameters: [entityParam],
    post: {
      operationId: 'validateEntity', tags: ['Schemas'], summary: 'Validate an entity without saving it',
      description: 'Checks the schema only: foreign keys and unique fields are not checked.',
      requestBody: { required: true, description: 'The entity, as it would be POSTed.', content: json({ type: 'object', additionalProperties: true }) },
      responses: { 200: validated, ...errors('400', '404', '415') },
    },
  };
  out['/schemas/plugins/{name}'] = {
    parameters: [{ name: 'name', in: 'path', required: true, description: 'A plugin name.', schema: { type: 'string', minLength: 1 } }],
    get: {
      operationId: 'getPluginSchema', tags: ['Schemas'], summary: "Get a plugin's schema",
      responses: { 200: ok("Kong's schema of the plugin", ref('KongSchema')), ...errors('404') },
    },
  };
  out['/schemas/plugins/validate'] = {
    post: {
      operationId: 'validatePlugin', tags: ['Schemas'], summary: 'Validate a plugin without saving it',
      requestBody: body('PluginCreate', 'The plugin, as it would be POSTed.'),
      responses: { 200: validated, ...errors('400', '415') },
    },
  };
  out['/schemas/vaults/{name}'] = {
    parameters: [{ name: 'name', in: 'path', required: true, description: 'A vault implementation name.', schema: { type: 'string', minLength: 1 } }],
    get: {
      operationId: 'getVaultSchema', tags: ['Schemas'], summary: "Get a vault implementation's schema",
      responses: { 200: ok("Kong's schema of the vault", ref('KongSchema')), ...errors('404') },
    },
  };

  for (const c of TOP_LEVEL) {
    const r = byCollection(c);
    out[`/${r.collection}`] = collection(r);
    out[`/${r.collection}/{${r.param}}`] = entity(r);
  }
  for (const n of NESTED) {
    const parent = byCollection(n.parent);
    const child = byCollection(n.child);
    out[`/${parent.collection}/{${parent.param}}/${n.segment}`] = collection(child, { parent, segment: n.field });
    out[`/${parent.collection}/{${parent.param}}/${n.segment}/{${child.param}}`] = entity(child, { parent });
  }
  for (const f of FOREIGN) {
    const child = byCollection(f.child);
    out[`/${child.collection}/{${child.param}}/${f.field}`] = foreign(child, f.field, byCollection(f.parent));
  }
  // kong/api/routes/upstreams.lua:184 at 3.9.3: every target, `/targets` showing only the newest per address
  out['/upstreams/{upstream}/targets/all'] = {
    parameters: [param('upstream')],
    get: {
      operationId: 'listAllTargetsForUpstream', tags: ['Targets'], summary: 'List every target of an upstream, ordered by id',
      description: 'The raw list, ordered by id, paged with an opaque `offset` (`/upstreams/{upstream}/targets` lists the newest target per address first, paged by position).',
      parameters: [param('size'), param('offset')],
      responses: { 200: ok('A page of targets', ref('TargetPage')), ...errors('400', '404') },
    },
  };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
