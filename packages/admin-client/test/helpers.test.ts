import {
  DATA_PLANE_PING_INTERVAL_SECONDS, EMPTY_CONFIG_HASH, allTags, anyTags, isKongAdminError, listAll, paginate, readDataPlaneSync, summarizeDataPlaneSync, upsert,
  type DataPlane,
} from '../src';
import { emulated } from './support';

const kong = emulated({ pathPrefix: '/kong-admin' });

describe('paginate', () => {
  test('GIVEN 2,500 consumers WHEN paginated THEN every one comes once, in 3 requests of size 1000 chained by offset', async () => {
    const seeded = kong.emulator.seed('consumers', Array.from({ length: 2500 }, (_, i) => ({ username: `user-${i}` })));
    const seen: string[] = [];
    for await (const consumer of paginate(kong.kong, '/consumers')) seen.push(consumer.username!);
    expect(seen.sort()).toEqual(seeded.map((c) => c.username).sort());
    const requests = kong.emulator.requests;
    expect(requests.map((r) => r.query.size)).toEqual(['1000', '1000', '1000']);
    expect(requests[0].query.offset).toBeUndefined();
    expect(requests[1].query.offset).toEqual(expect.any(String));
    expect(requests[2].query.offset).not.toBe(requests[1].query.offset);
  });

  test('GIVEN a path prefix WHEN paginating THEN pages are requested under the prefix (next, which drops it, is not used)', async () => {
    kong.emulator.seed('services', Array.from({ length: 5 }, (_, i) => ({ name: `s${i}`, host: 'h.internal' })));
    const page = await kong.kong.GET('/services', { params: { query: { size: 2 } } });
    expect(page.data?.next).toMatch(/^\/services\?offset=.+&size=2$/);
    expect(await listAll(kong.kong, '/services', { pageSize: 2 })).toHaveLength(5);
  });

  test('GIVEN a nested list WHEN paginated THEN the path parameter is required and used', async () => {
    kong.emulator.seed('consumers', [{ username: 'alice' }]);
    for (let i = 0; i < 3; i++) await kong.kong.POST('/consumers/{consumer}/acls', { params: { path: { consumer: 'alice' } }, body: { group: `g${i}` } });
    const groups = await listAll(kong.kong, '/consumers/{consumer}/acls', { path: { consumer: 'alice' }, pageSize: 2 });
    expect(groups.map((a) => a.group).sort()).toEqual(['g0', 'g1', 'g2']);
  });

  test('GIVEN tag filters WHEN paginated THEN allTags is AND and anyTags is OR', async () => {
    kong.emulator.seed('services', [
      { name: 'a', host: 'a.internal', tags: ['team-a', 'prod'] },
      { name: 'b', host: 'b.internal', tags: ['team-b', 'prod'] },
    ]);
    const names = async (tags: string) => (await listAll(kong.kong, '/services', { query: { tags } })).map((s) => s.name).sort();
    expect(await names(allTags('team-a', 'prod'))).toEqual(['a']);
    expect(await names(anyTags('team-a', 'team-b'))).toEqual(['a', 'b']);
  });

  test('GIVEN a failing page WHEN paginating THEN a KongAdminError is thrown', async () => {
    const error = await paginate(kong.kong, '/services/{service}/routes', { path: { service: 'missing' } }).next().catch((e: unknown) => e);
    expect(isKongAdminError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, url: expect.stringContaining('/services/missing/routes') });
  });

  test('GIVEN a page size outside 1..1000 WHEN paginating THEN a RangeError names it', async () => {
    await expect(paginate(kong.kong, '/services', { pageSize: 1001 }).next()).rejects.toThrow('paginate: pageSize must be an integer from 1 to 1000, got 1001');
  });
});

describe('tag filters', () => {
  test('join with , (all) and / (any)', () => {
    expect(allTags('a', 'b', 'c')).toBe('a,b,c');
    expect(anyTags('a', 'b')).toBe('a/b');
  });

  test.each([[','], ['a/b'], [''], ['tab\there']])('refuse the tag %j', (tag) => {
    expect(() => allTags(tag)).toThrow(`allTags: a tag must be printable, without ',' or '/', got ${JSON.stringify(tag)}`);
  });

  test('refuse more than five tags at run time too', () => {
    expect(() => (anyTags as unknown as (...t: string[]) => string)('1', '2', '3', '4', '5', '6')).toThrow('anyTags: Kong filters by 1 to 5 tags, got 6');
  });
});

describe('upsert', () => {
  test('GIVEN nothing WHEN upserted by name THEN created; WHEN upserted again THEN replaced whole, same id', async () => {
    const created = await upsert(kong.kong, 'services', 'admin-api', { url: 'http://127.0.0.1:8001', retries: 1 });
    expect(created).toMatchObject({ name: 'admin-api', host: '127.0.0.1', port: 8001, retries: 1 });
    const replaced = await upsert(kong.kong, 'services', 'admin-api', { url: 'http://127.0.0.1:8001' });
    expect(replaced).toMatchObject({ id: created.id, retries: 5 });
    expect(kong.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /services/admin-api', 'PUT /services/admin-api']);
  });

  test('GIVEN the admin-proxy bootstrap WHEN upserted THEN route, plugins by instance name, consumer and key by key converge', async () => {
    await upsert(kong.kong, 'services', 'admin-api', { url: 'http://127.0.0.1:8001' });
    await upsert(kong.kong, 'routes', 'admin-api', { paths: ['/kong-admin'], service: { name: 'admin-api' } });
    for (let i = 0; i < 2; i++) {
      await upsert(kong.kong, 'plugins', 'admin-api-key-auth', { name: 'key-auth', route: { name: 'admin-api' }, config: { hide_credentials: true } });
      await upsert(kong.kong, 'plugins', 'admin-api-ip-restriction', { name: 'ip-restriction', route: { name: 'admin-api' }, config: { allow: ['203.0.113.0/24'] } });
      await upsert(kong.kong, 'consumers', 'admin', {});
      await upsert(kong.kong, 'key-auths', 'generated-secret', { consumer: { username: 'admin' } });
    }
    expect(kong.emulator.entities('plugins').map((p) => p.instance_name).sort()).toEqual(['admin-api-ip-restriction', 'admin-api-key-auth']);
    expect(kong.emulator.entities('key-auths')).toHaveLength(1);
  });

  test('GIVEN a conflicting body WHEN upserted THEN Kong\'s error is thrown as a KongAdminError', async () => {
    await upsert(kong.kong, 'plugins', 'one', { name: 'key-auth' });
    await expect(upsert(kong.kong, 'plugins', 'two', { name: 'key-auth' })).rejects.toMatchObject({ status: 409, code: 5 });
  });

  test.each([
    ['services', '', /^upsert: name must be a non-empty string, not a UUID, got ""$/],
    ['services', '7f1c5b1e-0000-4000-8000-000000000001', /^upsert: name must be a non-empty string, not a UUID, got "7f1c5b1e-0000-4000-8000-000000000001"$/],
    ['nope', 'x', /^upsert: entity must be one of services,routes,.*, got "nope"$/],
  ])('GIVEN %s %j WHEN upserted THEN a clear error, before any request', async (entity, name, message) => {
    await expect(upsert(kong.kong, entity as 'services', name, { host: 'h' })).rejects.toThrow(message);
    expect(kong.emulator.requests).toEqual([]);
  });

  test('GIVEN a body whose name differs from the URL WHEN upserted THEN the name in the URL wins (kong/db/dao/init.lua:604 at 3.9.3)', async () => {
    expect(await upsert(kong.kong, 'services', 'a', { name: 'b', host: 'h' })).toMatchObject({ name: 'a', host: 'h' });
    expect(kong.emulator.entities('services').map((s) => s.name)).toEqual(['a']);
  });
});

const NOW = 1_764_150_000;
const dp = (n: number, over: Partial<DataPlane> = {}): DataPlane => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ip: `10.0.3.${n % 250}`,
  hostname: `ip-10-0-3-${n}`,
  version: '3.9.1',
  config_hash: 'a'.repeat(32),
  last_seen: NOW - 10,
  sync_status: 'normal',
  ...over,
});

describe('summarizeDataPlaneSync', () => {
  test('GIVEN fresh data planes on one hash THEN in sync, with that common hash', () => {
    const s = summarizeDataPlaneSync([dp(1), dp(2)], { nowSeconds: NOW });
    expect(s).toMatchObject({ total: 2, stale: [], incompatible: [], emptyConfig: [], configHashes: ['a'.repeat(32)], commonConfigHash: 'a'.repeat(32), inSync: true });
    expect(s.fresh).toHaveLength(2);
  });

  test('GIVEN fresh data planes on two hashes THEN no common hash, not in sync', () => {
    const s = summarizeDataPlaneSync([dp(1), dp(2, { config_hash: 'b'.repeat(32) })], { nowSeconds: NOW });
    expect(s.configHashes).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(s.commonConfigHash).toBeUndefined();
    expect(s.inSync).toBe(false);
  });

  test('GIVEN a data plane silent for longer than three pings THEN stale, and its hash ignored', () => {
    const old = dp(2, { last_seen: NOW - 3 * DATA_PLANE_PING_INTERVAL_SECONDS - 1, config_hash: 'b'.repeat(32) });
    const edge = dp(3, { last_seen: NOW - 3 * DATA_PLANE_PING_INTERVAL_SECONDS });
    const s = summarizeDataPlaneSync([dp(1), old, edge], { nowSeconds: NOW });
    expect(s.stale).toEqual([old]);
    expect(s.fresh).toEqual([dp(1), edge]);
    expect(s.inSync).toBe(true);
    expect(summarizeDataPlaneSync([dp(1), old], { nowSeconds: NOW, staleAfterSeconds: 1000 }).commonConfigHash).toBeUndefined();
  });

  test('GIVEN an incompatible data plane THEN reported, and not in sync even on one hash', () => {
    const bad = dp(2, { sync_status: 'plugin_set_incompatible' });
    const s = summarizeDataPlaneSync([dp(1), bad, dp(3, { sync_status: 'unknown' })], { nowSeconds: NOW });
    expect(s.incompatible).toEqual([bad]);
    expect(s.commonConfigHash).toBe('a'.repeat(32));
    expect(s.inSync).toBe(false);
  });

  test('GIVEN data planes on the empty configuration THEN reported, and not in sync', () => {
    const s = summarizeDataPlaneSync([dp(1, { config_hash: EMPTY_CONFIG_HASH })], { nowSeconds: NOW });
    expect(s.emptyConfig).toHaveLength(1);
    expect(s.commonConfigHash).toBe(EMPTY_CONFIG_HASH);
    expect(s.inSync).toBe(false);
  });

  test('GIVEN no data plane THEN zero of everything, not in sync', () => {
    expect(summarizeDataPlaneSync([], { nowSeconds: NOW })).toEqual({
      total: 0, fresh: [], stale: [], incompatible: [], emptyConfig: [], configHashes: [], commonConfigHash: undefined, inSync: false,
    });
  });

  test('GIVEN bad options THEN errors name them', () => {
    expect(() => summarizeDataPlaneSync([], { nowSeconds: Number.NaN })).toThrow('summarizeDataPlaneSync: nowSeconds must be Unix seconds, got NaN');
    expect(() => summarizeDataPlaneSync([], { nowSeconds: NOW, staleAfterSeconds: 0 })).toThrow('summarizeDataPlaneSync: staleAfterSeconds must be positive, got 0');
  });

  test('for any mix of data planes, fresh and stale partition them and inSync means one non-empty hash among compatible fresh ones', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const statuses = ['normal', 'unknown', 'kong_version_incompatible'] as const;
    const hashes = ['a'.repeat(32), 'b'.repeat(32), EMPTY_CONFIG_HASH];
    for (let run = 0; run < 200; run++) {
      const dps = Array.from({ length: Math.floor(random() * 6) }, (_, i) => dp(i, {
        last_seen: NOW - Math.floor(random() * 200),
        config_hash: hashes[Math.floor(random() * hashes.length)],
        sync_status: statuses[Math.floor(random() * statuses.length)],
      }));
      const s = summarizeDataPlaneSync(dps, { nowSeconds: NOW });
      expect(s.fresh.length + s.stale.length).toBe(dps.length);
      const freshHashes = new Set(s.fresh.map((d) => d.config_hash));
      const expected = freshHashes.size === 1 && !freshHashes.has(EMPTY_CONFIG_HASH) && s.fresh.every((d) => d.sync_status !== 'kong_version_incompatible');
      expect(s.inSync).toBe(expected);
    }
  });
});

describe('readDataPlaneSync', () => {
  test('GIVEN 1,500 data planes WHEN read THEN both pages are read and summarised', async () => {
    kong.emulator.setDataPlanes(Array.from({ length: 1500 }, (_, i) => dp(i, i === 42 ? { last_seen: NOW - 600 } : {})));
    const s = await readDataPlaneSync(kong.kong, { nowSeconds: NOW });
    expect(s.total).toBe(1500);
    expect(s.stale.map((d) => d.hostname)).toEqual(['ip-10-0-3-42']);
    expect(s.inSync).toBe(true);
    expect(kong.emulator.requests.map((r) => r.path)).toEqual(['/clustering/data-planes', '/clustering/data-planes']);
  });

  test('GIVEN a node that is not a control plane WHEN read THEN Kong\'s 400 is thrown', async () => {
    const { startKongAdminEmulator } = await import('./emulator');
    const { createKongAdminClient } = await import('../src');
    const traditional = await startKongAdminEmulator({ role: 'traditional' });
    try {
      await expect(readDataPlaneSync(createKongAdminClient({ baseUrl: traditional.baseUrl }))).rejects.toMatchObject({ status: 400 });
    } finally {
      await traditional.stop();
    }
  });
});
