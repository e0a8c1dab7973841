/**
 * The harness of the conformance suite: Kong's own Admin API specs (Kong/kong
 * at tag 3.9.3), translated. Each file of this folder translates one Kong spec
 * file, named by `kongSpec(...)`; each test is named by the `it(...)` title it
 * comes from (`it_content_types` titles end in ` with application/json`: only
 * the JSON variants are translated).
 *
 * The emulator checks every request and response against our OpenAPI
 * document. Here a response that breaks it fails the test at once, and so
 * does a request the document refuses but Kong answers with a success: the
 * document must describe what Kong accepts. A request Kong refuses may break
 * the document (that is the point of sending it). `undocumented: true` marks
 * the requests Kong accepts that the document leaves out on purpose (another
 * method than the document's, unknown query parameters, a body on a GET).
 */
import { request } from 'node:http';
import { startKongAdminEmulator, type Entity, type KongAdminEmulator, type KongAdminEmulatorOptions, type Violation } from '../emulator';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface KongResponse {
  readonly status: number;
  /** The body, parsed as JSON when it is JSON. */
  readonly body: Json;
  readonly text: string;
  readonly headers: Headers;
  /** The breaks of the document the request made (Kong refused it, or `undocumented`). */
  readonly requestViolations: Violation[];
}

export interface SendOptions {
  /** A JSON body. */
  readonly body?: unknown;
  /** A body sent as it is. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string | number>;
  /** Kong accepts this request, the document leaves it out on purpose. */
  readonly undocumented?: boolean;
}

/** A virtual clock for the emulator (Unix seconds): the specs' `ngx.sleep` becomes `advance`. */
export interface Clock {
  now: number;
  advance(seconds: number): void;
}

export interface Harness {
  readonly kong: KongAdminEmulator;
  readonly clock: Clock;
  send(method: string, path: string, options?: SendOptions): Promise<KongResponse>;
  get(path: string, options?: SendOptions): Promise<KongResponse>;
  post(path: string, options?: SendOptions): Promise<KongResponse>;
  put(path: string, options?: SendOptions): Promise<KongResponse>;
  patch(path: string, options?: SendOptions): Promise<KongResponse>;
  delete(path: string, options?: SendOptions): Promise<KongResponse>;
  /** Kong's blueprints (`bp.<entity>:insert`): entities made through the DAO, with every check. */
  insert(collection: string, body?: Entity): Entity;
}

/**
 * One of Kong's spec files: a fresh emulator for the file, emptied (and its
 * clock reset) before each test.
 */
export function kongSpec(file: string, body: (k: Harness) => void, options: KongAdminEmulatorOptions = {}): void {
  describe(file, () => {
    const clock: Clock = {
      now: Math.floor(Date.now() / 1000),
      advance(seconds) {
        clock.now += seconds;
      },
    };
    let emulator: KongAdminEmulator;
    const send = async (method: string, path: string, o: SendOptions = {}): Promise<KongResponse> => {
      const url = new URL(`${emulator.baseUrl}${path}`);
      for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.append(k, String(v));
      const headers: Record<string, string> = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
      const res = await rawRequest(method, url, headers, o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined));
      const text = res.text;
      let parsed: Json = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: the text
      }
      const violations = emulator.takeViolations();
      const responses = violations.filter((v) => v.kind === 'response');
      if (responses.length > 0) throw new Error(`the answer to ${method} ${path} breaks the document:\n${JSON.stringify(responses, null, 2)}`);
      const requests = violations.filter((v) => v.kind === 'request');
      if (requests.length > 0 && res.status < 400 && !o.undocumented) {
        throw new Error(`Kong accepts ${method} ${path} (${res.status}) but the document refuses it:\n${JSON.stringify(requests, null, 2)}`);
      }
      return { status: res.status, body: parsed, text, headers: res.headers, requestViolations: requests };
    };
    const k: Harness = {
      get kong() {
        return emulator;
      },
      clock,
      send,
      get: (p, o) => send('GET', p, o),
      post: (p, o) => send('POST', p, o),
      put: (p, o) => send('PUT', p, o),
      patch: (p, o) => send('PATCH', p, o),
      delete: (p, o) => send('DELETE', p, o),
      insert: (collection, b = {}) => emulator.seed(collection, [b])[0],
    };
    beforeAll(async () => {
      emulator = await startKongAdminEmulator({ ...options, now: () => clock.now });
    });
    beforeEach(() => {
      emulator.reset();
      clock.now = Math.floor(Date.now() / 1000);
    });
    afterAll(() => emulator?.stop());
    body(k);
  });
}

/**
 * An HTTP request as Kong's spec client sends it: any method with or without
 * a body (a GET may carry one), exactly the headers given (`fetch` would add
 * a content type to a text body).
 */
function rawRequest(method: string, url: URL, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: h });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let n = 0;
/** Kong's `gensym` and `get_name` helpers: a fresh name. */
export const fresh = (prefix = 'name') => `${prefix}${String(++n).padStart(4, '0')}`;

/** A random UUID (Kong's `uuid.uuid()`). */
export const uuid = () => crypto.randomUUID();
