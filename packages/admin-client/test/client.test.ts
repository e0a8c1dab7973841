import {
  KongAdminError, KongAdminTimeoutError, createKongAdminClient, isConflict, isKongAdminError, isNotFound, isTimeout, isUnauthorized, unwrap, type RetryEvent,
} from '../src';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulated } from './support';

describe('createKongAdminClient', () => {
  test.each([
    [{ baseUrl: 'kong-gw.example.com/kong-admin' }, 'createKongAdminClient: baseUrl must be an http(s) URL, got "kong-gw.example.com/kong-admin"'],
    [{ baseUrl: 'https://k', apiKey: '' }, 'createKongAdminClient: apiKey must not be empty, got ""'],
    [{ baseUrl: 'https://k', apiKeyHeader: 'x key' }, 'createKongAdminClient: apiKeyHeader must be a header name, got "x key"'],
    [{ baseUrl: 'https://k', timeoutMs: 0 }, 'createKongAdminClient: timeoutMs must be a positive number, got 0'],
    [{ baseUrl: 'https://k', retries: 1.5 }, 'createKongAdminClient: retries must be an integer from 0 to 10, got 1.5'],
    [{ baseUrl: 'https://k', retryBaseDelayMs: -1 }, 'createKongAdminClient: retryBaseDelayMs must be 0 or more, got -1'],
  ])('GIVEN bad options %j WHEN creating THEN the error names the option and the value', (options, message) => {
    expect(() => createKongAdminClient(options)).toThrow(message);
  });
});

describe('a proxied Admin API (path prefix and API key)', () => {
  const kong = emulated({ pathPrefix: '/kong-admin', apiKey: 's3cret', apiKeyHeader: 'x-admin-key' });

  test('GIVEN the prefix and key WHEN calling THEN the request reaches the prefixed path with the key in its header', async () => {
    const { data, response } = await kong.kong.GET('/status');
    expect(response.status).toBe(200);
    expect(data?.database?.reachable).toBe(true);
    const [request] = kong.emulator.requests;
    expect(request.path).toBe('/status');
    expect(request.headers['x-admin-key']).toBe('s3cret');
    expect(request.headers.apikey).toBeUndefined();
  });

  test('GIVEN a trailing slash in baseUrl WHEN calling THEN no double slash is sent', async () => {
    const client = createKongAdminClient({ baseUrl: `${kong.emulator.baseUrl}/`, apiKey: 's3cret', apiKeyHeader: 'x-admin-key' });
    expect((await client.GET('/status')).response.status).toBe(200);
  });

  test('GIVEN a wrong or missing key WHEN calling THEN 401, which isUnauthorized recognises', async () => {
    const wrong = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, apiKey: 'nope', apiKeyHeader: 'x-admin-key' });
    const none = createKongAdminClient({ baseUrl: kong.emulator.baseUrl });
    expect((await wrong.GET('/status')).error).toEqual({ message: 'Unauthorized' });
    const result = await none.GET('/status');
    expect(result.error).toEqual({ message: 'No API key found in request' });
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ status: 401 }));
    try {
      unwrap(result);
    } catch (e) {
      expect(isUnauthorized(e)).toBe(true);
    }
  });
});

describe('errors', () => {
  const kong = emulated();

  test('GIVEN a taken username WHEN unwrapping the answer THEN a KongAdminError with Kong\'s code, name, message, fields and the status', async () => {
    kong.emulator.seed('consumers', [{ username: 'alice' }]);
    const err = (() => {
      try {
        return unwrap(undefined as never);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TypeError);
    const result = await kong.kong.POST('/consumers', { body: { username: 'alice' } });
    let thrown: unknown;
    try {
      unwrap(result);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(KongAdminError);
    expect(thrown).toMatchObject({ status: 409, code: 5, name: 'unique constraint violation', fields: { username: 'alice' } });
    expect((thrown as Error).message).toBe('UNIQUE violation detected on \'{username="alice"}\'');
    expect((thrown as KongAdminError).url).toBe(`${kong.emulator.baseUrl}/consumers`);
    expect(isConflict(thrown)).toBe(true);
    expect(isNotFound(thrown)).toBe(false);
  });

  test('GIVEN a missing entity WHEN read THEN isNotFound, with the bare Not found message and no code', async () => {
    let thrown: unknown;
    try {
      unwrap(await kong.kong.GET('/services/{service}', { params: { path: { service: 'nope' } } }));
    } catch (e) {
      thrown = e;
    }
    expect(isNotFound(thrown)).toBe(true);
    expect(thrown).toMatchObject({ status: 404, code: undefined, name: 'KongAdminError', message: 'Not found' });
  });

  test('the guards answer false for anything else, and recognise errors across copies of the package by brand', () => {
    for (const guard of [isKongAdminError, isNotFound, isConflict, isUnauthorized, isTimeout]) {
      expect(guard(new Error('x'))).toBe(false);
      expect(guard(undefined)).toBe(false);
      expect(guard({ status: 404 })).toBe(false);
    }
    const foreign = Object.assign(Object.create(null), { status: 404, [Symbol.for('kong-hybrid.error')]: true });
    expect(isNotFound(foreign)).toBe(true);
    expect(isTimeout(new KongAdminTimeoutError('GET', 'u', 5))).toBe(true);
  });

  test('a non-JSON error body still becomes a KongAdminError naming the URL and status', () => {
    const e = new KongAdminError(502, '<html>Bad Gateway</html>', 'https://k/status');
    expect(e.message).toBe('https://k/status answered 502');
    expect(e.body).toBe('<html>Bad Gateway</html>');
  });
});

describe('retries', () => {
  const events: RetryEvent[] = [];
  const kong = emulated({}, { retries: 2, onRetry: (e) => events.push(e) });
  beforeEach(() => {
    events.length = 0;
  });

  test('GIVEN a 503 then a 200 WHEN GET THEN retried once and the 200 is answered', async () => {
    kong.emulator.failNext({ status: 503 });
    const { data, response } = await kong.kong.GET('/status');
    expect(response.status).toBe(200);
    expect(data?.database).toEqual({ reachable: true });
    expect(kong.emulator.requests).toHaveLength(2);
    expect(events).toMatchObject([{ attempt: 1, request: { method: 'GET' }, response: { status: 503 } }]);
  });

  test.each([429, 502, 503, 504])('GIVEN %i WHEN DELETE (idempotent) THEN retried', async (status) => {
    kong.emulator.failNext({ status });
    expect((await kong.kong.DELETE('/services/{service}', { params: { path: { service: 'x' } } })).response.status).toBe(204);
    expect(kong.emulator.requests).toHaveLength(2);
  });

  test.each([500, 501, 400, 409])('GIVEN %i WHEN GET THEN not retried', async (status) => {
    kong.emulator.failNext({ status, body: { message: 'no' } });
    expect((await kong.kong.GET('/status')).response.status).toBe(status);
    expect(kong.emulator.requests).toHaveLength(1);
  });

  test('GIVEN a 503 WHEN POST or PATCH (not idempotent) THEN never retried', async () => {
    kong.emulator.seed('consumers', [{ username: 'alice' }]);
    kong.emulator.failNext({ status: 503 }, { status: 503 });
    expect((await kong.kong.POST('/consumers', { body: { username: 'bob' } })).response.status).toBe(503);
    expect((await kong.kong.PATCH('/consumers/{consumer}', { params: { path: { consumer: 'alice' } }, body: { custom_id: 'a' } })).response.status).toBe(503);
    expect(kong.emulator.requests).toHaveLength(2);
    expect(kong.emulator.entities('consumers').map((c) => c.username)).toEqual(['alice']);
  });

  test('GIVEN a 503 WHEN PUT THEN the retry sends the same body again', async () => {
    kong.emulator.failNext({ status: 503 });
    const { data } = await kong.kong.PUT('/consumers/{consumer}', { params: { path: { consumer: 'carol' } }, body: { custom_id: 'c-1' } });
    expect(data?.custom_id).toBe('c-1');
    expect(kong.emulator.requests.map((r) => r.body)).toEqual([{ custom_id: 'c-1' }, { custom_id: 'c-1' }]);
  });

  test('GIVEN a dropped connection WHEN GET THEN retried', async () => {
    kong.emulator.failNext({ network: true });
    expect((await kong.kong.GET('/status')).response.status).toBe(200);
    expect(events[0].attempt).toBe(1);
    expect(events[0].response).toBeUndefined();
    expect(String(events[0].error)).toMatch(/fetch failed/);
  });

  test('GIVEN failures past the retries WHEN GET THEN the last 503 is answered after 1 + retries requests', async () => {
    kong.emulator.failNext({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    expect((await kong.kong.GET('/status')).response.status).toBe(503);
    expect(kong.emulator.requests).toHaveLength(3);
  });

  test('GIVEN the connection always drops WHEN GET THEN the network error surfaces after the retries', async () => {
    kong.emulator.failNext({ network: true }, { network: true }, { network: true });
    await expect(kong.kong.GET('/status')).rejects.toThrow(/fetch failed/);
    expect(kong.emulator.requests).toHaveLength(3);
  });

  test('GIVEN the connection always drops WHEN GET THEN the error is fetch\'s own, its root cause one level down', async () => {
    kong.emulator.failNext({ network: true }, { network: true }, { network: true });
    const error = await kong.kong.GET('/status').catch((e: unknown) => e) as Error & { cause?: { code?: string } };
    expect(error.name).toBe('TypeError');
    expect(error.cause?.code).toBe('UND_ERR_SOCKET');
  });

  test('GIVEN a dropped connection WHEN POST (never retried) THEN fetch\'s own error, its root cause one level down', async () => {
    kong.emulator.failNext({ network: true });
    const error = await kong.kong.POST('/consumers', { body: { username: 'dave' } }).catch((e: unknown) => e) as Error & { cause?: { code?: string } };
    expect(error.name).toBe('TypeError');
    expect(error.cause?.code).toBe('UND_ERR_SOCKET');
    expect(kong.emulator.requests).toHaveLength(1);
  });

  test('GIVEN Retry-After in seconds or as a date WHEN retrying THEN the client waits what it says', async () => {
    kong.emulator.failNext({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: new Date(Date.now() - 1000).toUTCString() });
    expect((await kong.kong.GET('/status')).response.status).toBe(200);
    expect(events.map((e) => e.delayMs)).toEqual([0, 0]);
  });

  test('GIVEN Retry-After: 1 WHEN retrying THEN the wait announced is exactly 1000 ms', async () => {
    kong.emulator.failNext({ status: 429, retryAfter: '1' });
    expect((await kong.kong.GET('/status')).response.status).toBe(200);
    expect(events).toMatchObject([{ attempt: 1, delayMs: 1000, response: { status: 429 } }]);
  });

  test('GIVEN Retry-After beyond the call deadline WHEN retrying THEN the client gives up at once and answers the 503', async () => {
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, timeoutMs: 2000, onRetry: (e) => events.push(e) });
    kong.emulator.failNext({ status: 503, retryAfter: '3600' });
    expect((await client.GET('/status')).response.status).toBe(503);
    expect(kong.emulator.requests).toHaveLength(1);
    expect(events).toEqual([]);
  });

  test('GIVEN retries: 0 WHEN a 503 THEN no retry', async () => {
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, retries: 0 });
    kong.emulator.failNext({ status: 503 });
    expect((await client.GET('/status')).response.status).toBe(503);
    expect(kong.emulator.requests).toHaveLength(1);
  });

  test('GIVEN no Retry-After WHEN retrying THEN exponential backoff with jitter from retryBaseDelayMs', async () => {
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, retries: 2, retryBaseDelayMs: 20, onRetry: (e) => events.push(e) });
    kong.emulator.failNext({ status: 502 }, { status: 502 });
    await client.GET('/status');
    const [first, second] = events.map((e) => e.delayMs);
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThanOrEqual(20);
    expect(second).toBeGreaterThanOrEqual(20);
    expect(second).toBeLessThanOrEqual(40);
  });
});

describe('timeouts, with an injected fetch', () => {
  const kong = emulated();

  test('GIVEN a slow Admin API WHEN the call outlasts timeoutMs THEN a KongAdminTimeoutError naming the request and the limit', async () => {
    kong.emulator.setLatency(500);
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, timeoutMs: 50 });
    const error = await client.GET('/status').catch((e: unknown) => e);
    expect(isTimeout(error)).toBe(true);
    expect((error as Error).message).toBe(`GET ${kong.emulator.baseUrl}/status did not complete within 50 ms`);
  });

  test('GIVEN an injected fetch that never answers WHEN the deadline passes THEN it is aborted', async () => {
    const signals: AbortSignal[] = [];
    const hanging: typeof fetch = (_input, init) => new Promise((_, reject) => {
      const signal = init!.signal!;
      signals.push(signal);
      signal.addEventListener('abort', () => reject(signal.reason));
    });
    const client = createKongAdminClient({ baseUrl: 'http://kong.invalid:8001', fetch: hanging, timeoutMs: 20 });
    await expect(client.GET('/status')).rejects.toBeInstanceOf(KongAdminTimeoutError);
    expect(signals).toHaveLength(1);
    expect(signals[0].aborted).toBe(true);
  });

  test('GIVEN the caller aborts WHEN calling THEN its AbortError passes through, not a timeout', async () => {
    kong.emulator.setLatency(200);
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl });
    const controller = new AbortController();
    const call = client.GET('/status', { signal: controller.signal });
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(isTimeout(error)).toBe(false);
    expect((error as Error).name).toBe('AbortError');
  });

  test('GIVEN an answer whose body stalls after the headers WHEN the deadline passes THEN the body read is aborted with the timeout', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).write('{"data":[');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const client = createKongAdminClient({ baseUrl: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`, timeoutMs: 50 });
      const error = await client.GET('/consumers').catch((e: unknown) => e);
      expect(isTimeout(error)).toBe(true);
    } finally {
      stalling.closeAllConnections();
      stalling.close();
    }
  });

  test('GIVEN a signal aborted before the call WHEN calling THEN nothing is sent and its AbortError rejects the call', async () => {
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl });
    const error = await client.GET('/status', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(kong.emulator.requests).toHaveLength(0);
  });

  test('GIVEN an injected fetch WHEN calling THEN it receives the request, key header set', async () => {
    const seen: Request[] = [];
    const fake: typeof fetch = async (input) => {
      seen.push(input as Request);
      return new Response(JSON.stringify({ data: [], next: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = createKongAdminClient({ baseUrl: 'https://kong-gw.example.com/kong-admin', apiKey: 'k', fetch: fake });
    await client.GET('/clustering/data-planes', { params: { query: { size: 1000 } } });
    expect(seen[0].url).toBe('https://kong-gw.example.com/kong-admin/clustering/data-planes?size=1000');
    expect(seen[0].headers.get('apikey')).toBe('k');
  });
});

describe('an injected clock', () => {
  const kong = emulated();
  /** Virtual time: `sleep` records the wait and moves the time on at once. */
  function virtualClock(startMs = Date.parse('2030-01-01T00:00:00Z')) {
    const clock = {
      nowMs: startMs,
      sleeps: [] as number[],
      now: () => clock.nowMs,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.nowMs += ms;
      },
    };
    return clock;
  }

  test('GIVEN Retry-After: 5 and a virtual clock WHEN GET THEN the 5 s wait goes through the clock, not a real timer', async () => {
    const clock = virtualClock();
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, clock });
    kong.emulator.failNext({ status: 429, retryAfter: '5' });
    expect((await client.GET('/status')).response.status).toBe(200);
    expect(clock.sleeps).toEqual([5000]);
    expect(kong.emulator.requests).toHaveLength(2);
  });

  test('GIVEN backoff waits WHEN retrying THEN each one is a clock sleep', async () => {
    const clock = virtualClock();
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, clock, retries: 2, retryBaseDelayMs: 1000 });
    kong.emulator.failNext({ status: 502 }, { status: 502 });
    expect((await client.GET('/status')).response.status).toBe(200);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000);
  });

  test('GIVEN a clock that moves 6 s per wait WHEN a second 6 s wait would pass the 10 s deadline THEN the client answers the 503 instead', async () => {
    const clock = virtualClock();
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, clock, timeoutMs: 10_000, retries: 5 });
    kong.emulator.failNext({ status: 503, retryAfter: '6' }, { status: 503, retryAfter: '6' });
    expect((await client.GET('/status')).response.status).toBe(503);
    expect(clock.sleeps).toEqual([6000]);
    expect(kong.emulator.requests).toHaveLength(2);
  });

  test('GIVEN Retry-After as a date WHEN retrying THEN the wait is counted from the clock\'s time', async () => {
    const clock = virtualClock();
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, clock });
    kong.emulator.failNext({ status: 503, retryAfter: new Date(clock.nowMs + 3000).toUTCString() });
    expect((await client.GET('/status')).response.status).toBe(200);
    expect(clock.sleeps).toEqual([3000]);
  });

  test('GIVEN a clock wait that never ends WHEN the caller aborts during it THEN the wait is cut short and the call rejects with the AbortError', async () => {
    const controller = new AbortController();
    const clock = { now: Date.now, sleep: () => new Promise<void>(() => controller.abort()) };
    const client = createKongAdminClient({ baseUrl: kong.emulator.baseUrl, clock });
    kong.emulator.failNext({ status: 503 });
    const error = await client.GET('/status', { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(kong.emulator.requests).toHaveLength(1);
  });
});
