/**
 * Kong's schema engine, written from kong/db/schema/init.lua at 3.9.3 for the
 * emulator: field validation (types, then validators in Kong's order), entity
 * checks, `process_auto_fields` (defaults, auto fields, shorthands, record
 * expansion, set de-duplication), `merge_values` (PATCH) and primary-key
 * checks. Errors come out as Kong builds them: a table by field name, nested
 * for records, by position for array elements, `@entity` for entity checks.
 *
 * Lua's values map to JSON as the Admin API does (cjson): `null` is
 * `ngx.null`, `undefined` is nil, arrays are sequences.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import { luaInt, luaNumber, pretty, quotedList } from './lua';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A field error: a message, a nested table (records), or messages by position (arrays, 0-based here, holes are `undefined`). */
export type FieldError = string | Errors | Array<FieldError | undefined>;
/** Errors by field name, `@entity` for entity-check messages. */
export type Errors = { [field: string]: FieldError | string[] | undefined };

/** A validator result: `undefined` when valid, else the message (`null`: no message, Kong's generic one is used). */
type Check = string | null | undefined;

/** Kong's field definition (the subset our entities use). */
export interface FieldDef {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'set' | 'map' | 'record' | 'foreign' | 'any';
  readonly required?: boolean;
  /** `null` is a default of `ngx.null`. */
  readonly default?: unknown;
  readonly auto?: boolean;
  readonly uuid?: boolean;
  readonly timestamp?: boolean;
  readonly unique?: boolean;
  readonly elements?: FieldDef;
  readonly keys?: FieldDef;
  readonly values?: FieldDef;
  readonly fields?: FieldList;
  readonly entity_checks?: readonly EntityCheck[];
  readonly shorthand_fields?: readonly Shorthand[];
  /** A record whose content Kong checks but the emulator does not (plugins without a schema here): any table passes, as given. */
  readonly open?: boolean;
  readonly reference?: string;
  readonly on_delete?: 'cascade' | 'restrict';
  readonly abstract?: boolean;
  /** Not stored with the entity (certificates' `snis`: the DAO turns them into SNI entities). */
  readonly transient?: boolean;
  readonly referenceable?: boolean;
  readonly err?: string;
  readonly description?: string;
  // validators, in Kong's order (init.lua:403)
  readonly eq?: unknown;
  readonly ne?: unknown;
  readonly not_one_of?: readonly unknown[];
  readonly one_of?: readonly unknown[];
  readonly gt?: number;
  readonly between?: readonly [number, number];
  readonly len_eq?: number;
  readonly len_min?: number;
  readonly len_max?: number;
  readonly starts_with?: string;
  /** Lua patterns, transcribed as regular expressions. */
  readonly not_match?: RegExp;
  readonly match_none?: ReadonlyArray<{ readonly pattern: RegExp; readonly err: string }>;
  readonly match?: RegExp;
  readonly match_all?: ReadonlyArray<{ readonly pattern: RegExp; readonly err: string }>;
  readonly match_any?: { readonly patterns: readonly RegExp[]; readonly err: string };
  readonly contains?: unknown;
  readonly is_regex?: boolean;
  readonly custom_validator?: (value: Json) => Check;
  readonly mutually_exclusive_subsets?: ReadonlyArray<readonly string[]>;
}

export type FieldList = ReadonlyArray<readonly [string, FieldDef]>;

export interface Shorthand {
  readonly name: string;
  readonly field: FieldDef;
  /** Deprecated shorthands yield to the field they stand for. */
  readonly deprecatedFor?: readonly string[];
  readonly func: (value: Json) => Record<string, Json> | undefined;
}

export type EntityCheck =
  | { readonly at_least_one_of: readonly string[] }
  | { readonly only_one_of: readonly string[] }
  | { readonly distinct: readonly string[] }
  | { readonly mutually_required: readonly string[] }
  | { readonly mutually_exclusive: readonly string[] }
  | { readonly mutually_exclusive_sets: { readonly set1: readonly string[]; readonly set2: readonly string[] } }
  | { readonly conditional: { readonly if_field: string; readonly if_match: Partial<FieldDef>; readonly then_field: string; readonly then_match: Partial<FieldDef>; readonly then_err?: string } }
  | {
    readonly conditional_at_least_one_of: {
      readonly if_field: string; readonly if_match: Partial<FieldDef>; readonly then_at_least_one_of: readonly string[]; readonly then_err?: string;
      readonly else_match?: Partial<FieldDef>; readonly else_then_at_least_one_of?: readonly string[]; readonly else_then_err?: string;
    };
  }
  | { readonly custom_entity_check: { readonly field_sources: readonly string[]; readonly run_with_missing_fields?: boolean; readonly fn: (entity: Json) => Check } };

/** A schema: an entity, a subschema, or a record field. */
export interface SchemaDef {
  readonly name?: string;
  readonly primary_key?: readonly string[];
  readonly endpoint_key?: string;
  readonly cache_key?: readonly string[];
  readonly fields: FieldList;
  readonly entity_checks?: readonly EntityCheck[];
  readonly shorthand_fields?: readonly Shorthand[];
  readonly subschema_key?: string;
  readonly subschema_error?: string;
  readonly ttl?: boolean;
  /**
   * The fields a transformation reads (`input`) and needs besides (`needs`):
   * their checks (init.lua:1465 run_transformation_checks) run with the
   * entity checks; the transformation itself is the DAO's (dao.ts).
   */
  readonly transformations?: ReadonlyArray<{ readonly input: readonly string[]; readonly needs?: readonly string[] }>;
}

/** kong/db/schema/init.lua:64 at 3.9.3. */
export const MSG = {
  ARRAY: 'expected an array', SET: 'expected a set', MAP: 'expected a map', RECORD: 'expected a record', STRING: 'expected a string',
  NUMBER: 'expected a number', BOOLEAN: 'expected a boolean', INTEGER: 'expected an integer',
  EQ: 'value must be %s', NE: 'value must not be %s', GT: 'value must be greater than %s', BETWEEN: 'value should be between %d and %d',
  LEN_EQ: 'length must be %d', LEN_MIN: 'length must be at least %d', LEN_MAX: 'length must be at most %d',
  MATCH: 'invalid value: %s', NOT_MATCH: 'invalid value: %s', STARTS_WITH: 'should start with: %s', CONTAINS: 'expected to contain: %s',
  ONE_OF: 'expected one of: %s', NOT_ONE_OF: 'must not be one of: %s', IS_REGEX: 'not a valid regex: %s', TIMESTAMP: 'expected a valid timestamp',
  UUID: 'expected a valid UUID', VALIDATION: 'failed validating: %s', REQUIRED: 'required field missing', UNKNOWN: 'unknown field',
  REQUIRED_FOR_ENTITY_CHECK: 'field required for entity check', CONDITIONAL: "failed conditional validation given value of field '%s'",
  AT_LEAST_ONE_OF: 'at least one of these fields must be non-empty: %s', CONDITIONAL_AT_LEAST_ONE_OF: 'at least one of these fields must be non-empty: %s',
  ONLY_ONE_OF: 'exactly one of these fields must be non-empty: %s', DISTINCT: 'values of these fields must be distinct: %s',
  MUTUALLY_REQUIRED: 'all or none of these fields must be set: %s', MUTUALLY_EXCLUSIVE: 'only one or none of these fields must be set: %s',
  MUTUALLY_EXCLUSIVE_SETS: 'these sets are mutually exclusive: %s', MISSING_PK: 'missing primary key', NOT_PK: 'not a primary key',
  SUBSCHEMA_UNKNOWN: 'unknown type: %s', SUBSCHEMA_ABSTRACT_FIELD: 'error in schema definition: abstract field was not specialized',
} as const;

/** Lua's `string.format` for the `%s` and `%d` these messages use. */
export function fmt(template: string, ...args: unknown[]): string {
  let i = 0;
  return template.replace(/%([sd])/g, (_, t: string) => {
    const v = args[i++];
    if (t === 'd') return luaInt(Number(v));
    return v === null ? 'null' : typeof v === 'number' ? luaNumber(v) : String(v);
  });
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && s.length === 36 && UUID_RE.test(s);
/** A vault reference (`{vault://env/x}`): kong/pdk/vault.lua is_reference. */
export const isReference = (s: unknown) => typeof s === 'string' && /^\{vault:\/\/[^}]+\}$/.test(s);

const isTable = (v: unknown): v is Record<string, Json> | Json[] => v !== null && typeof v === 'object';
/** Lua's `#` of a string: its length in bytes. */
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** init.lua:438 is_nonempty. */
export function isNonEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (isTable(v)) return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
  return v !== '';
}

/** init.lua:486 get_field: `a.b.c` into nested tables. */
export function getField(t: Json, name: string): Json {
  if (t === undefined || t === null || !isTable(t)) return undefined;
  const dot = name.indexOf('.');
  if (dot < 0) return (t as Json)[name];
  return getField((t as Json)[name.slice(0, dot)], name.slice(dot + 1));
}

/** init.lua:502 set_field. */
export function setField(t: Json, name: string, value: Json): void {
  const dot = name.indexOf('.');
  if (dot < 0) {
    t[name] = value;
    return;
  }
  const hd = name.slice(0, dot);
  if (t[hd] === undefined || typeof t[hd] !== 'object' || t[hd] === null) t[hd] = {};
  setField(t[hd], name.slice(dot + 1), value);
}

export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/** A Lua sequence: a JSON array, or the empty table `{}` (cjson decodes both as tables). */
const isSequence = (v: unknown): v is Json[] => Array.isArray(v) || (isTable(v) && Object.keys(v).length === 0);
const asArray = (v: Json): Json[] => (Array.isArray(v) ? v : []);

/** Validators in Kong's order (init.lua:403 at 3.9.3). */
const VALIDATORS: Array<[keyof FieldDef, (value: Json, arg: Json, field: FieldDef) => Check]> = [
  ['eq', (v, w) => (v === w ? undefined : fmt(MSG.EQ, w === null ? 'null' : w))],
  ['ne', (v, w) => (v !== w ? undefined : fmt(MSG.NE, w === null ? 'null' : v))],
  ['not_one_of', (v, opts: unknown[]) => (opts.includes(v) ? fmt(MSG.NOT_ONE_OF, opts.join(', ')) : undefined)],
  ['one_of', (v, opts: unknown[]) => (opts.includes(v) ? undefined : fmt(MSG.ONE_OF, opts.map((o) => (typeof o === 'number' ? luaNumber(o) : o)).join(', ')))],
  ['gt', (v, limit: number) => (v > limit ? undefined : fmt(MSG.GT, limit))],
  ['timestamp', (v) => (v > 0 ? undefined : MSG.TIMESTAMP)],
  ['uuid', (v) => (isUuid(v) ? undefined : MSG.UUID)],
  ['is_regex', (v) => {
    try {
      new RegExp(v); // eslint-disable-line no-new
      return undefined;
    } catch {
      return fmt(MSG.IS_REGEX, v);
    }
  }],
  ['between', (v, [lo, hi]: [number, number]) => (v < lo || v > hi ? fmt(MSG.BETWEEN, lo, hi) : undefined)],
  ['len_eq', (v, n: number, f) => (lengthOf(v, f) === n ? undefined : fmt(MSG.LEN_EQ, n))],
  ['len_min', (v, n: number, f) => (lengthOf(v, f) >= n ? undefined : fmt(MSG.LEN_MIN, n))],
  ['len_max', (v, n: number, f) => (lengthOf(v, f) <= n ? undefined : fmt(MSG.LEN_MAX, n))],
  ['starts_with', (v: string, s: string) => (v.startsWith(s) ? undefined : fmt(MSG.STARTS_WITH, s))],
  ['not_match', (v: string, re: RegExp) => (re.test(v) ? fmt(MSG.NOT_MATCH, v) : undefined)],
  ['match_none', (v: string, list: Array<{ pattern: RegExp; err: string }>) => list.find((p) => p.pattern.test(v))?.err],
  ['match', (v: string, re: RegExp) => (re.test(v) ? undefined : fmt(MSG.MATCH, v))],
  ['match_all', (v: string, list: Array<{ pattern: RegExp; err: string }>) => list.find((p) => !p.pattern.test(v))?.err],
  ['match_any', (v: string, arg: { patterns: RegExp[]; err: string }) => (arg.patterns.some((p) => p.test(v)) ? undefined : arg.err)],
  ['contains', (v: Json[], wanted) => (asArray(v).includes(wanted) ? undefined : fmt(MSG.CONTAINS, wanted))],
  ['custom_validator', (v, fn: (x: Json) => Check) => fn(v)],
  ['mutually_exclusive_subsets', (v: Json[], subsets: string[][]) => {
    const memberOf: string[][] = [];
    for (const x of asArray(v)) {
      const s = subsets.find((set) => set.includes(x));
      if (s && !memberOf.includes(s)) memberOf.push(s);
    }
    return memberOf.length <= 1 ? undefined : fmt(MSG.MUTUALLY_EXCLUSIVE_SETS, quotedList(memberOf));
  }],
];

function lengthOf(v: Json, field: FieldDef): number {
  if (typeof v === 'string') return byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (field.type === 'map' && isTable(v)) return Object.keys(v).length;
  return 0;
}

const GENERIC: Partial<Record<keyof FieldDef, string>> = {
  timestamp: MSG.TIMESTAMP, uuid: MSG.UUID, is_regex: MSG.IS_REGEX,
};

type Context = 'insert' | 'update' | 'upsert' | 'select';

/** Schemas by name, for foreign fields (init.lua `_cache`). */
const REGISTRY = new Map<string, Schema>();
const RECORD_SCHEMAS = new WeakMap<FieldDef, Schema>();

/** One Kong schema: an entity (with its subschemas) or a record. */
export class Schema {
  readonly fields: Map<string, FieldDef>;
  readonly subschemas = new Map<string, Schema>();
  /** The clock of auto timestamps, in Unix seconds: the emulator running the operation sets it. */
  static now: () => number = () => Date.now() / 1000;

  constructor(readonly def: SchemaDef, register = true) {
    this.fields = new Map(def.fields.map(([k, f]) => [k, f]));
    if (register && def.name) REGISTRY.set(def.name, this);
  }

  static byName(name: string): Schema {
    const s = REGISTRY.get(name);
    if (!s) throw new Error(`emulator: no schema ${name}`);
    return s;
  }

  /** The schema of a record field (`get_field_schema`, init.lua:862). */
  static ofRecord(field: FieldDef): Schema {
    let s = RECORD_SCHEMAS.get(field);
    if (!s) {
      s = new Schema({ fields: field.fields ?? [], entity_checks: field.entity_checks, shorthand_fields: field.shorthand_fields }, false);
      RECORD_SCHEMAS.set(field, s);
    }
    return s;
  }

  /** `Entity.new_subschema` (kong/db/schema/entity.lua:27): records of the subschema are required. */
  addSubschema(key: string, def: SchemaDef): void {
    this.subschemas.set(key, new Schema({ ...def, fields: def.fields.map(([k, f]) => [k, requiredRecords(f)] as const) }, false));
  }

  get name(): string {
    return this.def.name ?? '';
  }

  /** init.lua:1116 get_subschema. */
  subschemaFor(input: Json): Schema | undefined {
    const key = this.def.subschema_key;
    if (!key || !isTable(input)) return undefined;
    const v = (input as Json)[key];
    if (typeof v === 'string') return this.subschemas.get(v);
    if (Array.isArray(v)) for (const k of v) if (this.subschemas.has(k)) return this.subschemas.get(k);
    return undefined;
  }

  /** init.lua:2276 each_field: the fields, a subschema's replacing the parent's. */
  eachField(values?: Json): Array<[string, FieldDef]> {
    const sub = values === undefined ? undefined : this.subschemaFor(values);
    return this.def.fields.map(([k, f]) => [k, sub?.fields.get(k) ?? f]);
  }

  /** init.lua:875 validate_field: `undefined` when valid, else the error. */
  validateField(field: FieldDef, value: Json): FieldError | undefined {
    if (value === null) {
      if ('ne' in field && field.ne === null) return field.err ?? fmt(MSG.NE, 'null');
      if ('eq' in field && field.eq !== null && field.eq !== undefined) return fmt(MSG.EQ, field.eq);
      if (field.required) return MSG.REQUIRED;
      return undefined;
    }
    if ('eq' in field && field.eq === null) return field.err ?? fmt(MSG.EQ, 'null');
    if (field.abstract) return MSG.SUBSCHEMA_ABSTRACT_FIELD;

    let lenMin = field.len_min;
    switch (field.type) {
      case 'array':
      case 'set': {
        if (!isSequence(value)) return field.type === 'array' ? MSG.ARRAY : MSG.SET;
        const errs: Array<FieldError | undefined> = [];
        let ok = true;
        asArray(value).forEach((v, i) => {
          const e = this.validateField({ ...field.elements!, required: true }, v);
          if (e !== undefined) {
            errs[i] = e;
            ok = false;
          }
        });
        if (!ok) return errs;
        break;
      }
      case 'map': {
        if (!isTable(value)) return MSG.MAP;
        const entries: Array<[Json, Json]> = Array.isArray(value) ? value.map((v, i) => [i + 1, v]) : Object.entries(value);
        for (const [k, v] of entries) {
          const ke = this.validateField({ ...field.keys!, required: true }, k);
          if (ke !== undefined) return ke;
          const ve = this.validateField({ ...field.values!, required: true }, v);
          if (ve !== undefined) return ve;
        }
        break;
      }
      case 'record': {
        if (!isTable(value)) return MSG.RECORD;
        if (field.open) break;
        const schema = Schema.ofRecord(field);
        const copy = schema.processAutoFields(value, 'insert');
        if ('errors' in copy) return copy.errors;
        const errors = schema.validate(copy.data);
        if (errors) return errors;
        break;
      }
      case 'foreign': {
        const foreign = Schema.byName(field.reference!);
        const pkErrors = foreign.validatePrimaryKey(value, true);
        if (pkErrors) {
          if (isTable(value)) {
            const fe = foreign.validate(value, false);
            if (fe) return fe;
          }
          return pkErrors;
        }
        break;
      }
      case 'integer':
        if (!(typeof value === 'number' && Number.isInteger(value))) return MSG.INTEGER;
        break;
      case 'number':
        if (typeof value !== 'number') return MSG.NUMBER;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return MSG.BOOLEAN;
        break;
      case 'string':
        if (typeof value !== 'string') return MSG.STRING;
        // empty strings are not accepted by default (init.lua:993)
        lenMin ??= 1;
        if (field.referenceable && isReference(value)) return undefined;
        break;
      case 'any':
        break;
    }

    for (const [name, run] of VALIDATORS) {
      const arg = name === 'len_min' ? lenMin : field[name];
      if (arg === undefined) continue;
      const err = run(value, arg, field);
      if (err !== undefined) {
        if (err === null) return field.err ?? fmt(GENERIC[name] ?? MSG.VALIDATION, value);
        return field.err ?? err;
      }
    }
    return undefined;
  }

  /** init.lua:1659 validate_primary_key: errors by key, or `undefined`. */
  validatePrimaryKey(pk: Json, ignoreOthers = false): Errors | undefined {
    const errors: Errors = {};
    const keys = this.def.primary_key ?? ['id'];
    for (const k of keys) {
      const field = this.fields.get(k)!;
      const v = isTable(pk) ? (pk as Json)[k] : undefined;
      if (v === undefined || v === false) errors[k] = MSG.MISSING_PK;
      else if ((field.required || field.auto) && v === null) errors[k] = MSG.REQUIRED;
      else {
        const e = this.validateField(field, v);
        if (e !== undefined) errors[k] = e;
      }
    }
    if (!ignoreOthers && isTable(pk)) for (const k of Object.keys(pk)) if (!keys.includes(k)) errors[k] = MSG.NOT_PK;
    return Object.keys(errors).length > 0 ? errors : undefined;
  }

  /**
   * init.lua:2142 validate (and validate_update, :2219, when `update`):
   * `undefined` when valid, else the errors.
   */
  validate(input: Json, fullCheck = true, update = false): Errors | undefined {
    const key = this.def.subschema_key;
    if (key) {
      const v = input[key];
      if (v === null || v === undefined) return { [key]: MSG.REQUIRED };
      if (!this.subschemaFor(input)) return { [key]: fmt(this.def.subschema_error ?? MSG.SUBSCHEMA_UNKNOWN, typeof v === 'string' ? v : v[0]) };
    }
    const errors = this.validateFields(input);
    for (const [name, field] of this.def.fields) {
      if (field.required && (input[name] === null || (fullCheck && input[name] === undefined))) errors[name] = MSG.REQUIRED;
    }
    this.runEntityChecks(input, fullCheck, update, errors);
    this.runTransformationChecks(input, errors);
    return Object.keys(errors).length > 0 ? errors : undefined;
  }

  /**
   * init.lua:1465 run_transformation_checks, without a read-before-write
   * entity (the emulator validates a PATCH on the merged entity): when an
   * input of a transformation is set, its inputs and needs are all set.
   */
  private runTransformationChecks(input: Json, errors: Errors): void {
    for (const t of this.def.transformations ?? []) {
      if (!t.input.some((f) => isNonEmpty(getField(input, f)))) continue;
      for (const fields of [[...t.input, ...(t.needs ?? [])], [...t.input]]) {
        const set = fields.filter((f) => isNonEmpty(getField(input, f))).length;
        if (set !== 0 && set !== fields.length) {
          ((errors['@entity'] ??= []) as string[]).push(fmt(MSG.MUTUALLY_REQUIRED, quotedList(fields)));
          break;
        }
      }
    }
  }

  /** init.lua:1192 validate_fields. */
  private validateFields(input: Json): Errors {
    const errors: Errors = {};
    const sub = this.subschemaFor(input);
    for (const [k, v] of Object.entries<Json>(input)) {
      if (v === undefined) continue;
      // unvalidated_fields (init.lua:2578): `ttl` of ttl entities and `updated_at`
      if ((k === 'ttl' && this.def.ttl) || k === 'updated_at') continue;
      const field = sub?.fields.get(k) ?? this.fields.get(k);
      if (!field) {
        errors[k] = MSG.UNKNOWN;
        continue;
      }
      const e = this.validateField(field, v);
      if (e !== undefined) errors[k] = e;
    }
    return errors;
  }

  private schemaField(name: string): FieldDef | undefined {
    const dot = name.indexOf('.');
    if (dot < 0) return this.fields.get(name);
    const hd = this.fields.get(name.slice(0, dot));
    return hd?.fields ? Schema.ofRecord(hd).schemaField(name.slice(dot + 1)) : undefined;
  }

  private runEntityChecks(input: Json, fullCheck: boolean, update: boolean, errors: Errors): void {
    for (const check of this.def.entity_checks ?? []) this.runEntityCheck(this, check, input, fullCheck, update, errors);
    const sub = this.subschemaFor(input);
    if (sub) {
      // fields resolve through the subschema first (init.lua:1487)
      const proxy = new Schema({ ...this.def, fields: this.eachField(input), subschema_key: undefined }, false);
      for (const check of sub.def.entity_checks ?? []) this.runEntityCheck(proxy, check, input, fullCheck, update, errors);
    }
  }

  /** init.lua:1270 run_entity_check. */
  private runEntityCheck(self: Schema, check: EntityCheck, input: Json, fullCheck: boolean, update: boolean, errors: Errors): void {
    const [name, arg] = Object.entries(check)[0] as [string, Json];
    const checker = CHECKERS[name];
    const fieldsToCheck: string[] = [];
    const required = new Set<string>();
    if (checker.fieldSources) {
      for (const source of checker.fieldSources) {
        const v = arg[source];
        const list: string[] = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
        for (const f of list) {
          fieldsToCheck.push(f);
          if (checker.requiredSources?.includes(source)) required.add(f);
        }
      }
    } else {
      for (const f of arg as string[]) {
        fieldsToCheck.push(f);
        required.add(f);
      }
    }
    const checkInput: Json = {};
    let missing: string[] | undefined;
    let allNil = true;
    let allOk = true;
    for (const fname of fieldsToCheck) {
      const value = getField(input, fname);
      if (value === undefined) {
        if (!checker.runWithMissingFields && !arg.run_with_missing_fields && required.has(fname)) (missing ??= []).push(fname);
      } else {
        allNil = false;
        const field = self.schemaField(fname);
        if (field?.type === 'string' && field.referenceable && isReference(value)) return;
      }
      if (errors[fname] !== undefined) allOk = false;
      setField(checkInput, fname, value);
    }
    if (!allOk && !checker.runWithInvalidFields && !arg.run_with_invalid_fields) return;
    if (allNil && !(checker.runWithMissingFields && fullCheck)) return;
    if (missing) {
      for (const m of missing) setField(errors, m, MSG.REQUIRED_FOR_ENTITY_CHECK + (update ? ' when updating' : ''));
      return;
    }
    const result = checker.fn(checkInput, arg, self, errors);
    if (result === undefined) return;
    const [err, custom] = result;
    let message = custom;
    if (message === undefined) {
      let template: string | undefined = (MSG as Record<string, string>)[name.toUpperCase()];
      if (update && (name === 'at_least_one_of' || name === 'conditional_at_least_one_of')) template = `when updating, ${template}`;
      message = template ? fmt(template, err) : err ?? `failed entity check: ${name}(${pretty({ [name]: arg }).replace(/\s+/g, ' ')})`;
    }
    ((errors['@entity'] ??= []) as string[]).push(message);
  }

  /**
   * init.lua:1748 process_auto_fields for `insert`, `update` and `upsert`:
   * shorthands, auto fields, defaults and record expansion. Returns a new
   * table, or the errors of shorthands.
   */
  processAutoFields(input: Json, context: Context): { data: Json } | { errors: Errors } {
    const data: Json = clone(input);
    const errs: Errors = {};
    for (const sh of this.def.shorthand_fields ?? []) {
      const value = data[sh.name];
      if (value === undefined) continue;
      const err = this.validateField(sh.field, value);
      if (err !== undefined) {
        errs[sh.name] = err;
        continue;
      }
      if (sh.deprecatedFor && value !== null) {
        const current = getField(data, sh.deprecatedFor.join('.'));
        if (current !== undefined && current !== null && JSON.stringify(current) !== JSON.stringify(value)) {
          errs[sh.name] = `both deprecated and new field are used but their values mismatch: ${sh.name} = ${value} vs ${sh.deprecatedFor.join('.')} = ${current}`;
          continue;
        }
      }
      delete data[sh.name];
      const out = sh.func(value);
      for (const [k, v] of Object.entries(out ?? {})) {
        if (isTable(v) && !Array.isArray(v)) {
          const source = isTable(data[k]) ? data[k] : {};
          // a deprecated shorthand yields to the field it stands for: null_aware_table_merge (kong/tools/table.lua:53)
          if (sh.deprecatedFor) {
            const merged: Json = { ...v };
            for (const [sk, x] of Object.entries<Json>(source)) if (merged[sk] === undefined || x !== null) merged[sk] = x;
            data[k] = merged;
          } else {
            data[k] = { ...source, ...v };
          }
        } else if (!sh.deprecatedFor || data[k] === undefined || data[k] === null) {
          data[k] = v;
        }
      }
    }
    if (Object.keys(errs).length > 0) return { errors: errs };

    const insertLike = context === 'insert' || context === 'upsert';
    for (const [key, field] of this.eachField(data)) {
      let value = data[key];
      if (field.auto) {
        if (field.uuid) {
          if (insertLike && value === undefined) value = randomUUID();
        } else if (field.type === 'string') {
          // random_string (kong/tools/rand.lua:123): 32 alphanumerics
          if (insertLike && value === undefined) value = randomBytes(24).toString('base64').replace(/[+/]/g, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]);
        } else if ((key === 'created_at' && insertLike && (value === null || value === undefined)) || (key === 'updated_at' && context !== 'select')) {
          const now = Schema.now();
          value = field.type === 'number' ? Math.round(now * 1000) / 1000 : Math.floor(now);
        }
      }
      value = this.adjust(field, value, context);
      if (value === undefined) delete data[key];
      else data[key] = value;
    }
    return { data };
  }

  /** init.lua:1626 adjust_field_for_context. */
  private adjust(field: FieldDef, value: Json, context: Context): Json {
    if (field.abstract) return value;
    if (field.type === 'record' && !field.open) {
      const recurse = context === 'update' ? value !== null && value !== undefined : value !== null && (value !== undefined || field.required === true);
      if (recurse) {
        value = value ?? this.missing(field);
        if (isTable(value) && !Array.isArray(value)) {
          const r = Schema.ofRecord(field).processAutoFields(value, context);
          return 'data' in r ? r.data : value;
        }
      }
    } else if (Array.isArray(value)) {
      if (field.type === 'set') {
        // make_set (init.lua:1595): duplicates go
        const seen = new Set<unknown>();
        value = value.filter((v: Json) => isTable(v) || (seen.has(v) ? false : (seen.add(v), true)));
      }
      const sub = field.type === 'map' ? field.values : field.elements;
      if (sub) value = value.map((v: Json) => this.adjust(sub, v, context));
    } else if (isTable(value) && field.type === 'map' && field.values) {
      value = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.adjust(field.values!, v, context)]));
    } else if (isTable(value) && (field.type === 'array' || field.type === 'set') && Object.keys(value).length === 0) {
      value = [];
    }
    if (value === undefined && context !== 'update') return this.missing(field);
    return value;
  }

  /** init.lua:1044 handle_missing_field. */
  private missing(field: FieldDef): Json {
    if (field.default !== undefined) return clone(field.default);
    if (field.required !== true) return null;
    if (field.abstract) return undefined;
    if (field.type === 'record' && !field.open) {
      const r = Schema.ofRecord(field).processAutoFields({}, 'insert');
      return 'data' in r ? r.data : {};
    }
    return undefined;
  }

  /** init.lua:2054 merge_values: `top` over `bottom`, records merged field by field. */
  mergeValues(top: Json, bottom: Json): Json {
    const b: Json = isTable(bottom) ? bottom : {};
    const out: Json = { ...b, ...top };
    for (const [key, field] of this.eachField(b)) {
      const t = top[key];
      if (t === undefined) out[key] = b[key];
      else if (field.type === 'record' && !field.abstract && !field.open && isTable(t) && !Array.isArray(t)) out[key] = Schema.ofRecord(field).mergeValues(t, b[key]);
      else out[key] = t;
    }
    return out;
  }
}

/** Records of entities are required (kong/db/schema/entity.lua:15 make_records_required). */
export function requiredRecords(field: FieldDef): FieldDef {
  if (field.type !== 'record' || field.open) return field;
  return { ...field, required: field.required ?? true, fields: field.fields?.map(([k, f]) => [k, requiredRecords(f)] as const) };
}

interface Checker {
  readonly runWithMissingFields?: boolean;
  readonly runWithInvalidFields?: boolean;
  readonly fieldSources?: readonly string[];
  readonly requiredSources?: readonly string[];
  /** `undefined` when the check passes, else `[argument of the message, custom message]`. */
  fn(entity: Json, arg: Json, schema: Schema, errors: Errors): [string | undefined, string | undefined] | undefined;
}

/** Entity checkers, init.lua:560-821 at 3.9.3. */
const CHECKERS: Record<string, Checker> = {
  at_least_one_of: {
    runWithMissingFields: true,
    runWithInvalidFields: true,
    fn: (e, names: string[]) => (names.some((n) => isNonEmpty(getField(e, n))) ? undefined : [quotedList(names), undefined]),
  },
  conditional_at_least_one_of: {
    runWithMissingFields: true,
    runWithInvalidFields: true,
    fieldSources: ['if_field', 'then_at_least_one_of', 'else_then_at_least_one_of'],
    fn(e, arg, schema) {
      const ifValue = getField(e, arg.if_field);
      if (ifValue === undefined) return undefined;
      const base = (schema as unknown as { schemaField(n: string): FieldDef }).schemaField(arg.if_field) ?? { type: 'any' };
      const matches = (m: Partial<FieldDef>) => schema.validateField({ ...base, ...m } as FieldDef, ifValue) === undefined;
      let names: string[];
      let err: string | undefined;
      if (matches(arg.if_match)) {
        names = arg.then_at_least_one_of;
        err = arg.then_err;
      } else {
        if (!arg.else_match || !matches(arg.else_match)) return undefined;
        names = arg.else_then_at_least_one_of;
        err = arg.else_then_err;
      }
      if (names.some((n) => isNonEmpty(getField(e, n)))) return undefined;
      const list = quotedList(names);
      return [list, err ? fmt(err, list) : undefined];
    },
  },
  only_one_of: {
    runWithInvalidFields: true,
    fn: (e, names: string[]) => (names.filter((n) => isNonEmpty(getField(e, n))).length === 1 ? undefined : [quotedList(names), undefined]),
  },
  distinct: {
    runWithInvalidFields: true,
    fn(e, names: string[]) {
      const seen = new Set<unknown>();
      for (const n of names) {
        const v = getField(e, n);
        if (!isNonEmpty(v)) continue;
        if (seen.has(v)) return [quotedList(names), undefined];
        seen.add(v);
      }
      return undefined;
    },
  },
  conditional: {
    runWithInvalidFields: true,
    fieldSources: ['if_field', 'then_field'],
    requiredSources: ['if_field'],
    fn(e, arg, schema, errors) {
      const ifValue = getField(e, arg.if_field);
      let thenValue = getField(e, arg.then_field);
      if (thenValue === undefined) thenValue = null;
      const field = (f: string) => (schema as unknown as { schemaField(n: string): FieldDef }).schemaField(f) ?? { type: 'any' as const };
      if (schema.validateField({ ...field(arg.if_field), ...arg.if_match } as FieldDef, ifValue) !== undefined) return undefined;
      if (arg.then_match.required === true && thenValue === null) {
        setField(errors, arg.then_field, MSG.REQUIRED);
        return [arg.if_field, undefined];
      }
      const err = schema.validateField({ ...field(arg.then_field), ...arg.then_match } as FieldDef, thenValue);
      if (err !== undefined) {
        setField(errors, arg.then_field, err);
        return [arg.if_field, arg.then_err ? fmt(arg.then_err, arg.if_field) : undefined];
      }
      return undefined;
    },
  },
  custom_entity_check: {
    fieldSources: ['field_sources'],
    requiredSources: ['field_sources'],
    fn(e, arg) {
      const err = arg.fn(e);
      return err === undefined ? undefined : [err ?? undefined, undefined];
    },
  },
  mutually_required: {
    runWithMissingFields: true,
    fn(e, names: string[]) {
      const set = names.filter((n) => isNonEmpty(getField(e, n))).length;
      return set === 0 || set === names.length ? undefined : [quotedList(names), undefined];
    },
  },
  mutually_exclusive: {
    runWithMissingFields: true,
    fn: (e, names: string[]) => (names.filter((n) => isNonEmpty(getField(e, n))).length <= 1 ? undefined : [quotedList(names), undefined]),
  },
  mutually_exclusive_sets: {
    runWithMissingFields: true,
    fieldSources: ['set1', 'set2'],
    requiredSources: ['set1', 'set2'],
    fn(e, arg) {
      const a = (arg.set1 as string[]).filter((n) => isNonEmpty(getField(e, n)));
      const b = (arg.set2 as string[]).filter((n) => isNonEmpty(getField(e, n)));
      return a.length > 0 && b.length > 0 ? [`(${quotedList(a)}), (${quotedList(b)})`, undefined] : undefined;
    },
  },
};

/**
 * kong/db/errors.lua:216 schema_violation: the message lists `@entity`
 * messages first, then field errors by sorted name (`a.b: x` for nested
 * tables, their values in pl.pretty form).
 */
export function schemaViolationMessage(errors: Errors): string {
  const buf: string[] = [...((errors['@entity'] as string[] | undefined) ?? [])];
  for (const name of sortedKeys(errors)) {
    if (name === '@entity') continue;
    const fe = errors[name];
    if (isTable(fe)) {
      for (const sub of sortedKeys(fe)) {
        const v = (fe as Json)[sub];
        buf.push(`${name}.${luaKey(fe, sub)}: ${isTable(v) ? pretty(v) : v}`);
      }
    } else {
      buf.push(`${name}: ${fe}`);
    }
  }
  return buf.length === 1 ? `schema violation (${buf[0]})` : `${buf.length} schema violations (${buf.join('; ')})`;
}

/** Keys as Lua sees them: 1-based positions for arrays (holes skipped), names sorted. */
export function sortedKeys(t: Json): string[] {
  if (Array.isArray(t)) return t.map((v, i) => (v === undefined ? undefined : String(i))).filter((k): k is string => k !== undefined);
  return Object.keys(t).filter((k) => t[k] !== undefined).sort();
}
const luaKey = (t: Json, k: string) => (Array.isArray(t) ? String(Number(k) + 1) : k);
