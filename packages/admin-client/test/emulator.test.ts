import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { startKongAdminEmulator, type KongAdminEmulator } from './emulator';

/** The emulator's own guarantees: it validates, records and fails loudly. */
describe('the Admin API emulator', () => {
  let emulator: KongAdminEmulator;
  beforeAll(async () => {
    emulator = await startKongAdminEmulator({ pathPrefix: '/kong-admin' });
  });
  beforeEach(() => emulator.reset());
  afterAll(() => emulator.stop());
  const call = (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => fetch(`${emulator.origin}${p}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  test('GIVEN a body with a field the document does not have WHEN POSTed THEN 400 unknown field, and the break is recorded', async () => {
    const response = await call('POST', '/kong-admin/services', { host: 'h.internal', colour: 'blue' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 2, name: 'schema violation', fields: { colour: 'unknown field' } });
    expect(emulator.takeViolations()).toEqual([{ kind: 'request', method: 'POST', path: '/services', problems: ['request body: must NOT have additional properties (colour)'] }]);
    expect(emulator.entities('services')).toEqual([]);
  });

  test('GIVEN an undocumented query parameter, path or method WHEN requested THEN each is a recorded break', async () => {
    expect((await call('GET', '/kong-admin/services?colour=blue')).status).toBe(200);
    expect((await call('GET', '/kong-admin/no-such-thing')).status).toBe(404);
    expect((await call('POST', '/kong-admin/status', {})).status).toBe(405);
    expect((await call('GET', '/services')).status).toBe(404);
    expect(emulator.takeViolations().map((v) => v.problems[0])).toEqual([
      'query parameter colour is not in the document',
      'no path of the document matches',
      'POST is not an operation of /status',
      'the path is outside the prefix /kong-admin',
    ]);
  });

  test('GIVEN a break nobody takes WHEN the emulator stops THEN stop() throws with the details', async () => {
    const other = await startKongAdminEmulator();
    await fetch(`${other.origin}/consumers?nope=1`);
    await expect(other.stop()).rejects.toThrow(/1 break\(s\) of the OpenAPI document:\n {2}request GET \/consumers\n {4}- query parameter nope is not in the document/);
  });

  test('GIVEN a data plane that breaks the document WHEN set THEN refused at once', () => {
    expect(() => emulator.setDataPlanes([{ id: 'x' } as never])).toThrow(/setDataPlanes: .* is not a DataPlane of the document/);
  });

  test('GIVEN faults WHEN requested THEN they are answered first, in order, then the Admin API answers again', async () => {
    emulator.failNext({ status: 503, retryAfter: '2' }, { network: true });
    const first = await call('GET', '/kong-admin/status');
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '2']);
    await expect(call('GET', '/kong-admin/status')).rejects.toThrow(/fetch failed/);
    expect((await call('GET', '/kong-admin/status')).status).toBe(200);
  });

  test('GIVEN down WHEN requested THEN the connection drops; back up, it answers', async () => {
    emulator.setDown(true);
    await expect(call('GET', '/kong-admin/status')).rejects.toThrow(/fetch failed/);
    emulator.setDown(false);
    expect((await call('GET', '/kong-admin/status')).status).toBe(200);
  });

  test('GIVEN seeded entities THEN they are answered as Kong would, and an invalid seed says what Kong would answer', () => {
    const [service] = emulator.seed('services', [{ name: 'a', url: 'http://a.internal:81/x' }]);
    expect(service).toMatchObject({ protocol: 'http', host: 'a.internal', port: 81, path: '/x', retries: 5, enabled: true });
    expect(() => emulator.seed('services', [{ name: 'a', host: 'b' }])).toThrow(/seed services: Kong would answer 409/);
  });
});

describe('importing the emulator from another workspace', () => {
  test('GIVEN a sibling workspace THEN the jest and tsconfig mappings point at this emulator', () => {
    const packages = path.join(__dirname, '..', '..');
    const consumer = { outdir: path.join(packages, 'idle-scaler') } as never;
    const admin = { outdir: path.join(packages, 'admin-client') } as never;
    // required, not imported: projenrc/ is outside this workspace's TypeScript program
    const { kongAdminEmulatorMappings } = require('../../../projenrc/admin-client') as {
      kongAdminEmulatorMappings(c: never, a: never): { moduleNameMapper: Record<string, string>; paths: Record<string, string[]> };
    };
    const { moduleNameMapper, paths } = kongAdminEmulatorMappings(consumer, admin);
    expect(moduleNameMapper).toEqual({ '^@kong-hybrid/admin-client/test/emulator$': '<rootDir>/../admin-client/test/emulator/index.ts' });
    expect(paths).toEqual({ '@kong-hybrid/admin-client/test/emulator': ['../../admin-client/test/emulator/index.ts'] });
    expect(existsSync(path.join(packages, 'idle-scaler', '../admin-client/test/emulator/index.ts'))).toBe(true);
    expect(existsSync(path.join(packages, 'idle-scaler', 'test', paths['@kong-hybrid/admin-client/test/emulator'][0]))).toBe(true);
  });
});
