import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { startKongAdminEmulator, type DataPlane, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { KongDataPlaneSync } from '../src/adapters/kong';

const NOW = 1_767_258_000; // seconds
const HASH_A = 'a'.repeat(32);
const HASH_B = 'b'.repeat(32);

let emulator: KongAdminEmulator;
let reader: KongDataPlaneSync;

beforeAll(async () => {
  emulator = await startKongAdminEmulator();
  reader = new KongDataPlaneSync(createKongAdminClient({ baseUrl: emulator.baseUrl, timeoutMs: 2_000, retries: 0 }), { staleAfterSeconds: 90 });
});
beforeEach(() => emulator.reset());
afterAll(async () => {
  await emulator?.stop();
});

function dp(i: number, overrides: Partial<DataPlane> = {}): DataPlane {
  const hex = i.toString(16).padStart(12, '0');
  return {
    id: `5b0f3c4e-7f3c-4d0e-9a57-${hex}`,
    ip: `10.0.${Math.floor(i / 250)}.${i % 250}`,
    hostname: `dp-${i}`,
    version: '3.9.3',
    config_hash: HASH_A,
    last_seen: NOW - 10,
    sync_status: 'normal',
    ...overrides,
  } as DataPlane;
}

describe('KongDataPlaneSync', () => {
  test('GIVEN data planes seen recently WHEN read THEN each row comes back with its node id, address, hash, last ping (ms) and sync status', async () => {
    emulator.setDataPlanes([dp(1), dp(2, { config_hash: HASH_B, sync_status: 'plugin_set_incompatible' })]);

    await expect(reader.read(NOW * 1000)).resolves.toEqual({
      rows: [
        { id: dp(1).id, ip: '10.0.0.1', configHash: HASH_A, lastSeen: (NOW - 10) * 1000, syncStatus: 'normal', version: '3.9.3' },
        { id: dp(2).id, ip: '10.0.0.2', configHash: HASH_B, lastSeen: (NOW - 10) * 1000, syncStatus: 'plugin_set_incompatible', version: '3.9.3' },
      ],
    });
  });

  test('GIVEN rows of gone data planes (Kong keeps them 14 days) WHEN read THEN only the rows seen within 90 s come back, even an incompatible leftover does not', async () => {
    emulator.setDataPlanes([dp(1), dp(2, { last_seen: NOW - 91, config_hash: HASH_B, sync_status: 'kong_version_incompatible' }), dp(3, { last_seen: NOW - 90 })]);

    const reading = await reader.read(NOW * 1000);

    expect(reading.rows.map((r) => r.ip)).toEqual(['10.0.0.1', '10.0.0.3']);
  });

  test('GIVEN more data planes than one page WHEN read THEN every page is read', async () => {
    emulator.setDataPlanes(Array.from({ length: 1500 }, (_, i) => dp(i + 1)));

    const reading = await reader.read(NOW * 1000);

    expect(reading.rows).toHaveLength(1500);
    expect(emulator.requests.filter((r) => r.path === '/clustering/data-planes')).toHaveLength(2);
  });

  test('GIVEN a data plane started from the fallback configuration WHEN read THEN its row names the fallback\'s hash (the `fallback-config` label); other labels, and values that are not a hash, are not', async () => {
    const FALLBACK = 'f'.repeat(32);
    emulator.setDataPlanes([
      dp(1, { config_hash: FALLBACK, labels: { 'fallback-config': FALLBACK, 'team': 'edge' } }),
      dp(2, { labels: { 'fallback-config': 'not-a-hash' } }),
      dp(3, { labels: null }),
    ]);

    const rows = (await reader.read(NOW * 1000)).rows;

    expect(rows.map((r) => r.fallbackHash)).toEqual([FALLBACK, undefined, undefined]);
    expect(rows[0].configHash).toBe(FALLBACK);
  });

  test('GIVEN the Admin API is down WHEN read THEN the read fails', async () => {
    emulator.setDown(true);

    await expect(reader.read(NOW * 1000)).rejects.toThrow();
    emulator.setDown(false);
  });
});
