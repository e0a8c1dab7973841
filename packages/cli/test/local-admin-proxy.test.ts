import { startKongAdminEmulator, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { startLocalAdminProxy, type LocalAdminProxy } from '../src/admin-proxy/local-admin-proxy';

const KEY = 'local-proxy-test-key';
let kong: KongAdminEmulator;
let proxy: LocalAdminProxy;

beforeAll(async () => {
  // GIVEN the Admin API behind /kong-admin with key-auth, as the gateway exposes it
  kong = await startKongAdminEmulator({ pathPrefix: '/kong-admin', apiKey: KEY });
  proxy = await startLocalAdminProxy({ target: kong.baseUrl, apiKey: KEY, port: 0, allowOrigin: 'http://localhost:8002' });
});
afterAll(async () => {
  await proxy?.close();
  await kong?.stop();
});

describe('startLocalAdminProxy', () => {
  test('GIVEN no key WHEN calling the Admin API directly THEN key-auth refuses', async () => {
    const res = await fetch(`${kong.baseUrl}/services`);
    expect(res.status).toBe(401);
  });

  test('GIVEN the proxy WHEN Kong Manager reads and writes without a key THEN the proxy adds it and the calls succeed', async () => {
    const before = kong.requests.length;
    const created = await fetch(`${proxy.url}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'origin': 'http://localhost:8002' },
      body: JSON.stringify({ name: 'httpbin', url: 'https://httpbin.org' }),
    });
    expect(created.status).toBe(201);
    // Kong's own CORS answer (`*`, with credentials) must not reach the browser through the proxy
    expect(created.headers.get('access-control-allow-origin')).toBe('http://localhost:8002');
    expect(created.headers.get('access-control-allow-credentials')).toBeNull();

    const listed = await fetch(`${proxy.url}/services?size=10`);
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { data: Array<{ name: string }> };
    expect(page.data.map((s) => s.name)).toEqual(['httpbin']);
    // What reached Kong carried the key.
    const reached = kong.requests.slice(before);
    expect(reached.map((r) => [r.method, r.path, r.headers.apikey])).toEqual([['POST', '/services', KEY], ['GET', '/services', KEY]]);
  });

  test('GIVEN a browser preflight WHEN sent THEN the proxy answers CORS for the allowed origin only', async () => {
    const res = await fetch(`${proxy.url}/services`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8002' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8002');
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  test('GIVEN a plain-HTTP remote target WHEN starting THEN it refuses to send the key there', async () => {
    await expect(startLocalAdminProxy({ target: 'http://kong-gw.example.com/kong-admin', apiKey: KEY, port: 0 }))
      .rejects.toThrow('target must be an https URL (the key travels to it), got http://kong-gw.example.com/kong-admin');
  });

  test('GIVEN Kong is down WHEN calling through the proxy THEN a 502 says which target did not answer, without the key', async () => {
    kong.setDown(true);
    try {
      const res = await fetch(`${proxy.url}/status`);
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(text).toContain(kong.baseUrl);
      expect(text).not.toContain(KEY);
    } finally {
      kong.setDown(false);
    }
  });
});
