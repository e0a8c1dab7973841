/**
 * The contract: our OpenAPI document, loaded once, with a router over its
 * paths and ajv validators for every parameter, request body and response.
 * A finding is a *violation*: the emulator records it and the test fails.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The document every request and response is checked against. */
export const DOCUMENT_FILE = path.join(__dirname, '..', '..', 'openapi', 'kong-admin.yaml');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Where the parsed document is kept as JSON, by the SHA-256 of the YAML's bytes
 * and the YAML parser's version: a changed document or parser is a new key, so
 * a kept copy is never stale. Parsing the 400 kB of YAML took a quarter of the
 * CPU time of the admin client's conformance tests (each test file is its own
 * module registry, so each parsed it again); reading the JSON back takes a few
 * milliseconds. git ignores node_modules/, a clean clone starts with none, and
 * KONG_HYBRID_TEST_CACHE=off parses every time (as tools/jest/environment.cjs).
 */
const CACHE_DIR = path.join(__dirname, '..', '..', '..', '..', 'node_modules', '.cache', 'kong-hybrid', 'openapi');

/** The document, parsed from its YAML, or its kept parse (see CACHE_DIR). */
export function loadDocument(file: string = DOCUMENT_FILE): Json {
  const bytes = readFileSync(file);
  if (process.env.KONG_HYBRID_TEST_CACHE === 'off') return parse(bytes.toString('utf8'));
  const yamlVersion: string = require('yaml/package.json').version; // eslint-disable-line @typescript-eslint/no-require-imports
  const hash = createHash('sha256').update(`yaml ${yamlVersion}\0`).update(bytes).digest('hex');
  const kept = path.join(CACHE_DIR, `${hash}.json`);
  if (existsSync(kept)) return JSON.parse(readFileSync(kept, 'utf8'));
  const document = parse(bytes.toString('utf8'));
  const json = JSON.stringify(document);
  // Only a document JSON carries whole (no Infinity, NaN, dates) is kept.
  if (isDeepStrictEqual(JSON.parse(json), document)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Whole or not at all: another jest worker may read it at the same moment.
    const partial = `${kept}.${process.pid}.tmp`;
    writeFileSync(partial, json);
    renameSync(partial, kept);
  }
  return document;
}

interface Route {
  readonly template: string;
  readonly regex: RegExp;
  readonly names: string[];
  /** Literal segments rank before parameters, as in Kong's router. */
  readonly rank: number[];
}

/** A request matched to an operation of the document. */
export interface Match {
  readonly template: string;
  readonly method: string;
  readonly operation: Json;
  readonly operationId: string;
  readonly pathParams: Record<string, string>;
  readonly parameters: Json[];
}

export type FindResult = { match: Match } | { notFound: true } | { methodNotAllowed: true; template: string };

export class Contract {
  private static loaded: Contract | undefined;

  /**
   * The document, parsed and compiled once per jest worker: jest gives each test
   * file its own module registry, so a static alone would compile the document's
   * validators again in every file (ajv's compile was a quarter of the admin
   * client's test CPU). The shared test environment (tools/jest/environment.cjs)
   * keeps it for the worker's next files, by the hash of the document's bytes;
   * a Contract answers the same for the same document and nothing changes it.
   * Within a file (an emulator per test, a world per property run) it is the
   * static: the document is read and hashed once per file, not per emulator.
   */
  static load(): Contract {
    if (Contract.loaded) return Contract.loaded;
    const store: Map<string, unknown> | undefined = (globalThis as { __kongHybridWorkerStore?: Map<string, unknown> }).__kongHybridWorkerStore;
    const key = `contract ${createHash('sha256').update(readFileSync(DOCUMENT_FILE)).digest('hex')}`;
    Contract.loaded = (store?.get(key) as Contract | undefined) ?? new Contract(loadDocument());
    store?.set(key, Contract.loaded);
    return Contract.loaded;
  }

  private readonly ajv: Ajv2020;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'kong-admin');
    this.routes = Object.keys(document.paths).map((template) => {
      const segments = template.split('/').slice(1);
      const names: string[] = [];
      const source = segments.map((s) => {
        const m = /^\{(.+)\}$/.exec(s);
        if (!m) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1]);
        return '([^/]+)';
      });
      return {
        template,
        regex: new RegExp(`^/${source.join('/')}$`),
        names,
        rank: segments.map((s) => (s.startsWith('{') ? 1 : 0)),
      };
    }).sort((a, b) => compareRanks(a.rank, b.rank));
  }

  /** Every path of the document. */
  get templates(): string[] {
    return Object.keys(this.document.paths);
  }

  /** The operation a method and path (without any prefix) resolve to. */
  find(method: string, urlPath: string): FindResult {
    let allowedElsewhere: string | undefined;
    for (const route of this.routes) {
      const m = route.regex.exec(urlPath);
      if (!m) continue;
      const item = this.document.paths[route.template];
      const operation = item[method.toLowerCase()];
      if (!operation) {
        allowedElsewhere ??= route.template;
        continue;
      }
      const pathParams = Object.fromEntries(route.names.map((n, i) => [n, safeDecode(m[i + 1])]));
      const parameters = mergeParameters(this.deref(item.parameters ?? []), this.deref(operation.parameters ?? []));
      return { match: { template: route.template, method: method.toUpperCase(), operation, operationId: operation.operationId, pathParams, parameters } };
    }
    return allowedElsewhere ? { methodNotAllowed: true, template: allowedElsewhere } : { notFound: true };
  }

  /** Violations of a request: undocumented or invalid parameters, and an invalid or unexpected body. */
  validateRequest(match: Match, query: URLSearchParams, body: { present: boolean; json: boolean; value?: unknown; mediaType?: string }): string[] {
    const problems: string[] = [];
    for (const p of match.parameters.filter((x) => x.in === 'path')) {
      problems.push(...this.check(p.schema, match.pathParams[p.name], `path parameter ${p.name}`));
    }
    const declared = new Map(match.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
    for (const name of new Set(query.keys())) {
      const p = declared.get(name);
      if (!p) {
        problems.push(`query parameter ${name} is not in the document`);
        continue;
      }
      problems.push(...this.check(p.schema, coerce(query.get(name)!, this.resolve(p.schema)), `query parameter ${name}`));
    }
    for (const p of declared.values()) if (p.required && !query.has(p.name)) problems.push(`query parameter ${p.name} is required`);

    const requestBody = match.operation.requestBody ? this.resolve(match.operation.requestBody) : undefined;
    if (!requestBody) {
      if (body.present) problems.push('the operation takes no request body, but one was sent');
    } else if (!body.present) {
      if (requestBody.required) problems.push('the request body is required');
    } else if (!body.json) {
      // another media type the operation documents (a YAML body of `/config`) is checked as the text it is
      const other = body.mediaType ? requestBody.content[body.mediaType] : undefined;
      if (other) problems.push(...this.check(other.schema, body.value, 'request body'));
      else problems.push('the request body must be application/json');
    } else {
      problems.push(...this.check(requestBody.content['application/json'].schema, body.value, 'request body'));
    }
    return problems;
  }

  /** The ajv errors of a request body, for a Kong-style 400 answer. */
  requestBodyErrors(match: Match, value: unknown): ErrorObject[] {
    const requestBody = match.operation.requestBody ? this.resolve(match.operation.requestBody) : undefined;
    if (!requestBody) return [];
    const validate = this.compile(requestBody.content['application/json'].schema);
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  /** Violations of a response: an undocumented status, or a body that does not match. */
  validateResponse(match: Match, status: number, body: { present: boolean; json: boolean; value?: unknown }, head = false): string[] {
    const documented = match.operation.responses[String(status)] ?? match.operation.responses.default;
    if (!documented) return [`status ${status} is not documented for ${match.method} ${match.template}`];
    // HEAD is GET without the body (RFC 9110, 9.3.2): the status is checked, not the body
    if (head) return [];
    const response = this.resolve(documented);
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return body.present ? [`status ${status} of ${match.method} ${match.template} has no body in the document, but one was sent`] : [];
    if (!body.present || !body.json) return [`status ${status} of ${match.method} ${match.template} must have a JSON body`];
    return this.check(schema, body.value, `response body (${status})`);
  }

  /** Validates a value against a component schema, for example `DataPlane`. */
  validateComponent(name: string, value: unknown): string[] {
    return this.check({ $ref: `#/components/schemas/${name}` }, value, name);
  }

  /** A component schema, with its `$ref`s left in place. */
  component(name: string): Json {
    return this.document.components.schemas[name];
  }

  /** Follows a local `$ref` (to a component) until a concrete object. */
  resolve(node: Json): Json {
    let out = node;
    while (out && typeof out === 'object' && typeof out.$ref === 'string') {
      out = out.$ref.slice(2).split('/').reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], this.document);
    }
    return out;
  }

  private deref(list: Json[]): Json[] {
    return list.map((p) => this.resolve(p));
  }

  private check(schema: Json, value: unknown, what: string): string[] {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${what}${e.instancePath}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
  }

  private compile(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** `#/components/...` refs point into the document, registered as `kong-admin`. */
function rebase(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema), (k, v) => (k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `kong-admin${v}` : v));
}

function mergeParameters(pathLevel: Json[], operationLevel: Json[]): Json[] {
  const out = new Map<string, Json>();
  for (const p of [...pathLevel, ...operationLevel]) out.set(`${p.in}:${p.name}`, p);
  return [...out.values()];
}

function coerce(raw: string, schema: Json): unknown {
  if (schema?.type === 'integer' || schema?.type === 'number') {
    const n = Number(raw);
    return raw.trim() === '' || Number.isNaN(n) ? raw : n;
  }
  if (schema?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
