/**
 * What a DB-less node (`database = off`: every data plane) does with a
 * declarative configuration, written from Kong 3.9.3:
 *
 * - kong/db/declarative/init.lua: `unserialize` (JSON, then YAML; the hash is
 *   the MD5 of the text, :149), `parse_table` (:216-239: the on-the-fly
 *   route path migration of format 1.1 and 2.1, `flatten`, the default
 *   workspace, the hash of a table);
 * - kong/db/schema/others/declarative_config.lua: the schema of the document
 *   (top-level lists per entity, foreign keys by string at the top, nested
 *   records whose reference to their parent must be null, `_comment` and
 *   `_ignore` everywhere), the second validation pass with foreign keys as
 *   records (:791-811), deterministic ids (:514-649), references and
 *   uniqueness (:341-504, :837-883);
 * - kong/db/declarative/import.lua: loading (`_transform`, :426 and :460;
 *   an empty configuration's hash is 32 zeros, :433) and kong/db/strategies/
 *   off/init.lua (a TTL is the time an entity expires, :56-68);
 * - kong/db/declarative/export.lua: `GET /config` (format 3.0, no
 *   transformation, foreign keys as ids).
 *
 * Errors come out as Kong builds them (kong/db/errors.lua:489): code 14, the
 * errors by entity and position in `fields`, `pl.pretty` of them in the message.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Db, Entity } from './dao';
import { pretty } from './lua';
import { MSG, Schema, clone, isUuid, type Errors, type FieldDef } from './schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** kong/constants.lua DECLARATIVE_EMPTY_CONFIG_HASH at 3.9.3. */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

/** What a parse yields: the flattened entities (name → id → entity), the `_` keys, the hash. */
export interface Flattened {
  readonly entities: Map<string, Map<string, Entity>>;
  readonly meta: Record<string, Json>;
  readonly hash: string;
}

/** An error table of kong/db/errors.lua (`err_t`): by field, entity and position. */
export type DeclarativeErrors = Record<string, Json>;

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isSequence = (v: unknown): v is Json[] => Array.isArray(v) || (isObject(v) && Object.keys(v).length === 0);

/** init.lua:117 unserialize: JSON first, then YAML (no file name: both are tried). */
export function unserialize(contents: string): { table: Record<string, Json>; hash: string } | { error: string } {
  let table: unknown;
  let err: string | undefined;
  try {
    table = JSON.parse(contents);
  } catch {
    table = undefined;
  }
  if (!isObject(table)) {
    try {
      table = parseYaml(contents);
      if (!isObject(table)) {
        err = 'expected an object';
        table = undefined;
      }
    } catch (e) {
      err = (e as Error).message.split('\n')[0];
      table = undefined;
    }
  }
  if (!isObject(table)) return { error: `failed parsing declarative configuration${err ? `: ${err}` : ''}` };
  return { table, hash: md5(contents) };
}

/** kong/db/errors.lua:489 declarative_config: code 14. */
export function declarativeError(errT: DeclarativeErrors): Entity {
  return { code: 14, name: 'invalid declarative configuration', message: `declarative config is invalid: ${pretty(errT, '')}`, fields: errT };
}

/** UUID v5 (RFC 4122, SHA-1), as resty.jit-uuid's factory_v5 makes them. */
function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.concat([Buffer.from(namespace.replace(/-/g, ''), 'hex'), Buffer.from(name, 'utf8')])).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** declarative_config.lua:544-556: a v5 UUID in the entity's namespace, itself a v5 UUID of `_entities`. */
const ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';
const generateUuid = (entity: string, name: string) => uuidV5(uuidV5(ENTITIES_NAMESPACE, entity), name);

/** Meta fields of the document (declarative_config.lua:252-260). */
const TOP_FIELDS: ReadonlyArray<readonly [string, FieldDef]> = [
  ['_format_version', { type: 'string', required: true, one_of: ['1.1', '2.1', '3.0'] }],
  ['_transform', { type: 'boolean' }],
  ['_comment', { type: 'string' }],
  ['_ignore', { type: 'array', elements: { type: 'any' } }],
];
const EXTRA_FIELDS: ReadonlyArray<readonly [string, FieldDef]> = [
  ['_comment', { type: 'string' }],
  ['_ignore', { type: 'array', elements: { type: 'any' } }],
];

type Mode = 'first' | 'full';

/**
 * The declarative schema of one node's entities: which families exist, in
 * topological order, which nest in which, and the record schema of each.
 */
class DeclarativeSchema {
  /** Entity names, referenced ones first (schema_topological_sort). */
  readonly known: string[];
  /** Parent → children that nest in it, with the child's field that references the parent. */
  readonly children = new Map<string, Array<{ child: string; field: string }>>();
  /** Child → its foreign fields and what they reference. */
  readonly foreign = new Map<string, Map<string, string>>();
  private readonly records = new Map<string, Schema>();

  constructor(private readonly db: Db) {
    const names = [...db.defs.keys()];
    for (const name of names) {
      const refs = new Map<string, string>();
      for (const [field, f] of db.defs.get(name)!.fields) {
        if (f.type !== 'foreign') continue;
        refs.set(field, f.reference!);
        const list = this.children.get(f.reference!) ?? [];
        list.push({ child: name, field });
        this.children.set(f.reference!, list);
      }
      this.foreign.set(name, refs);
    }
    // Referenced entities first; ties keep the DAO order.
    const placed: string[] = [];
    while (placed.length < names.length) {
      const next = names.find((n) => !placed.includes(n) && [...this.foreign.get(n)!.values()].every((r) => r === n || placed.includes(r)));
      placed.push(next ?? names.find((n) => !placed.includes(n))!);
    }
    this.known = placed;
  }

  /** The entity's schema as a record of the document: in `first` mode foreign keys are strings at the top, null when nested. */
  record(name: string, mode: Mode, nested: boolean): Schema {
    const key = `${name}:${mode}:${nested}`;
    let schema = this.records.get(key);
    if (!schema) {
      const entity = this.db.schemas.get(name)!;
      // A transient field named like a nested family (certificates' `snis`) is replaced by the nested records (:206, :380).
      const nestedNames = new Set(this.nestable(name).map((c) => c.child));
      const fields = entity.def.fields.filter(([k]) => !nestedNames.has(k)).map(([k, f]): [string, FieldDef] => {
        if (f.type !== 'foreign' || mode === 'full') return [k, f];
        // copy_record (:161): a nested record's references are null; reference_foreign_by_name (:227): strings at the top
        return nested ? [k, { ...f, eq: null, default: null, required: false }] : [k, { type: 'string', required: f.required, ...(f.default !== undefined ? { default: f.default } : {}) }];
      });
      schema = new Schema({ ...entity.def, fields: [...fields, ...EXTRA_FIELDS] }, false);
      for (const [sub, s] of entity.subschemas) schema.subschemas.set(sub, s);
      this.records.set(key, schema);
    }
    return schema;
  }

  /** The children of `parent` that may nest in a record of it (not a field of the same name, unless transient: :380). */
  nestable(parent: string): Array<{ child: string; field: string }> {
    const own = this.db.schemas.get(parent)!.fields;
    return (this.children.get(parent) ?? []).filter((c) => !own.has(c.child) || own.get(c.child)!.transient === true);
  }
}

const SCHEMAS = new WeakMap<Db, DeclarativeSchema>();
const schemaOf = (db: Db) => {
  let s = SCHEMAS.get(db);
  if (!s) {
    s = new DeclarativeSchema(db);
    SCHEMAS.set(db, s);
  }
  return s;
};

/** The validation of the whole document (`self:validate(input)`), errors by field and position. */
function validateDocument(ds: DeclarativeSchema, input: Record<string, Json>, mode: Mode): Errors | undefined {
  const top = new Schema({ fields: TOP_FIELDS }, false);
  const errors: Errors = {};
  for (const [name, field] of TOP_FIELDS) {
    const value = input[name];
    if (value === undefined) {
      if (field.required) errors[name] = MSG.REQUIRED;
      continue;
    }
    const e = top.validateField(field, value);
    if (e !== undefined) errors[name] = e;
  }
  for (const [name, value] of Object.entries(input)) {
    if (TOP_FIELDS.some(([k]) => k === name) || value === undefined) continue;
    if (!ds.known.includes(name)) {
      errors[name] = MSG.UNKNOWN;
      continue;
    }
    const e = validateList(ds, name, value, mode, false);
    if (e !== undefined) errors[name] = e;
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

function validateList(ds: DeclarativeSchema, name: string, value: Json, mode: Mode, nested: boolean): Json {
  if (value === null) return undefined;
  if (!isSequence(value)) return MSG.ARRAY;
  const errs: Json[] = [];
  let bad = false;
  (Array.isArray(value) ? value : []).forEach((item, i) => {
    const e = validateRecord(ds, name, item, mode, nested);
    if (e !== undefined) {
      errs[i] = e;
      bad = true;
    }
  });
  return bad ? errs : undefined;
}

/** One record: the entity's fields and checks (after its defaults, as Kong validates a record), then its nested children. */
function validateRecord(ds: DeclarativeSchema, name: string, value: Json, mode: Mode, nested: boolean): Json {
  if (!isObject(value)) return MSG.RECORD;
  const item: Record<string, Json> = { ...value };
  const childErrors: Errors = {};
  for (const { child } of ds.nestable(name)) {
    if (!(child in item)) continue;
    const list = item[child];
    delete item[child];
    const e = validateList(ds, child, list, mode, true);
    if (e !== undefined) childErrors[child] = e;
  }
  const schema = ds.record(name, mode, nested);
  const processed = schema.processAutoFields(item, 'insert');
  const errors: Errors = 'errors' in processed ? processed.errors : schema.validate(processed.data) ?? {};
  Object.assign(errors, childErrors);
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** declarative_config.lua:723 extract_null_errors: the `value must be null` messages only. */
function extractNullErrors(err: Json): Json {
  if (typeof err === 'string') return err === fmtNull ? err : undefined;
  if (err === null || typeof err !== 'object') return undefined;
  const out: Json = Array.isArray(err) ? [] : {};
  let any = false;
  for (const [k, v] of Object.entries(err)) {
    const r = extractNullErrors(v);
    if (r !== undefined) {
      out[k] = r;
      any = true;
    }
  }
  return any ? out : undefined;
}
const fmtNull = 'value must be null';

/** kong/tools/table.lua cycle_aware_deep_merge: `b` over `a`, tables merged. */
function deepMerge(a: Json, b: Json): Json {
  if (!b || typeof b !== 'object') return a;
  const out: Json = Array.isArray(a) ? [...a] : { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && out[k] && typeof out[k] === 'object' ? deepMerge(out[k], v) : v;
  return out;
}

/** The primary key of an item as a string (`pk_string`, :48): every entity here has `id`. */
const pkString = (item: Record<string, Json>) => String(item.id);

/** build_cache_key (:514): a cache-key-like name for a deterministic id, or undefined. */
function buildCacheKey(db: Db, entity: string, item: Record<string, Json>, parentFk: Record<string, Json> | undefined, childKey: string | undefined): string | undefined {
  const schema = db.schemas.get(entity)!;
  const parts = [entity, '*'];
  for (const k of schema.def.cache_key ?? []) {
    const f = schema.fields.get(k)!;
    const v = item[k];
    if (f.auto) return undefined;
    if (typeof v === 'string') parts.push(v);
    else if (v === undefined) {
      if (k === childKey) {
        if (parentFk && typeof parentFk.id === 'string' && Object.keys(parentFk).length === 1) parts.push(parentFk.id);
        else return undefined;
      } else if (f.required) return undefined;
      else parts.push('');
    }
  }
  return parts.join(':');
}

/** get_key_for_uuid_gen (:559): what a missing id is generated from, when it can be. */
function keyForUuid(db: Db, entity: string, item: Record<string, Json>, parentFk?: Record<string, Json>, childKey?: string): string | undefined {
  if (item.id !== undefined) return undefined;
  const schema = db.schemas.get(entity)!;
  if (schema.def.cache_key) return buildCacheKey(db, entity, item, parentFk, childKey);
  const endpointKey = schema.def.endpoint_key;
  if (endpointKey && item[endpointKey] !== undefined && item[endpointKey] !== null) {
    let key = String(item[endpointKey]);
    if (!schema.fields.get(endpointKey)!.unique) {
      for (const [fname, f] of schema.eachField(item)) {
        if (f.type === 'foreign' && f.on_delete === 'cascade') key += `:${parentFk ? parentFk.id : item[fname]}`;
      }
      key += ':*';
    }
    return key;
  }
  return undefined;
}

/**
 * The entity lists of a declarative `container` (the document, or a nested
 * entity of type `parent`) in the schema's order, as generate_ids,
 * populate_ids_for_validation and validate_references walk them: under a
 * parent only the entities that nest there, with the parent's foreign key and
 * the child's field that holds it.
 */
function entityLists(ds: DeclarativeSchema, container: Record<string, Json>, parent?: string):
Array<{ entity: string; list: Json[]; parentFk?: Record<string, Json>; childKey?: string }> {
  const lists: Array<{ entity: string; list: Json[]; parentFk?: Record<string, Json>; childKey?: string }> = [];
  for (const entity of ds.known) {
    const list = container[entity];
    if (!Array.isArray(list)) continue;
    if (!parent) {
      lists.push({ entity, list });
      continue;
    }
    const nesting = ds.nestable(parent).find((c) => c.child === entity);
    if (nesting) lists.push({ entity, list, parentFk: { id: container.id }, childKey: nesting.field });
  }
  return lists;
}

/** generate_ids (:617): deterministic ids where they can be made, parents before children. */
function generateIds(ds: DeclarativeSchema, db: Db, input: Record<string, Json>, parent?: string): void {
  for (const { entity, list, parentFk, childKey } of entityLists(ds, input, parent)) {
    list.forEach((item: Json, i: number) => {
      if (!isObject(item)) return;
      const key = keyForUuid(db, entity, item, parentFk, childKey);
      if (key !== undefined) list[i] = item = { ...item, id: generateUuid(entity, key) };
      generateIds(ds, db, item, entity);
    });
  }
}

/** populate_ids_for_validation (:652): ids, parents' keys, and string references resolved, for the second pass. */
function populateIdsForValidation(ds: DeclarativeSchema, db: Db, input: Record<string, Json>, parent?: string, byId = new Map<string, Map<string, Json>>(), byKey = new Map<string, Map<string, Json>>()): void {
  for (const { entity, list, parentFk, childKey } of entityLists(ds, input, parent)) {
    const schema = db.schemas.get(entity)!;
    for (const item of list) {
      if (!isObject(item)) continue;
      if (item.id === undefined) {
        const key = keyForUuid(db, entity, item, parentFk, childKey);
        item.id = key !== undefined ? generateUuid(entity, key) : crypto.randomUUID();
      }
      populateIdsForValidation(ds, db, item, entity, byId, byKey);
      if (!byId.has(entity)) byId.set(entity, new Map());
      byId.get(entity)!.set(pkString(item), item);
      const ek = schema.def.endpoint_key;
      if (ek && item[ek] !== undefined && item[ek] !== null) {
        if (!byKey.has(entity)) byKey.set(entity, new Map());
        if (!byKey.get(entity)!.has(String(item[ek]))) byKey.get(entity)!.set(String(item[ek]), item);
      }
      if (parentFk && item[childKey!] === undefined) item[childKey!] = clone(parentFk);
    }
  }
  if (parent) return;
  for (const [entity, entries] of byId) {
    const refs = ds.foreign.get(entity)!;
    for (const entry of entries.values()) {
      for (const [name, ref] of refs) {
        if (typeof entry[name] !== 'string') continue;
        const found = byKey.get(ref)?.get(entry[name]) ?? byId.get(ref)?.get(entry[name]);
        if (found) entry[name] = { id: found.id };
      }
    }
  }
}

/** process_auto_fields of the document: every record's defaults and auto fields, children included. */
function processDocument(ds: DeclarativeSchema, input: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = { ...input };
  if (out._transform === undefined) out._transform = true;
  for (const entity of ds.known) if (Array.isArray(out[entity])) out[entity] = out[entity].map((item: Json) => processRecord(ds, entity, item, false));
  return out;
}

function processRecord(ds: DeclarativeSchema, entity: string, item: Record<string, Json>, nested: boolean): Record<string, Json> {
  const copy: Record<string, Json> = { ...item };
  const kids: Record<string, Json> = {};
  for (const { child } of ds.nestable(entity)) {
    if (!(child in copy)) continue;
    kids[child] = Array.isArray(copy[child]) ? copy[child].map((c: Json) => processRecord(ds, child, c, true)) : copy[child];
    delete copy[child];
  }
  const r = ds.record(entity, 'first', nested).processAutoFields(copy, 'insert');
  return { ...('data' in r ? r.data : copy), ...kids };
}

interface Expected {
  readonly key: string;
  readonly value: Json;
  readonly at: string | number;
}

/**
 * validate_references (:467) with populate_references (:365): every item by
 * id and by endpoint key, duplicates refused, nested children given their
 * parent's key, every reference found.
 */
function validateReferences(ds: DeclarativeSchema, db: Db, input: Record<string, Json>):
{ byId: Map<string, Map<string, Json>>; byKey: Map<string, Map<string, Json>> } | { errors: DeclarativeErrors } {
  const byId = new Map<string, Map<string, Json>>();
  const byKey = new Map<string, Map<string, Json>>();
  const expected = new Map<string, Map<string, Expected[]>>();
  const errs: DeclarativeErrors = {};
  const populate = (container: Record<string, Json>, parent?: string, parentIdx?: number) => {
    for (const { entity, list, parentFk, childKey } of entityLists(ds, container, parent)) {
      const schema = db.schemas.get(entity)!;
      const ek = schema.def.endpoint_key;
      const useKey = ek !== undefined && schema.fields.get(ek)!.unique === true;
      list.forEach((item: Record<string, Json>, i: number) => {
        populate(item, entity, i);
        const itemId = pkString(item);
        const key = useKey ? item[ek!] : undefined;
        let failed = false;
        if (key !== undefined && key !== null) {
          const keys = byKey.get(entity) ?? new Map<string, Json>();
          byKey.set(entity, keys);
          if (keys.has(String(key))) {
            (errs[entity] ??= [])[i] = uniqueness(entity, ek!, key);
            failed = true;
          } else {
            keys.set(String(key), item);
          }
        }
        const ids = byId.get(entity) ?? new Map<string, Json>();
        byId.set(entity, ids);
        if (!failed && ids.has(itemId)) {
          let target: Json;
          if (parent !== undefined && parentIdx !== undefined) {
            const parentErrs = (errs[parent] ??= []);
            parentErrs[parentIdx] ??= {};
            target = (parentErrs[parentIdx][entity] ??= []);
          } else {
            target = (errs[entity] ??= []);
          }
          target[i] = uniqueness(entity, 'primary key', itemId);
        } else if (!ids.has(itemId)) {
          ids.set(itemId, item);
        }
        const refs = ds.foreign.get(entity)!;
        for (const [k, v] of Object.entries(item)) {
          const ref = refs.get(k);
          if (!ref || v === null || v === undefined) continue;
          const byRef = expected.get(entity) ?? new Map<string, Expected[]>();
          expected.set(entity, byRef);
          const list2 = byRef.get(ref) ?? [];
          list2.push({ key: k, value: v, at: key ?? itemId ?? i + 1 });
          byRef.set(ref, list2);
        }
        if (parentFk) item[childKey!] = clone(parentFk);
      });
    }
  };
  populate(input);
  for (const [a, byRef] of expected) {
    for (const [b, list] of byRef) {
      for (const k of list) {
        const key = k.value !== null && typeof k.value === 'object' ? k.value.id ?? k.value : k.value;
        const found = typeof key === 'string' ? (byKey.get(b)?.get(key) ?? byId.get(b)?.get(key)) : undefined;
        if (found) continue;
        const shown = typeof k.value === 'string' ? k.value : JSON.stringify(k.value);
        errs[a] = keyed(errs[a]);
        ((errs[a][k.at] ??= []) as string[]).push(`invalid reference '${k.key}: ${shown}' (no such entry in '${b}')`);
      }
    }
  }
  if (Object.keys(errs).length > 0) return { errors: errs };
  return { byId, byKey };
}

/**
 * A Lua table that gets keys besides its positions: cjson then writes an
 * object, the positions as (1-based) string keys.
 */
function keyed(t: Json): Record<string, Json> {
  if (!Array.isArray(t)) return t ?? {};
  const out: Record<string, Json> = {};
  t.forEach((v, i) => {
    if (v !== undefined) out[String(i + 1)] = v;
  });
  return out;
}

/** :359 uniqueness_error_msg. */
const uniqueness = (entity: string, key: string, value: Json) => `uniqueness violation: '${entity}' entity with ${key} set to '${value}' already declared`;

/** flatten (:782): validate (twice if needed), ids, defaults, references, then one flat table per entity. */
function flatten(db: Db, input: Record<string, Json>): { entities: Map<string, Map<string, Entity>>; meta: Record<string, Json> } | { errors: DeclarativeErrors } {
  const ds = schemaOf(db);
  if (input._transform === undefined) input._transform = true;
  const err = validateDocument(ds, input, 'first');
  if (err) {
    // The first pass takes references as strings; `{ id }` records pass the second, where references are records.
    const copy = clone(input);
    populateIdsForValidation(ds, db, copy);
    const err2 = validateDocument(ds, copy, 'full');
    if (err2) return { errors: deepMerge(err2, extractNullErrors(err) ?? {}) };
  }
  generateIds(ds, db, input);
  const processed = processDocument(ds, input);
  const refs = validateReferences(ds, db, processed);
  if ('errors' in refs) return { errors: refs.errors };

  const meta: Record<string, Json> = {};
  for (const [k, v] of Object.entries(processed)) if (k.startsWith('_')) meta[k] = v;

  const entities = new Map<string, Map<string, Entity>>();
  let errs: DeclarativeErrors | undefined;
  for (const entity of ds.known) {
    const entries = refs.byId.get(entity);
    if (!entries) continue;
    const schema = db.schemas.get(entity)!;
    const refsOf = ds.foreign.get(entity)!;
    const uniques = new Map<string, Set<string>>();
    const flat = new Map<string, Entity>();
    for (const [id, entry] of entries) {
      const out: Entity = {};
      for (const [name, field] of schema.eachField(entry)) {
        const value = entry[name];
        const ref = refsOf.get(name);
        if (ref && typeof value === 'string') {
          const found = refs.byKey.get(ref)?.get(value) ?? refs.byId.get(ref)?.get(value);
          if (found) out[name] = { id: found.id };
        } else if (value !== undefined) {
          out[name] = value;
        }
        if (field.unique && out[name] !== undefined && out[name] !== null) {
          const uniqueKey = `*:${typeof out[name] === 'object' ? out[name].id : out[name]}`;
          const seen = uniques.get(name) ?? new Set<string>();
          uniques.set(name, seen);
          if (seen.has(uniqueKey)) {
            // :866 resets the entity's errors (`errors[entity]` is the Errors module's, always nil): the last one stays
            errs ??= {};
            errs[entity] = {};
            const ek = schema.def.endpoint_key;
            errs[entity][ek && out[ek] !== undefined && out[ek] !== null ? out[ek] : id] = uniqueness(entity, name, out[name]);
          } else {
            seen.add(uniqueKey);
          }
        }
      }
      if (schema.def.ttl && entry.ttl !== undefined && entry.ttl !== null) out.ttl = entry.ttl;
      flat.set(id, out);
    }
    entities.set(entity, flat);
  }
  if (errs) return { errors: errs };
  return { entities, meta };
}

/** The route path migration of format 1.1 and 2.1 documents (kong/db/declarative/migrations/route_path.lua, kong/db/migrations/migrate_path_280_300.lua). */
function migrateRoutePaths(input: Record<string, Json>): void {
  if (input._format_version !== '1.1' && input._format_version !== '2.1') return;
  const migrate = (path: Json) => {
    if (typeof path !== 'string') return path;
    // is_not_regex: only these characters, from the start
    if (/^[a-zA-Z0-9.\-_~/%]*$/.test(path)) return path;
    return `~${path.replace(/%([\dA-Fa-f]{2})/g, (m, hex: string) => {
      const n = parseInt(hex, 16);
      if ('!#$%&\'()*+,/:;=?@[]'.includes(String.fromCharCode(n))) return m.toUpperCase();
      const meta: Record<number, string> = { 0x2e: '\\.', 0x5e: '\\^', 0x2d: '\\-', 0x7b: '\\{', 0x7d: '\\}', 0x5c: '\\\\', 0x7c: '\\|' };
      return meta[n] ?? String.fromCharCode(n);
    })}`;
  };
  const routes = (list: Json) => {
    if (!Array.isArray(list)) return;
    for (const route of list) if (isObject(route) && Array.isArray(route.paths)) route.paths = route.paths.map(migrate);
  };
  routes(input.routes);
  if (Array.isArray(input.services)) for (const s of input.services) if (isObject(s)) routes(s.routes);
}

/**
 * parse_table (init.lua:226): the document, validated and flattened, with its
 * hash (the text's when given, else the MD5 of the flattened table).
 */
export function parseTable(db: Db, table: Record<string, Json>, hash?: string): Flattened | { errors: DeclarativeErrors } {
  const input = clone(table);
  migrateRoutePaths(input);
  const flat = flatten(db, input);
  if ('errors' in flat) return flat;
  const plain = Object.fromEntries([...flat.entities].map(([k, v]) => [k, Object.fromEntries(v)]));
  return { ...flat, hash: hash ?? md5(JSON.stringify([plain, flat.meta])) };
}

/** The flattened entities as the 201 answer shows them (`sanitize_output`: no workspaces, no `ws_id`). */
export function entitiesAnswer(flat: Flattened): Record<string, Record<string, Entity>> {
  return Object.fromEntries([...flat.entities].map(([k, v]) => [k, Object.fromEntries(v)]));
}

/**
 * import.lua:424 load_into_cache: the node's store becomes exactly these
 * entities (transformed unless `_transform` is false); an empty
 * configuration's hash is 32 zeros. Returns the hash now current.
 */
export function loadIntoStore(db: Db, flat: Flattened, transform: (entity: string, row: Entity) => Entity): string {
  db.clear();
  const shouldTransform = flat.meta._transform === undefined ? true : flat.meta._transform !== false;
  let any = false;
  for (const [entity, rows] of flat.entities) {
    for (const row of rows.values()) {
      any = true;
      const stored = clone(shouldTransform ? transform(entity, row) : row);
      const ttl = stored.ttl;
      delete stored.ttl;
      for (const [name, field] of db.schemas.get(entity)!.fields) if (field.transient) delete stored[name];
      db.put(entity, stored, typeof ttl === 'number' ? ttl : undefined);
    }
  }
  return any ? flat.hash : EMPTY_CONFIG_HASH;
}

/**
 * `GET /config` (export.lua:115 with skip_ws): the loaded configuration as
 * YAML, format 3.0, no transformation, foreign keys as ids, entities in
 * topological order. A TTL is the seconds left, as the off strategy answers
 * a read (kong/db/strategies/off/init.lua:56).
 */
export function exportYaml(db: Db): string {
  const ds = schemaOf(db);
  const doc: Record<string, Json> = { _format_version: '3.0', _transform: false };
  for (const entity of ds.known) {
    const rows = db.dao(entity).all();
    if (rows.length === 0) continue;
    const refs = ds.foreign.get(entity)!;
    doc[entity] = rows.map((row) => {
      const out: Entity = { ...row };
      for (const name of refs.keys()) if (out[name] && typeof out[name] === 'object') out[name] = out[name].id;
      if (entity === 'certificates') delete out.snis;
      return out;
    });
  }
  return stringifyYaml(doc, { lineWidth: 0 });
}

/** `DeclarativeConfig:validate(input)` (the first pass only, as Kong's unit specs call it): the errors, or undefined. */
export function validateDeclarative(db: Db, input: Record<string, Json>): Errors | undefined {
  return validateDocument(schemaOf(db), input, 'first');
}

/** `DeclarativeConfig:flatten(input)`: the flat entities and meta, or the errors. */
export function flattenDeclarative(db: Db, input: Record<string, Json>): ReturnType<typeof flatten> {
  return db.withClock(() => flatten(db, clone(input)));
}

export { isUuid };
