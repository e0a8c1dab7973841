/**
 * Kong's DAO over an in-memory store, written from kong/db/dao/init.lua and
 * the custom DAOs (certificates, snis, targets, ca_certificates, plugins) at
 * 3.9.3: insert / update / upsert / delete by primary key or endpoint key,
 * foreign keys resolved by unique fields, unique and foreign-key constraints
 * as the PostgreSQL strategy reports them, cascades, pages ordered by id
 * with an opaque offset, tag filters, and TTLs (key-auth credentials).
 */
import { createHash } from 'node:crypto';
import { certDigest, collectionOf, schemasFor, type EntityDef } from './entities';
import { formatHost, normalizeIp } from './ip';
import { pretty } from './lua';
import { MSG, Schema, clone, isUuid, schemaViolationMessage, type Errors } from './schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Entity = Record<string, Json>;

/** kong/db/errors.lua:36 at 3.9.3. */
export const CODES = {
  INVALID_PRIMARY_KEY: 1, SCHEMA_VIOLATION: 2, PRIMARY_KEY_VIOLATION: 3, FOREIGN_KEY_VIOLATION: 4, UNIQUE_VIOLATION: 5, NOT_FOUND: 6,
  INVALID_OFFSET: 7, DATABASE_ERROR: 8, INVALID_SIZE: 9, INVALID_UNIQUE: 10, INVALID_OPTIONS: 11, OPERATION_UNSUPPORTED: 12,
  FOREIGN_KEYS_UNRESOLVED: 13, REFERENCED_BY_OTHERS: 19,
} as const;

const NAMES: Record<number, string> = {
  1: 'invalid primary key', 2: 'schema violation', 3: 'primary key violation', 4: 'foreign key violation', 5: 'unique constraint violation',
  6: 'not found', 7: 'invalid offset', 8: 'database error', 9: 'invalid size', 11: 'invalid options', 12: 'operation unsupported',
  13: 'foreign keys unresolved', 19: 'referenced by others',
};

/** kong/api/endpoints.lua:25 ERRORS_HTTP_CODES at 3.9.3. */
const HTTP_STATUS: Record<number, number> = { 1: 400, 2: 400, 3: 400, 4: 400, 5: 409, 6: 404, 7: 400, 8: 500, 9: 400, 10: 400, 11: 400, 12: 405, 13: 400, 19: 400 };

/** An `err_t` of kong/db/errors.lua. */
export interface ErrT {
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly fields?: Json;
  readonly options?: Json;
}

/** A DAO error, answered by kong/api/endpoints.lua:117 handle_error. */
export class KongDbError extends Error {
  constructor(readonly err: ErrT) {
    super(err.message);
  }

  get status(): number {
    return HTTP_STATUS[this.err.code] ?? 500;
  }
}

const err = (code: number, message: string, extra: { fields?: Json; options?: Json; name?: string } = {}) =>
  new KongDbError({ code, name: extra.name ?? NAMES[code], message, ...(extra.fields !== undefined ? { fields: extra.fields } : {}), ...(extra.options !== undefined ? { options: extra.options } : {}) });

/** kong/db/errors.lua at 3.9.3, the constructors the DAO uses. */
export const E = {
  schemaViolation: (errors: Errors) => err(CODES.SCHEMA_VIOLATION, schemaViolationMessage(errors), { fields: errors }),
  invalidPrimaryKey: (pk: Json) => err(CODES.INVALID_PRIMARY_KEY, `invalid primary key: '${pretty(pk, '')}'`, { fields: pk }),
  primaryKeyViolation: (pk: Json) => err(CODES.PRIMARY_KEY_VIOLATION, `primary key violation on key '${pretty(pk, '')}'`, { fields: pk }),
  foreignKeyInvalidReference: (fk: Json, field: string, parent: string) =>
    err(CODES.FOREIGN_KEY_VIOLATION, `the foreign key '${pretty(fk, '')}' does not reference an existing '${parent}' entity.`, { fields: { [field]: fk } }),
  foreignKeyRestricted: (parent: string, child: string) =>
    err(CODES.FOREIGN_KEY_VIOLATION, `an existing '${child}' entity references this '${parent}' entity`, { fields: { '@referenced_by': child } }),
  /** errors.lua:319: `{ field = { key = { name, value, parent } } }`. */
  foreignKeysUnresolved: (errors: Record<string, Record<string, { name: string; value: Json; parent: string }>>) => {
    const buf: string[] = [];
    const fields: Record<string, Record<string, string>> = {};
    for (const f of Object.keys(errors).sort()) {
      fields[f] = {};
      for (const k of Object.keys(errors[f]).sort()) {
        const v = errors[f][k];
        const message = `the foreign key cannot be resolved with '${pretty({ [v.name]: v.value }, '')}' for an existing '${v.parent}' entity`;
        fields[f][k] = message;
        buf.push(`${f}.${k}: ${message}`);
      }
    }
    const message = buf.length === 1 ? `foreign key unresolved (${buf[0]})` : `${buf.length} foreign keys unresolved (${buf.join('; ')})`;
    return err(CODES.FOREIGN_KEYS_UNRESOLVED, message, { fields });
  },
  uniqueViolation: (key: Json) => err(CODES.UNIQUE_VIOLATION, `UNIQUE violation detected on '${pretty(key, '').replace(/"userdata: NULL"/g, 'null')}'`, { fields: key }),
  notFound: (pk: Json) => err(CODES.NOT_FOUND, `could not find the entity with primary key '${pretty(pk, '')}'`, { fields: pk }),
  notFoundByField: (filter: Json) => err(CODES.NOT_FOUND, `could not find the entity with '${pretty(filter, '')}'`, { fields: filter }),
  invalidOffset: (offset: string, why: string) => err(CODES.INVALID_OFFSET, `'${offset}' is not a valid offset: ${why}`),
  invalidSize: (message: string) => err(CODES.INVALID_SIZE, message),
  invalidUnique: (name: string, message: string) => err(CODES.INVALID_UNIQUE, message, { name: `invalid unique ${name}` }),
  /** errors.lua:443. */
  invalidOptions: (errors: Record<string, string>) => {
    const buf = Object.keys(errors).sort().map((k) => `${k}: ${errors[k]}`);
    const message = buf.length === 1 ? `invalid option (${buf[0]})` : `${buf.length} option violations (${buf.join('; ')})`;
    return err(CODES.INVALID_OPTIONS, message, { options: errors });
  },
  referencedByOthers: (message: string) => err(CODES.REFERENCED_BY_OTHERS, message),
  /** errors.lua:481, as kong/db/strategies/off/init.lua:374-392 raises it for every write of a DB-less node. */
  operationUnsupported: (message: string) => err(CODES.OPERATION_UNSUPPORTED, message),
};

/** A stored row: the entity as Kong keeps it, foreign keys as `{ id }`. */
interface Row {
  readonly entity: Entity;
  /** Unix seconds after which a TTL entity is gone. */
  readonly expiresAt?: number;
}

/** Options of writes and pages (kong/api/endpoints.lua:140 extract_options). */
export interface DaoOptions {
  readonly ttl?: number;
  readonly tags?: string[] | string;
  readonly tagsCond?: 'and' | 'or';
}

/** kong/constants.lua DATABASE.DAO_MAX_TTL at 3.9.3. */
const DAO_MAX_TTL = 100000000;

/** PostgreSQL's page offset: the id of the last row, encoded (kong/db/strategies/postgres). */
export const encodeOffset = (key: string) => Buffer.from(JSON.stringify([key])).toString('base64');
export function decodeOffset(offset: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(offset) || offset.length % 4 !== 0) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(offset, 'base64').toString('utf8'));
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

/** kong/db/dao/targets.lua:31 format_target. */
export function formatTarget(target: string): string | undefined {
  const p = normalizeIp(target);
  return 'error' in p ? undefined : formatHost(p, 8000);
}

/** One node's database. */
export class Db {
  readonly schemas: ReadonlyMap<string, Schema>;
  readonly defs = new Map<string, EntityDef>();
  private readonly tables = new Map<string, Map<string, Row>>();

  constructor(readonly options: { readonly now: () => number; readonly controlPlane: boolean; readonly dbless?: boolean }) {
    // A DB-less node refuses rate-limiting's `cluster` policy as a control plane does (kong/plugins/rate-limiting/schema.lua:45).
    this.schemas = schemasFor(options.controlPlane || options.dbless === true);
    for (const s of this.schemas.values()) {
      this.defs.set(s.name, s.def as EntityDef);
      this.tables.set(s.name, new Map());
    }
  }

  dao(name: string): Dao {
    if (!this.tables.has(name)) throw new Error(`emulator: no DAO ${name}`);
    return new Dao(this, name);
  }

  /** The DAO of a collection (`key-auths`, `services`, …). */
  daoOfCollection(collection: string): Dao | undefined {
    const def = [...this.defs.values()].find((d) => collectionOf(d) === collection);
    return def ? this.dao(def.name) : undefined;
  }

  clear(): void {
    for (const t of this.tables.values()) t.clear();
  }

  /** Rows of a table, live (TTL not passed), ordered by id. */
  rows(name: string): Entity[] {
    return this.live(name).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Rows of a table, live (TTL not passed), in no particular order: for checks
   * that look at every row, where sorting the table on each write made seeding
   * thousands of entities quadratic.
   */
  live(name: string): Entity[] {
    const now = this.options.now();
    const t = this.tables.get(name)!;
    const entities: Entity[] = [];
    for (const [id, r] of t) {
      if (r.expiresAt !== undefined && r.expiresAt <= now) t.delete(id);
      else entities.push(r.entity);
    }
    return entities;
  }

  rowOf(name: string, id: string): Row | undefined {
    const r = this.tables.get(name)!.get(id);
    if (r?.expiresAt !== undefined && r.expiresAt <= this.options.now()) {
      this.tables.get(name)!.delete(id);
      return undefined;
    }
    return r;
  }

  put(name: string, entity: Entity, expiresAt?: number): void {
    this.tables.get(name)!.set(entity.id, { entity, ...(expiresAt !== undefined ? { expiresAt } : {}) });
  }

  remove(name: string, id: string): void {
    this.tables.get(name)!.delete(id);
  }

  /**
   * A DB-less node's strategy writes nothing: every insert, update, upsert
   * and delete the DAO gets that far with is refused, after the DAO's own
   * checks (kong/db/strategies/off/init.lua:374-392 at 3.9.3).
   */
  refuseWrite(name: string, operation: 'create' | 'update' | 'create or update' | 'remove', byField?: string): void {
    if (!this.options.dbless) return;
    throw E.operationUnsupported(byField
      ? `cannot ${operation} '${name}' entities by '${byField}' when not using a database`
      : `cannot ${operation} '${name}' entities when not using a database`);
  }

  /** Runs `fn` with this node's clock on the schemas' auto timestamps. */
  withClock<T>(fn: () => T): T {
    const before = Schema.now;
    Schema.now = this.options.now;
    try {
      return fn();
    } finally {
      Schema.now = before;
    }
  }
}

/** A DAO: kong/db/dao/init.lua at 3.9.3, with the custom DAOs' overrides. */
export class Dao {
  readonly schema: Schema;
  readonly def: EntityDef;

  constructor(readonly db: Db, readonly name: string) {
    this.schema = db.schemas.get(name)!;
    this.def = db.defs.get(name)!;
  }

  private get now(): number {
    return this.db.options.now();
  }

  // --- reads -------------------------------------------------------------

  /** dao/init.lua:999 select: the entity, `undefined` when none, 400 on a bad primary key. */
  select(pk: Json): Entity | undefined {
    const key = { id: pk?.id };
    const errors = this.schema.validatePrimaryKey(key);
    if (errors) throw E.invalidPrimaryKey(errors);
    const row = this.db.rowOf(this.name, key.id);
    return row ? this.toEntity(row.entity, row.expiresAt) : undefined;
  }

  /** dao/init.lua:349 validate_unique_row_method + select_by_<field>. */
  selectBy(field: string, value: Json): Entity | undefined {
    this.validateUnique(field, value);
    const found = this.db.live(this.name).find((e) => JSON.stringify(e[field]) === JSON.stringify(value));
    if (!found) return undefined;
    return this.toEntity(found, this.db.rowOf(this.name, found.id)?.expiresAt);
  }

  /** The primary key (400 invalid primary key), or the unique field's value (400 invalid unique). */
  private validateKey(key: { id: string } | { field: string; value: Json }): void {
    if ('id' in key) {
      const errors = this.schema.validatePrimaryKey({ id: key.id });
      if (errors) throw E.invalidPrimaryKey(errors);
    } else {
      this.validateUnique(key.field, key.value);
    }
  }

  private validateUnique(field: string, value: Json): void {
    const def = this.schema.fields.get(field)!;
    const e = this.schema.validateField(def, value);
    if (e !== undefined) throw E.invalidUnique(field, typeof e === 'string' ? e : pretty(e));
  }

  /** Every live entity, ordered by id, as Kong answers them. */
  all(): Entity[] {
    return this.db.rows(this.name).map((e) => this.toEntity(e, this.db.rowOf(this.name, e.id)?.expiresAt));
  }

  /** dao/init.lua:1051 page, and page_for_<field> when `scope` is given. */
  page(size: number | undefined, offset: string | undefined, options: DaoOptions = {}, scope?: { field: string; id: string }): { data: Entity[]; offset?: string } {
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) throw E.invalidSize('size must be an integer between 1 and 1000');
    this.validateOptions(options, 'page');
    let items = this.all();
    if (scope) {
      items = items.filter((e) => e[scope.field]?.id === scope.id);
    } else if (options.tags !== undefined && Array.isArray(options.tags)) {
      const tags = options.tags;
      items = items.filter((e) => (options.tagsCond === 'or' ? tags.some((t) => e.tags?.includes(t)) : tags.every((t) => e.tags?.includes(t))));
    }
    return pageOf(items, (e) => e.id, size ?? 100, offset);
  }

  /** dao/init.lua:172 validate_options_value (the options the Admin API passes). */
  private validateOptions(options: DaoOptions, context: 'page' | 'write'): void {
    const errors: Record<string, string> = {};
    if (options.ttl !== undefined) {
      if (this.def.ttl !== true) errors.ttl = `cannot be used with '${this.name}'`;
      else if (!Number.isInteger(options.ttl) || options.ttl < 0 || options.ttl > DAO_MAX_TTL) errors.ttl = `must be an integer between 0 and ${DAO_MAX_TTL}`;
    }
    if (context === 'page' && options.tags !== undefined) {
      if (!Array.isArray(options.tags)) errors.tags = options.tagsCond ? 'must be a table' : 'invalid filter syntax';
      else if (options.tags.length > 5) errors.tags = 'cannot query more than 5 tags';
      // eslint-disable-next-line no-control-regex
      else if (!/^[ \u0021-\u002b\u002d\u002e\u0030-\u007e\u0080-\uffff]+$/.test(options.tags.join(''))) errors.tags = 'must only contain printable ascii (except `,` and `/`) or valid utf-8';
    }
    if (Object.keys(errors).length > 0) throw E.invalidOptions(errors);
  }

  // --- writes ------------------------------------------------------------

  /** dao/init.lua:1151 insert, through check_insert (:444). */
  insert(input: Entity, options: DaoOptions = {}): Entity {
    return this.db.withClock(() => {
      this.validateOptions(options, 'write');
      const custom = this.beforeWrite('insert', input, undefined);
      const processed = this.schema.processAutoFields(custom.input, 'insert');
      if ('errors' in processed) throw E.schemaViolation(processed.errors);
      const entity = processed.data;
      this.resolveForeign(entity);
      const errors = this.schema.validate(entity, true);
      if (errors) throw E.schemaViolation(errors);
      this.transform(entity, input);
      this.db.refuseWrite(this.name, 'create');
      if (this.db.rowOf(this.name, entity.id)) throw E.primaryKeyViolation({ id: entity.id });
      return this.store(entity, undefined, options, custom);
    });
  }

  /** dao/init.lua:1192 update and update_by_<field>, through check_update (:492). */
  update(key: { id: string } | { field: string; value: Json }, input: Entity, options: DaoOptions = {}): Entity {
    return this.db.withClock(() => {
      this.validateOptions(options, 'write');
      this.validateKey(key);
      const custom = this.beforeWrite('update', input, key);
      const processed = this.schema.processAutoFields(custom.input, 'update');
      if ('errors' in processed) throw E.schemaViolation(processed.errors);
      const rbw = 'id' in key ? this.select({ id: key.id }) : this.selectBy(key.field, key.value);
      if (!rbw) throw 'id' in key ? E.notFound({ id: key.id }) : E.notFoundByField({ [key.field]: key.value });
      const current = stripPseudo(this.name, rbw);
      const entity = this.schema.mergeValues(processed.data, current);
      this.resolveForeign(entity);
      const errors = this.schema.validate(entity, false, true);
      if (errors) throw E.schemaViolation(errors);
      this.transform(entity, input);
      this.db.refuseWrite(this.name, 'update', 'id' in key ? undefined : key.field);
      entity.id = rbw.id;
      return this.store(entity, rbw, options, custom);
    });
  }

  /** dao/init.lua:1247 upsert and upsert_by_<field>, through check_upsert (:571). */
  upsert(key: { id: string } | { field: string; value: Json }, input: Entity, options: DaoOptions = {}): Entity {
    return this.db.withClock(() => {
      this.validateOptions(options, 'write');
      this.validateKey(key);
      const custom = this.beforeWrite('upsert', input, key);
      const processed = this.schema.processAutoFields(custom.input, 'upsert');
      if ('errors' in processed) throw E.schemaViolation(processed.errors);
      const entity = processed.data;
      const rbw = 'id' in key ? this.select({ id: key.id }) : this.selectBy(key.field, key.value);
      if ('id' in key) entity.id = key.id;
      else entity[key.field] = key.value;
      this.resolveForeign(entity);
      const errors = this.schema.validate(entity, true);
      if (errors) throw E.schemaViolation(errors);
      this.transform(entity, input);
      this.db.refuseWrite(this.name, 'create or update', 'id' in key ? undefined : key.field);
      // upsert_by_<field> keeps the id of the row it replaces (the PostgreSQL strategy updates on the unique key)
      if (rbw) entity.id = rbw.id;
      return this.store(entity, rbw, options, custom);
    });
  }

  /** dao/init.lua:1305 delete and delete_by_<field>: nothing to delete is not an error. */
  delete(key: { id: string } | { field: string; value: Json }): void {
    // select and selectBy validate the key as check_delete does.
    const entity = 'id' in key ? this.select({ id: key.id }) : this.selectBy(key.field, key.value);
    if (!entity) return;
    this.db.refuseWrite(this.name, 'remove', 'id' in key ? undefined : key.field);
    this.deleteRow(entity);
  }

  // --- the pieces ----------------------------------------------------------

  /** dao/init.lua:385 resolve_foreign: `{ name = … }` references become `{ id = … }`. */
  private resolveForeign(entity: Entity): void {
    const unresolved: Record<string, Record<string, { name: string; value: Json; parent: string }>> = {};
    for (const [fieldName, field] of this.schema.eachField(entity)) {
      if (field.type !== 'foreign') continue;
      const value = entity[fieldName];
      if (value === undefined || value === null) continue;
      const foreign = this.db.dao(field.reference!);
      if (!foreign.schema.validatePrimaryKey(value, true)) continue;
      if (typeof value !== 'object') continue;
      for (const [uname, ufield] of foreign.schema.def.fields) {
        if (!ufield.unique) continue;
        const uvalue = value[uname];
        if (uvalue === undefined || uvalue === null || foreign.schema.validateField(ufield, uvalue) !== undefined) continue;
        const found = foreign.selectBy(uname, uvalue);
        if (found) {
          entity[fieldName] = { id: found.id };
          break;
        }
        (unresolved[fieldName] ??= {})[uname] = { name: uname, value: uvalue, parent: foreign.name };
      }
    }
    if (Object.keys(unresolved).length > 0) throw E.foreignKeysUnresolved(unresolved);
  }

  /** Schema transformations (ca_certificates.lua:25, basic-auth daos.lua transformations). */
  private transform(entity: Entity, input: Entity): void {
    if (this.name === 'ca_certificates' && typeof entity.cert === 'string') entity.cert_digest = certDigest(entity.cert);
    if (this.name === 'basicauth_credentials' && input.password !== undefined && entity.consumer?.id) {
      // kong/plugins/basic-auth/crypto.lua: SHA-1 of the password salted with the consumer id
      entity.password = createHash('sha1').update(`${entity.password}${entity.consumer.id}`).digest('hex');
    }
  }

  /** The custom DAOs' work before the generic one (certificates' SNI list, targets' format, plugins' protocols). */
  private beforeWrite(op: 'insert' | 'update' | 'upsert', input: Entity, key: { id: string } | { field: string; value: Json } | undefined): { input: Entity; snis?: string[] } {
    const out = clone(input);
    if (this.name === 'certificates') {
      // kong/db/dao/certificates.lua:16 parse_name_list, :57 check_list_is_new
      // the list is checked here; the `snis` field itself is validated with the certificate and never stored
      const snis = parseNameList(out.snis);
      if (snis) {
        const certId = op === 'insert' ? undefined : key && 'id' in key ? key.id : undefined;
        for (const name of snis) {
          const sni = this.db.live('snis').find((s) => s.name === name);
          if (sni && sni.certificate.id !== certId) throw E.schemaViolation({ snis: `${name} already associated with existing certificate '${sni.certificate.id}'` });
        }
      }
      return { input: out, snis };
    }
    if (this.name === 'targets' && op !== 'update' && typeof out.target === 'string') {
      // kong/db/dao/targets.lua:41
      const formatted = formatTarget(out.target);
      if (!formatted) throw E.schemaViolation({ target: 'Invalid target; not a valid hostname or ip address' });
      out.target = formatted;
    }
    if (this.name === 'plugins') this.checkProtocolsMatch(op, out, key);
    return { input: out };
  }

  /** kong/db/dao/plugins.lua:57 check_protocols_match. */
  private checkProtocolsMatch(op: string, plugin: Entity, key: { id: string } | { field: string; value: Json } | undefined): void {
    if (op === 'update') {
      if (!(plugin.protocols || plugin.service || plugin.route)) return;
      if ((plugin.protocols && !plugin.route) || (plugin.service && !plugin.protocols) || (plugin.route && !plugin.protocols)) {
        const rbw = key && 'id' in key && isUuid(key.id) ? this.db.rowOf('plugins', key.id)?.entity : undefined;
        if (rbw) {
          plugin = { ...plugin, protocols: plugin.protocols ?? rbw.protocols, service: plugin.service ?? rbw.service, route: plugin.route ?? rbw.route };
        }
      }
    }
    if (!Array.isArray(plugin.protocols)) return;
    const common = (route: Entity) => plugin.protocols.some((p: string) => route.protocols?.includes(p));
    if (plugin.route && typeof plugin.route === 'object') {
      const route = isUuid(plugin.route.id) ? this.db.rowOf('routes', plugin.route.id)?.entity : undefined;
      if (route && !common(route)) throw E.schemaViolation({ protocols: "must match the associated route's protocols" });
    } else if (plugin.service && typeof plugin.service === 'object') {
      const routes = isUuid(plugin.service.id) ? this.db.rows('routes').filter((r) => r.service?.id === plugin.service.id) : [];
      if (routes.length > 0 && !routes.some(common)) throw E.schemaViolation({ protocols: "must match the protocols of at least one route pointing to this Plugin's service" });
    }
  }

  /** The PostgreSQL strategy's write: unique and foreign-key constraints, then the row. */
  private store(entity: Entity, replaced: Entity | undefined, options: DaoOptions, custom: { snis?: string[] }): Entity {
    const id = replaced?.id ?? entity.id;
    // foreign keys are stored as their primary key
    for (const [name, field] of this.schema.eachField(entity)) {
      if (field.type === 'foreign' && entity[name] && typeof entity[name] === 'object') entity[name] = { id: entity[name].id };
    }
    this.checkUnique(entity, id);
    for (const [name, field] of this.schema.eachField(entity)) {
      if (field.type !== 'foreign' || !entity[name]) continue;
      if (!this.db.rowOf(field.reference!, entity[name].id)) throw E.foreignKeyInvalidReference({ id: entity[name].id }, name, field.reference!);
    }
    const stored = clone(entity);
    if (this.name === 'certificates') delete stored.snis;
    const ttl = options.ttl ?? undefined;
    this.db.put(this.name, stored, ttl ? this.now + ttl : undefined);
    if (this.name === 'certificates' && custom.snis) this.replaceSnis(stored.id, custom.snis);
    return this.toEntity(stored, ttl ? this.now + ttl : undefined);
  }

  /** Unique fields, then the cache key, as the PostgreSQL strategy reports them. */
  private checkUnique(entity: Entity, id: string): void {
    const others = this.db.live(this.name).filter((e) => e.id !== id);
    // Two strings are the same exactly when their JSON is: compared as they are, without
    // serializing each of the table's rows for each write (quadratic when seeding thousands).
    const same = (a: unknown, b: unknown) => (typeof a === 'string' && typeof b === 'string' ? a === b : JSON.stringify(a ?? null) === JSON.stringify(b ?? null));
    for (const [name, field] of this.def.fields) {
      if (!field.unique || entity[name] === null || entity[name] === undefined) continue;
      if (others.some((o) => same(o[name], entity[name]))) throw E.uniqueViolation({ [name]: entity[name] });
    }
    const cacheKey = this.def.cache_key;
    if (cacheKey && cacheKey.length > 1 && others.some((o) => cacheKey.every((f) => same(o[f], entity[f])))) {
      throw E.uniqueViolation(Object.fromEntries(cacheKey.map((f) => [f, entity[f] ?? null])));
    }
  }

  /** The certificate's SNI list becomes exactly `names` (certificates.lua:109 update_list). */
  private replaceSnis(certificateId: string, names: string[]): void {
    const snis = this.db.dao('snis');
    for (const sni of this.db.rows('snis')) if (sni.certificate.id === certificateId && !names.includes(sni.name)) this.db.remove('snis', sni.id);
    for (const name of names) if (!this.db.live('snis').some((s) => s.name === name)) snis.insert({ name, certificate: { id: certificateId } });
  }

  /** Restrictions (400 `@referenced_by`), then cascades, then the row (init.lua:639-686). */
  private deleteRow(entity: Entity): void {
    if (this.name === 'ca_certificates') {
      // kong/db/dao/ca_certificates.lua:40
      const user = this.db.rows('services').find((s) => s.ca_certificates?.includes(entity.id));
      if (user) throw E.referencedByOthers(`ca certificate ${entity.id} is still referenced by services (id = ${user.id})`);
    }
    for (const [childName, def] of this.db.defs) {
      for (const [fname, field] of def.fields) {
        if (field.type !== 'foreign' || field.reference !== this.name || field.on_delete === 'cascade') continue;
        // certificates delete their SNIs themselves (certificates.lua:209)
        if (this.name === 'certificates' && childName === 'snis') continue;
        if (this.db.live(childName).some((c) => c[fname]?.id === entity.id)) throw E.foreignKeyRestricted(this.name, childName);
      }
    }
    for (const [childName, def] of this.db.defs) {
      for (const [fname, field] of def.fields) {
        if (field.type !== 'foreign' || field.reference !== this.name) continue;
        if (field.on_delete !== 'cascade' && !(this.name === 'certificates' && childName === 'snis')) continue;
        for (const c of this.db.rows(childName)) if (c[fname]?.id === entity.id) this.db.dao(childName).deleteRow(c);
      }
    }
    this.db.remove(this.name, entity.id);
  }

  /** A stored row as the Admin API answers it (`nulls = true`), with `ttl` and the certificates' `snis`. */
  toEntity(row: Entity, expiresAt?: number): Entity {
    const out = clone(row);
    if (this.name === 'certificates') out.snis = this.db.rows('snis').filter((s) => s.certificate.id === row.id).map((s) => s.name).sort();
    if (this.def.ttl && expiresAt !== undefined) out.ttl = Math.max(0, Math.floor(expiresAt - this.now));
    return out;
  }
}

/** Certificates' `snis` and TTLs are not fields of the stored row. */
function stripPseudo(name: string, entity: Entity): Entity {
  const out = clone(entity);
  if (name === 'certificates') delete out.snis;
  delete out.ttl;
  return out;
}

/** kong/db/dao/certificates.lua:16 parse_name_list: sorted, duplicates refused; `null` empties it. */
function parseNameList(input: Json): string[] | undefined {
  let list: string[];
  if (Array.isArray(input)) list = [...input];
  else if (input === null) list = [];
  else return undefined;
  const seen = new Set<string>();
  for (const name of list) {
    if (seen.has(name)) throw E.schemaViolation({ snis: `${name} is duplicated` });
    seen.add(name);
  }
  return list.sort();
}

/** A page of `items` after `offset` (PostgreSQL strategy: ordered by primary key). */
export function pageOf<T>(items: T[], keyOf: (e: T) => string, size: number, offset: string | undefined): { data: T[]; offset?: string } {
  let start = 0;
  if (offset !== undefined) {
    const after = decodeOffset(offset);
    if (after === undefined) throw E.invalidOffset(offset, 'bad base64 encoding');
    start = items.findIndex((e) => keyOf(e) > after);
    if (start < 0) start = items.length;
  }
  const data = items.slice(start, start + size);
  const more = start + size < items.length;
  return { data, ...(more ? { offset: encodeOffset(keyOf(data[data.length - 1])) } : {}) };
}

export { MSG };
