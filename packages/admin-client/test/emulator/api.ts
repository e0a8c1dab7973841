/**
 * The Admin API's routes and handlers, written from kong/api/ at 3.9.3:
 * the endpoints Kong generates for every entity (endpoints.lua: collection,
 * entity, nested collection and entity under each foreign key, and the
 * foreign entity of a child), the custom routes that replace or extend them
 * (routes/*.lua, plugins' api.lua), and the request handling around them
 * (api_helpers.lua: trailing slashes, 405, 415, HEAD, OPTIONS, JSON bodies).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { E, KongDbError, pageOf, formatTarget, type Dao, type DaoOptions, type Db, type Entity } from './dao';
import { collectionOf, type EntityDef } from './entities';
import { luaNumber } from './lua';
import { isUuid, schemaViolationMessage, type FieldDef, type Schema } from './schema';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a handler answers. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A request as the router sees it: the path without any proxy prefix, still percent-encoded. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The query string as sent (`?…`), for checks on its bytes. */
  readonly rawQuery?: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, `undefined` when none was sent. */
  readonly body?: string;
}

/** What a handler gets (lapis' `self`). */
interface Ctx {
  readonly method: string;
  /** Route parameters, percent-decoded. */
  readonly params: Record<string, string>;
  /** Route parameters as the URL had them (Kong builds `next` links from these). */
  readonly rawParams: Record<string, string>;
  /** Query arguments (first value of each). */
  readonly uri: Record<string, string>;
  /** Body arguments (the JSON object). */
  post: Entity;
  /** The bytes of a query argument as sent (latin1: one character per byte). */
  readonly queryBytes: (name: string) => string | undefined;
  /** The raw body (`kong.request.get_raw_body()`), `undefined` when none was sent. */
  readonly rawBody?: string;
}

type Handler = (ctx: Ctx) => Answer;
interface RouteDef {
  readonly pattern: string;
  readonly methods: Partial<Record<string, Handler>>;
  /** Runs before every method (lapis' `before`): an answer ends the request. */
  readonly before?: (ctx: Ctx) => Answer | undefined;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const notFound = (message = 'Not found'): Answer => ({ status: 404, body: { message } });
const methodNotAllowed: Answer = { status: 405, body: { message: 'Method not allowed' } };

/** ngx.escape_uri: everything but unreserved characters is percent-encoded. */
export const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** ngx.unescape_uri, byte for byte; `undefined` when the bytes are not UTF-8. */
function unescapeUri(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    const bytes = Buffer.from(s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    const text = bytes.toString('utf8');
    return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
  }
}

/** The position (1-based) of the first byte that is not UTF-8, as kong/tools/string.lua:85 validate_utf8 reports it. */
function invalidUtf8At(raw: string): number {
  const bytes = Buffer.from(raw.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length || !Buffer.from(bytes.subarray(i, i + n).toString('utf8')).equals(bytes.subarray(i, i + n))) return i + 1;
    i += n;
  }
  return 0;
}

/** Runs a DAO call, turning its errors into Kong's answers (endpoints.lua:117 handle_error). */
function guard(fn: () => Answer): Answer {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KongDbError) return { status: e.status, body: e.err };
    throw e;
  }
}

/** endpoints.lua:140 extract_options and :191 get_page_size. */
function extractOptions(dao: Dao, args: Record<string, Json>, context: 'insert' | 'update' | 'upsert' | 'page' | 'select', bytes?: (name: string) => string | undefined): DaoOptions {
  const options: { ttl?: number; tags?: string[] | string; tagsCond?: 'and' | 'or' } = {};
  if (dao.def.ttl && args.ttl !== undefined && (context === 'insert' || context === 'update' || context === 'upsert')) {
    options.ttl = args.ttl;
    delete args.ttl;
  }
  if (dao.schema.fields.has('tags') && args.tags !== undefined && context === 'page') {
    if (args.tags === null || args.tags.length === 0) throw E.invalidOptions({ tags: 'cannot be null' });
    const tags: string = args.tags;
    // endpoints.lua:47: the regexes work on bytes (printable ASCII but `,` and `/`, and 0x80-0xF4)
    const raw = bytes?.('tags') ?? tags;
    const allowed = '[\\u0020-\\u002b\\u002d\\u002e\\u0030-\\u007e\\u0080-\\u00f4]';
    const utf8 = raw === tags ? '[\\u0020-\\u002b\\u002d\\u002e\\u0030-\\u007e\\u0080-\\uffff]' : allowed;
    if (new RegExp(`^(${utf8}+(?:,|$))+$`).test(raw)) {
      options.tagsCond = 'and';
      options.tags = tags.split(',');
    } else if (new RegExp(`^(${utf8}+(?:/|$))+$`).test(raw)) {
      options.tagsCond = 'or';
      options.tags = tags.split('/');
    } else {
      options.tags = tags;
    }
    delete args.tags;
  }
  return options;
}

function pageSize(args: Record<string, Json>): number | undefined {
  if (args.size === undefined) return undefined;
  const n = args.size === '' ? NaN : Number(args.size);
  if (Number.isNaN(n)) throw E.invalidSize('size must be a number');
  return n;
}

/** `arguments.infer_value` of an endpoint key: numbers for number fields, strings otherwise. */
const keyOf = (dao: Dao, raw: string): { id: string } | { field: string; value: Json } => {
  const key = dao.def.endpoint_key;
  if (isUuid(raw) || !key) return { id: raw };
  const field = dao.schema.fields.get(key)!;
  return { field: key, value: field.type === 'integer' || field.type === 'number' ? Number(raw) : raw };
};

/** endpoints.lua:204 query_entity for `select`. */
function selectEntity(dao: Dao, raw: string | undefined): Entity | undefined {
  if (raw === undefined) return undefined;
  const key = keyOf(dao, raw);
  return 'id' in key ? dao.select({ id: key.id }) : dao.selectBy(key.field, key.value);
}

/** What a DB-less node does with `/config` (kong/api/routes/config.lua); `undefined` on a node with a database. */
export interface DeclarativeNode {
  /** `POST /config`: the parameters (query and JSON body, merged as lapis does) and the raw body. */
  load(params: Entity, rawBody: string | undefined): Answer;
  /** `GET /config`. */
  export(): Answer;
}

/** api_helpers.lua:236 ACCEPTS_YAML: the routes that take a YAML body. */
const ACCEPTS_YAML = new Set(['/config']);

/** The kong/api routes of one node. */
export class Api {
  private readonly routes: Array<RouteDef & { readonly segments: string[] }>;

  constructor(private readonly db: Db, private readonly node: {
    readonly role: 'control_plane' | 'traditional';
    readonly declarative?: DeclarativeNode;
    readonly nodeStatus: (unit: string, scale: number | undefined) => Entity;
    readonly nodeInformation: () => Entity;
    readonly dataPlanes: () => Entity[];
  }) {
    const defs = new Map<string, RouteDef>();
    const add = (r: RouteDef) => {
      const existing = defs.get(r.pattern);
      defs.set(r.pattern, existing ? { pattern: r.pattern, methods: { ...existing.methods, ...r.methods }, before: r.before ?? existing.before } : r);
    };
    for (const def of db.defs.values()) this.generate(def, add);
    this.custom(add);
    this.routes = [...defs.values()].map((r) => ({ ...r, segments: r.pattern.split('/').slice(1) }))
      .sort((a, b) => rank(a.segments, b.segments));
  }

  /** Every route, as `/endpoints` lists them (`{param}` for `:param`). */
  get endpoints(): string[] {
    const list = this.routes.map((r) => r.pattern.replace(/:([^/:]+)/g, '{$1}'));
    // kong/api/routes/kong.lua:167: sorted segment by segment
    return [...new Set(list)].sort((a, b) => (a.replace(/\//g, '\u0001') < b.replace(/\//g, '\u0001') ? -1 : 1));
  }

  /** api_helpers.lua: route, filters, method, body, handler. */
  handle(req: ApiRequest): Answer {
    let match = this.match(req.path);
    // api_helpers.lua:528 default_route: with or without the trailing slash
    if (!match && req.path.length > 1 && req.path.endsWith('/')) match = this.match(req.path.slice(0, -1));
    if (!match) match = this.match(`${req.path}/`);
    if (!match) return notFound();
    const { route, rawParams } = match;

    // api_helpers.lua:241 before_filter: bodies of PUT, POST and PATCH must be JSON or forms
    if (['PUT', 'POST', 'PATCH'].includes(req.method)) {
      const type = req.headers['content-type'];
      if (type === undefined) {
        if (req.body !== undefined && req.body.length > 0) return { status: 415 };
      } else if (!/^(application\/json|multipart\/form-data|application\/x-www-form-urlencoded)/.test(type)
        && !(ACCEPTS_YAML.has(route.pattern) && /^(application\/yaml|text\/yaml)/.test(type))) {
        return { status: 415 };
      }
    }

    const methods = route.methods;
    const available = [...Object.keys(methods), ...(methods.GET ? ['HEAD'] : []), 'OPTIONS'].sort();
    // api_helpers.lua:422 options_method
    if (req.method === 'OPTIONS' && !methods.OPTIONS) {
      return { status: 204, headers: { 'allow': available.join(', '), 'access-control-allow-methods': available.join(', '), 'access-control-allow-headers': 'Content-Type' } };
    }
    const handler = methods[req.method === 'HEAD' ? 'GET' : req.method];
    // api_helpers.lua:548: lapis' respond_to knows no such method (a disabled route answers 404 first)
    if (!handler && !route.before) return methodNotAllowed;

    // api_helpers.lua:306 parse_params: a JSON body that does not parse is refused
    let post: Entity = {};
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (['PUT', 'POST', 'PATCH'].includes(req.method) && type.includes('application/json')) {
      let parsed: unknown;
      try {
        parsed = req.body ? JSON.parse(req.body) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || parsed === null || typeof parsed !== 'object') return { status: 400, body: { message: 'Cannot parse JSON body' } };
      post = parsed as Entity;
    }
    const uri: Record<string, string> = {};
    for (const [k, v] of req.query) if (!(k in uri)) uri[k] = v;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawParams)) params[k] = unescapeUri(v) ?? v;
    const queryBytes = (name: string) => {
      for (const pair of (req.rawQuery ?? '').replace(/^\?/, '').split('&')) {
        const [k, v = ''] = pair.split('=');
        if (decodeURIComponent(k) === name) return Buffer.from(v.replace(/\+/g, ' ').replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('latin1');
      }
      return undefined;
    };
    const ctx: Ctx = { method: req.method, params, rawParams, uri, post, queryBytes, rawBody: req.body };
    return guard(() => {
      const early = route.before?.(ctx);
      if (early) return early;
      if (!handler) return methodNotAllowed;
      return handler(ctx);
    });
  }

  private match(path: string): { route: RouteDef; rawParams: Record<string, string> } | undefined {
    const segments = path.split('/').slice(1);
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const rawParams: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const s = route.segments[i];
        if (s.startsWith(':')) {
          if (segments[i] === '') ok = false;
          else rawParams[s.slice(1)] = segments[i];
        } else if (s !== segments[i]) ok = false;
      }
      if (ok) return { route, rawParams };
    }
    return undefined;
  }

  // --- endpoints.lua: the generated endpoints ------------------------------

  private generate(def: EntityDef, add: (r: RouteDef) => void): void {
    const dao = this.db.dao(def.name);
    const col = collectionOf(def);
    add({ pattern: `/${col}`, methods: { GET: (c) => this.getCollection(dao, c), POST: (c) => this.postCollection(dao, c) } });
    add({ pattern: `/${col}/:${def.name}`, methods: this.entityMethods(dao) });
    for (const [field, f] of def.fields) {
      if (f.type !== 'foreign') continue;
      const parent = this.db.dao(f.reference!);
      const pcol = collectionOf(parent.def);
      const nested = def.admin_api_nested_name ?? col;
      add({ pattern: `/${col}/:${def.name}/${field}`, methods: this.foreignEntityMethods(dao, parent, field) });
      add({
        pattern: `/${pcol}/:${parent.name}/${nested}`,
        methods: { GET: (c) => this.getCollection(dao, c, { parent, field }), POST: (c) => this.postCollection(dao, c, { parent, field }) },
      });
      add({ pattern: `/${pcol}/:${parent.name}/${nested}/:${def.name}`, methods: this.nestedEntityMethods(parent, dao, field) });
    }
  }

  /** endpoints.lua:315 get_collection_endpoint. */
  private getCollection(dao: Dao, c: Ctx, nested?: { parent: Dao; field: string }, method?: (size: number | undefined, offset: string | undefined, parentId?: string) => { data: Entity[]; offset?: string }): Answer {
    const args: Record<string, Json> = { ...c.uri };
    if (!nested) {
      const nextTags = args.tags !== undefined ? `&tags=${escapeUri(args.tags)}` : '';
      const nextSize = args.size !== undefined ? `&size=${args.size}` : '';
      const options = extractOptions(dao, args, 'page', c.queryBytes);
      const size = pageSize(args);
      const page = method ? method(size, args.offset) : dao.page(size, args.offset, options);
      return ok({
        data: page.data, ...(page.offset !== undefined ? { offset: page.offset } : {}),
        next: page.offset !== undefined ? `/${collectionOf(dao.def)}?offset=${escapeUri(page.offset)}${nextTags}${nextSize}` : null,
      });
    }
    const parent = selectEntity(nested.parent, c.params[nested.parent.name]);
    if (!parent) return notFound();
    const options = extractOptions(dao, args, 'page');
    const size = pageSize(args);
    const page = method ? method(size, args.offset, parent.id) : dao.page(size, args.offset, { ...options, tags: undefined }, { field: nested.field, id: parent.id });
    const segment = dao.def.admin_api_nested_name ?? collectionOf(dao.def);
    return ok({
      data: page.data, ...(page.offset !== undefined ? { offset: page.offset } : {}),
      next: page.offset !== undefined ? `/${collectionOf(nested.parent.def)}/${c.rawParams[nested.parent.name]}/${segment}?offset=${escapeUri(page.offset)}` : null,
    });
  }

  /** endpoints.lua:394 post_collection_endpoint. */
  private postCollection(dao: Dao, c: Ctx, nested?: { parent: Dao; field: string }): Answer {
    if (nested) {
      const parent = selectEntity(nested.parent, c.params[nested.parent.name]);
      if (!parent) return notFound();
      c.post[nested.field] = { id: parent.id };
    }
    const options = extractOptions(dao, c.post, 'insert');
    return { status: 201, body: dao.insert(c.post, options) };
  }

  /** endpoints.lua:437-732 for `/entities/:entities`. */
  private entityMethods(dao: Dao): Record<string, Handler> {
    return {
      GET: (c) => {
        const e = selectEntity(dao, c.params[dao.name]);
        return e ? ok(e) : notFound();
      },
      PUT: (c) => {
        const options = extractOptions(dao, c.post, 'upsert');
        return ok(dao.upsert(keyOf(dao, c.params[dao.name]), c.post, options));
      },
      PATCH: (c) => {
        const options = extractOptions(dao, c.post, 'update');
        return ok(dao.update(keyOf(dao, c.params[dao.name]), c.post, options));
      },
      DELETE: (c) => {
        dao.delete(keyOf(dao, c.params[dao.name]));
        return { status: 204 };
      },
    };
  }

  /** endpoints.lua:437-732 for `/children/:children/<field>`, the parent of a child. */
  private foreignEntityMethods(child: Dao, parent: Dao, field: string): Record<string, Handler> {
    const parentOf = (c: Ctx): { child?: Entity; id?: string } => {
      const e = selectEntity(child, c.params[child.name]);
      return { child: e, id: e?.[field]?.id };
    };
    return {
      GET: (c) => {
        const { child: e, id } = parentOf(c);
        if (!e || !id) return notFound();
        const p = parent.select({ id });
        return p ? ok(p) : notFound();
      },
      PUT: (c) => {
        const { child: e, id } = parentOf(c);
        if (!e) return notFound();
        const options = extractOptions(parent, c.post, 'upsert');
        const target = id ?? crypto.randomUUID();
        const p = parent.upsert({ id: target }, c.post, options);
        if (!id) child.update({ id: e.id }, { [field]: { id: p.id } });
        return ok(p);
      },
      PATCH: (c) => {
        const { child: e, id } = parentOf(c);
        if (!e || !id) return notFound();
        const options = extractOptions(parent, c.post, 'update');
        return ok(parent.update({ id }, c.post, options));
      },
      DELETE: (c) => {
        const { child: e, id } = parentOf(c);
        return !e || !id ? notFound() : methodNotAllowed;
      },
    };
  }

  /** endpoints.lua:437-732 for `/parents/:parents/children/:children`. */
  private nestedEntityMethods(parent: Dao, child: Dao, field: string): Record<string, Handler> {
    const belongs = (c: Ctx): { parent?: Entity; child?: Entity } => {
      const p = selectEntity(parent, c.params[parent.name]);
      if (!p) return {};
      const e = selectEntity(child, c.params[child.name]);
      return { parent: p, child: e && e[field]?.id === p.id ? e : undefined };
    };
    return {
      GET: (c) => {
        const { child: e } = belongs(c);
        return e ? ok(e) : notFound();
      },
      PUT: (c) => {
        const p = selectEntity(parent, c.params[parent.name]);
        if (!p) return notFound();
        c.post[field] = { id: p.id };
        const options = extractOptions(child, c.post, 'upsert');
        return ok(child.upsert(keyOf(child, c.params[child.name]), c.post, options));
      },
      PATCH: (c) => {
        const p = selectEntity(parent, c.params[parent.name]);
        if (!p) return notFound();
        if (c.post[field] === undefined) c.post[field] = { id: p.id };
        const { child: e } = belongs(c);
        if (!e) return notFound();
        const options = extractOptions(child, c.post, 'update');
        return ok(child.update({ id: e.id }, c.post, options));
      },
      DELETE: (c) => {
        const { parent: p, child: e } = belongs(c);
        if (!p || !e) return notFound();
        child.delete({ id: e.id });
        return { status: 204 };
      },
    };
  }

  // --- kong/api/routes and plugins' api.lua: the custom routes ---------------

  private custom(add: (r: RouteDef) => void): void {
    const db = this.db;
    const consumers = db.dao('consumers');
    const certificates = db.dao('certificates');
    const snis = db.dao('snis');
    const upstreams = db.dao('upstreams');
    const targets = db.dao('targets');
    const plugins = db.dao('plugins');
    const acls = db.dao('acls');
    const disabled = { before: () => notFound() };

    // routes/consumers.lua:11: ?custom_id=
    add({
      pattern: '/consumers',
      methods: {
        GET: (c) => {
          const customId = c.uri.custom_id;
          if (customId === undefined) return this.getCollection(consumers, c);
          if (customId === '') return { status: 400, body: { message: 'custom_id must be an unempty string' } };
          const found = consumers.selectBy('custom_id', customId);
          return ok({ data: found ? [found] : [], next: null });
        },
      },
    });

    // routes/certificates.lua:14 prepare_params: a certificate by id or by one of its SNIs
    const byIdOrSni = (c: Ctx): Answer | undefined => {
      const id = c.params.certificates;
      if (isUuid(id)) return undefined;
      const sni = snis.selectBy('name', id);
      if (sni) c.params.certificates = sni.certificate.id;
      else if (c.method !== 'PUT') return { status: 404, body: { message: 'SNI not found' } };
      else c.params.certificates = crypto.randomUUID();
      (c as { sniName?: string }).sniName = id;
      return undefined;
    };
    // routes/certificates.lua:43 prepare_args: the SNI of the URL joins the list on PUT
    const prepareSnis = (c: Ctx) => {
      const name = (c as { sniName?: string }).sniName;
      let list = c.post.snis;
      if (Array.isArray(list)) {
        if (name && c.method === 'PUT' && !list.includes(name)) list = [...list, name];
      } else if (typeof list === 'string') {
        list = name && c.method === 'PUT' && name !== list ? [list, name] : [list];
      } else if (list === undefined && c.method === 'PUT') {
        list = name ? [name] : null;
      }
      if (list !== undefined) c.post.snis = list;
    };
    add({
      pattern: '/certificates/:certificates',
      before: byIdOrSni,
      methods: {
        // select_with_name_list (dao/certificates.lua:165): a missing certificate is a `not found` error
        GET: (c) => {
          const cert = certificates.select({ id: c.params.certificates });
          if (!cert) throw E.notFound({ id: c.params.certificates });
          return ok(cert);
        },
        PUT: (c) => {
          prepareSnis(c);
          return ok(certificates.upsert({ id: c.params.certificates }, c.post));
        },
        PATCH: (c) => {
          prepareSnis(c);
          return ok(certificates.update({ id: c.params.certificates }, c.post));
        },
      },
    });
    add({ pattern: '/certificates/:certificates/snis', before: byIdOrSni, methods: {} });
    add({ pattern: '/certificates/:certificates/snis/:snis', before: byIdOrSni, methods: {} });
    // routes/snis.lua and routes/targets.lua: disabled endpoints
    add({ pattern: '/snis/:snis/certificate', ...disabled, methods: {} });
    for (const pattern of ['/targets', '/targets/:targets', '/targets/:targets/upstream']) add({ pattern, ...disabled, methods: {} });

    // routes/upstreams.lua: targets of an upstream
    const upstreamOf = (c: Ctx) => selectEntity(upstreams, c.params.upstreams);
    /** dao/targets.lua:151 select_by_upstream_raw: every target, oldest first. */
    const rawTargets = (upstreamId: string) => targets.all().filter((t) => t.upstream?.id === upstreamId)
      .sort((a, b) => (a.created_at - b.created_at) || (a.id < b.id ? -1 : 1))
      .map((t): Entity => ({ ...t, target: formatTarget(t.target) ?? t.target }));
    const targetOf = (c: Ctx, upstream: Entity) => {
      const raw = c.params.targets;
      if (isUuid(raw)) {
        const t = targets.select({ id: raw });
        return t && t.upstream.id === upstream.id ? t : undefined;
      }
      // select_by_upstream_filter (dao/targets.lua:283): the newest with this target
      return rawTargets(upstream.id).reverse().find((t) => t.target === raw);
    };
    const withTarget = (fn: (c: Ctx, upstream: Entity, target: Entity) => Answer): Handler => (c) => {
      const upstream = upstreamOf(c);
      if (!upstream) return notFound();
      const target = targetOf(c, upstream);
      if (!target) return notFound();
      return fn(c, upstream, target);
    };
    add({
      pattern: '/upstreams/:upstreams/targets',
      methods: {
        // dao/targets.lua:174 page_for_upstream: newest first, offsets are positions
        GET: (c) => {
          const upstream = upstreamOf(c);
          if (!upstream) return notFound();
          const args: Record<string, Json> = { ...c.uri };
          extractOptions(targets, args, 'page');
          const size = Math.min(pageSize(args) ?? 100, 1000);
          const seen = new Set<string>();
          const active = rawTargets(upstream.id).reverse().filter((t) => (seen.has(t.target) ? false : (seen.add(t.target), true)));
          const offset = Number(args.offset ?? 0);
          const data = active.slice(offset, offset + size);
          const next = active.length > offset + size ? String(offset + size) : undefined;
          return ok({
            data, ...(next !== undefined ? { offset: next } : {}),
            next: next !== undefined ? `/upstreams/${c.rawParams.upstreams}/targets?offset=${escapeUri(next)}` : null,
          });
        },
        POST: (c) => this.postCollection(targets, c, { parent: upstreams, field: 'upstream' }),
      },
    });
    add({
      pattern: '/upstreams/:upstreams/targets/all',
      methods: {
        GET: (c) => {
          const upstream = upstreamOf(c);
          if (!upstream) return notFound();
          const args: Record<string, Json> = { ...c.uri };
          extractOptions(targets, args, 'page');
          const size = pageSize(args);
          if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) throw E.invalidSize('size must be an integer between 1 and 1000');
          const page = pageOf(rawTargets(upstream.id).sort((a, b) => (a.id < b.id ? -1 : 1)), (t) => t.id, size ?? 100, args.offset);
          return ok({
            data: page.data, ...(page.offset !== undefined ? { offset: page.offset } : {}),
            next: page.offset !== undefined ? `/upstreams/${c.rawParams.upstreams}/targets/all?offset=${escapeUri(page.offset)}` : null,
          });
        },
      },
    });
    add({
      pattern: '/upstreams/:upstreams/targets/:targets',
      methods: {
        GET: withTarget((_c, _u, t) => ok(t)),
        PATCH: withTarget((c, _u, t) => ok(targets.update({ id: t.id }, c.post))),
        PUT: withTarget((c, _u, t) => ok(targets.update({ id: t.id }, c.post))),
        DELETE: withTarget((_c, _u, t) => {
          targets.delete({ id: t.id });
          return { status: 204 };
        }),
      },
    });
    if (this.node.role !== 'control_plane') {
      // routes/upstreams.lua:235: not on a control plane; the balancer they act on is not emulated
      const health = withTarget(() => ({ status: 204 }));
      for (const s of ['healthy', 'unhealthy']) {
        add({ pattern: `/upstreams/:upstreams/targets/:targets/${s}`, methods: { PUT: health } });
        add({ pattern: `/upstreams/:upstreams/targets/:targets/:address/${s}`, methods: { PUT: health } });
      }
    }

    // routes/plugins.lua:77 patch_plugin: the plugin's name is read before the update
    const patchPlugin = (parentMethod: Handler | undefined): Handler => (c) => {
      if (c.post.name === undefined) {
        const plugin = selectEntity(plugins, c.params.plugins);
        if (!plugin) return notFound();
        c.post.name = plugin.name;
      }
      return parentMethod!(c);
    };
    const pluginRoutes = ['/plugins/:plugins', '/consumers/:consumers/plugins/:plugins', '/routes/:routes/plugins/:plugins', '/services/:services/plugins/:plugins'];
    for (const pattern of pluginRoutes) {
      const methods = pattern === '/plugins/:plugins'
        ? this.entityMethods(plugins)
        : this.nestedEntityMethods(this.db.dao(pattern.split('/')[1]), plugins, pattern.split('/')[1].slice(0, -1));
      add({ pattern, methods: { PATCH: patchPlugin(methods.PATCH) } });
    }
    add({ pattern: '/plugins/enabled', methods: { GET: () => ok({ enabled_plugins: [...plugins.schema.subschemas.keys()] }) } });

    // kong/plugins/acl/api.lua: an ACL of a consumer by group
    add({
      pattern: '/consumers/:consumers/acls/:acls',
      before: (c) => {
        const group = c.params.acls;
        if (isUuid(group)) return undefined;
        const consumer = selectEntity(consumers, c.params.consumers);
        if (!consumer) return notFound();
        const acl = acls.all().find((a) => a.consumer.id === consumer.id && a.group === group);
        if (acl) c.params.acls = acl.id;
        else if (c.method !== 'PUT') return notFound();
        else c.params.acls = crypto.randomUUID();
        if (c.method === 'PUT' && c.post.group === undefined) c.post.group = group;
        return undefined;
      },
      methods: {},
    });

    // routes/config.lua: DB-less nodes only
    const withDatabase = { status: 400, body: { message: 'this endpoint is only available when Kong is configured to not use a database' } };
    add({
      pattern: '/config',
      methods: {
        GET: () => this.node.declarative?.export() ?? withDatabase,
        // lapis' self.params: the query's arguments, then the body's
        POST: (c) => this.node.declarative?.load({ ...c.uri, ...c.post }, c.rawBody) ?? withDatabase,
      },
    });

    // routes/kong.lua
    add({ pattern: '/', methods: { GET: () => ok(this.node.nodeInformation()) } });
    add({ pattern: '/endpoints', methods: { GET: () => ok({ data: this.endpoints }) } });
    add({
      pattern: '/status',
      methods: {
        // routes/health.lua:16: `unit` and `scale` of the memory figures
        GET: (c) => {
          const unit = c.uri.unit ?? 'm';
          const scale = c.uri.scale !== undefined ? Number(c.uri.scale) : undefined;
          if (!['', 'b', 'k', 'm', 'g'].includes(unit.toLowerCase())) {
            return { status: 400, body: { message: `invalid unit '${unit}' (expected 'k/K', 'm/M', or 'g/G')` } };
          }
          if (scale !== undefined && (Number.isNaN(scale) || scale < 0) && unit.toLowerCase() !== 'b') {
            return { status: 400, body: { message: 'scale must be equal or greater than 0' } };
          }
          return ok(this.node.nodeStatus(unit, scale));
        },
      },
    });
    add({
      pattern: '/schemas/:name',
      methods: {
        GET: (c) => {
          const dao = [...this.db.defs.keys()].includes(c.params.name) ? this.db.dao(c.params.name) : undefined;
          if (!dao) return notFound(`No entity named '${c.params.name}'`);
          return ok(schemaToJsonable(dao.schema.def.fields, dao.schema.def.entity_checks));
        },
      },
    });
    const validate = (name: string, body: Entity): Answer => {
      const dao = [...this.db.defs.keys()].includes(name) ? this.db.dao(name) : undefined;
      if (!dao) return notFound(`No entity named '${name}'`);
      // routes/kong.lua:33 validate_schema: auto fields, then the schema; no foreign keys, no unique fields
      return this.db.withClock(() => {
        const processed = dao.schema.processAutoFields(body, 'insert');
        const errors = 'errors' in processed ? processed.errors : dao.schema.validate(processed.data);
        if (errors) return { status: 400, body: { code: 2, name: 'schema violation', message: schemaViolationMessage(errors), fields: errors } };
        return ok({ message: 'schema validation successful' });
      });
    };
    add({ pattern: '/schemas/:db_entity_name/validate', methods: { POST: (c) => validate(c.params.db_entity_name, c.post) } });
    add({ pattern: '/schemas/plugins/validate', methods: { POST: (c) => validate('plugins', c.post) } });
    add({ pattern: '/schemas/vaults/validate', methods: { POST: (c) => validate('vaults', c.post) } });
    for (const kind of ['plugins', 'vaults'] as const) {
      add({
        pattern: `/schemas/${kind}/:name`,
        methods: {
          GET: (c) => {
            const sub = this.db.dao(kind).schema.subschemas.get(c.params.name);
            if (!sub) return notFound(`No ${kind === 'plugins' ? 'plugin' : 'vault'} named '${c.params.name}'`);
            return ok(schemaToJsonable(sub.def.fields, sub.def.entity_checks));
          },
        },
      });
    }

    // routes/tags.lua and the tags DAO
    add({ pattern: '/tags', methods: { GET: (c) => this.tags(c) } });
    add({ pattern: '/tags/:tags', methods: { GET: (c) => this.tags(c, c.rawParams.tags) } });

    // routes/clustering.lua
    const cpOnly = { status: 400, body: { message: 'this endpoint is only available when Kong is configured to run as Control Plane for the cluster' } };
    add({
      pattern: '/clustering/data-planes',
      methods: {
        GET: (c) => {
          if (this.node.role !== 'control_plane') return cpOnly;
          const args: Record<string, Json> = { ...c.uri };
          const size = pageSize(args);
          if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) throw E.invalidSize('size must be an integer between 1 and 1000');
          const page = pageOf(this.node.dataPlanes(), (d) => d.id, size ?? 100, args.offset);
          const nextSize = args.size !== undefined ? `&size=${args.size}` : '';
          return ok({
            data: page.data, ...(page.offset !== undefined ? { offset: page.offset } : {}),
            next: page.offset !== undefined ? `/clustering/data-planes?offset=${escapeUri(page.offset)}${nextSize}` : null,
          });
        },
      },
    });
    add({
      pattern: '/clustering/status',
      methods: {
        GET: () => {
          if (this.node.role !== 'control_plane') return cpOnly;
          const data = Object.fromEntries(this.node.dataPlanes().map((d) => [d.id, { config_hash: d.config_hash, hostname: d.hostname, ip: d.ip, last_seen: d.last_seen }]));
          return { status: 200, body: data, headers: { deprecation: 'true' } };
        },
      },
    });
  }

  /** `/tags` and `/tags/:tags` (routes/tags.lua, dao/tags.lua). */
  private tags(c: Ctx, rawTag?: string): Answer {
    const args: Record<string, Json> = { ...c.uri };
    const size = pageSize(args);
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 1000)) throw E.invalidSize('size must be an integer between 1 and 1000');
    let tag: string | undefined;
    if (rawTag !== undefined) {
      const bad = invalidUtf8At(rawTag);
      if (bad > 0) throw E.invalidUnique('tag', `invalid utf-8 character sequence detected at position ${bad}`);
      tag = unescapeUri(rawTag);
    }
    const all: Entity[] = [];
    for (const def of this.db.defs.values()) {
      const dao = this.db.dao(def.name);
      if (!dao.schema.fields.has('tags')) continue;
      for (const e of dao.all()) for (const t of e.tags ?? []) if (tag === undefined || t === tag) all.push({ entity_name: def.name, entity_id: e.id, tag: t });
    }
    all.sort((a, b) => (`${a.tag}\u0000${a.entity_id}` < `${b.tag}\u0000${b.entity_id}` ? -1 : 1));
    const page = pageOf(all, (t) => `${t.tag}\u0000${t.entity_id}`, size ?? 100, args.offset);
    const base = rawTag !== undefined ? `/tags/${rawTag}` : '/tags';
    return ok({
      data: page.data, ...(page.offset !== undefined ? { offset: page.offset } : {}),
      next: page.offset !== undefined ? `${base}?offset=${escapeUri(page.offset)}` : null,
    });
  }
}

/** Literal segments before parameters, as lapis routes them. */
function rank(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const pa = a[i].startsWith(':') ? 1 : 0;
    const pb = b[i].startsWith(':') ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return a.length - b.length;
}

/**
 * api_helpers.lua:155 schema_to_jsonable: fields and entity checks without
 * their functions (and foreign schemas). Lua patterns (`match`, …) are given
 * as the regular expressions the emulator checks with.
 */
export function schemaToJsonable(fields: ReadonlyArray<readonly [string, FieldDef]>, checks: readonly unknown[] = []): { fields: Json[]; entity_checks: Json[] } {
  return { fields: fields.map(([k, f]) => ({ [k]: jsonable(f) })), entity_checks: checks.map((c) => jsonable(c)) };
}

function jsonable(v: Json): Json {
  if (v instanceof RegExp) return v.source;
  if (typeof v === 'function') return undefined;
  if (Array.isArray(v)) {
    if (v.length === 2 && typeof v[0] === 'string' && v[1] && typeof v[1] === 'object' && 'type' in v[1]) return { [v[0]]: jsonable(v[1]) };
    return v.map(jsonable);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : luaNumber(v);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'open' || k === 'shorthand_fields') continue;
      const j = jsonable(x);
      if (j !== undefined) out[k] = j;
    }
    if (v.type === 'record' && v.open) out.fields = [];
    return out;
  }
  return v;
}

export type { Schema };
