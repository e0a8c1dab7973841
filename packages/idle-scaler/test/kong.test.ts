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
    version: '3.9.1',
    config_hash: HASH_A,
    last_seen: NOW - 10,
    sync_status: 'normal',
    ...overrides,
  } as DataPlane;
}

describe('KongDataPlaneSync', () => {
  test('GIVEN data planes seen recently on one hash WHEN read THEN they count as fresh with that common hash', async () => {
    emulator.setDataPlanes([dp(1), dp(2), dp(3)]);

    await expect(reader.read(NOW * 1000)).resolves.toEqual({ fresh: 3, incompatible: 0, configHashes: [HASH_A], commonConfigHash: HASH_A });
  });

  test('GIVEN rows of gone data planes WHEN read THEN only the recent ones count, even an incompatible leftover does not', async () => {
    emulator.setDataPlanes([dp(1), dp(2, { last_seen: NOW - 3600, config_hash: HASH_B, sync_status: 'kong_version_incompatible' })]);

    await expect(reader.read(NOW * 1000)).resolves.toEqual({ fresh: 1, incompatible: 0, configHashes: [HASH_A], commonConfigHash: HASH_A });
  });

  test('GIVEN a recent incompatible data plane and two hashes WHEN read THEN both show', async () => {
    emulator.setDataPlanes([dp(1), dp(2, { config_hash: HASH_B, sync_status: 'plugin_set_incompatible' })]);

    await expect(reader.read(NOW * 1000)).resolves.toEqual({ fresh: 2, incompatible: 1, configHashes: [HASH_A, HASH_B] });
  });

  test('GIVEN more data planes than one page WHEN read THEN every page is read', async () => {
    emulator.setDataPlanes(Array.from({ length: 1500 }, (_, i) => dp(i + 1)));

    const reading = await reader.read(NOW * 1000);

    expect(reading.fresh).toBe(1500);
    expect(emulator.requests.filter((r) => r.path === '/clustering/data-planes')).toHaveLength(2);
  });

  test('GIVEN the Admin API is down WHEN read THEN the read fails', async () => {
    emulator.setDown(true);

    await expect(reader.read(NOW * 1000)).rejects.toThrow();
    emulator.setDown(false);
  });
});
