import { createHash } from 'node:crypto';
import { createKongAdminClient, listAll, unwrap, type KongAdminClient } from '../src';
import { EXPORTED_FAMILIES, exportDeclarativeConfig } from '../src/declarative';
import { startKongAdminEmulator, type KongAdminEmulator } from './emulator';
import { buildConfiguration } from './fixtures/configuration';

/**
 * The round trip a data plane's fallback configuration makes: a configuration
 * built on a control plane, exported through the Admin API, loaded by a
 * DB-less node (what every data plane is), and read back from it.
 */

const EXPORTED_AT = 1_780_000_000;
/** The DB-less node loads the export a minute after it was made (some tests move its clock). */
let loadedAt = EXPORTED_AT + 60;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Admin API list each family is read back from. */
const LISTS: Record<string, string> = {
  certificates: '/certificates', ca_certificates: '/ca_certificates', consumers: '/consumers', key_sets: '/key-sets', keys: '/keys',
  services: '/services', routes: '/routes', snis: '/snis', upstreams: '/upstreams', plugins: '/plugins', vaults: '/vaults',
  keyauth_credentials: '/key-auths', basicauth_credentials: '/basic-auths', acls: '/acls',
};

let cp: KongAdminEmulator;
let dbless: KongAdminEmulator;
let cpClient: KongAdminClient;
let dataPlane: KongAdminClient;

beforeAll(async () => {
  cp = await startKongAdminEmulator({ role: 'control_plane', now: () => EXPORTED_AT });
  dbless = await startKongAdminEmulator({ database: 'off', now: () => loadedAt });
  cpClient = createKongAdminClient({ baseUrl: cp.baseUrl });
  dataPlane = createKongAdminClient({ baseUrl: dbless.baseUrl });
});
beforeEach(async () => {
  loadedAt = EXPORTED_AT + 60;
  cp.reset();
  dbless.reset();
  await buildConfiguration(cpClient);
});
afterAll(async () => {
  await cp?.stop();
  await dbless?.stop();
});

/** Every entity of every family, as an Admin API answers them (targets through their upstreams). */
async function readAll(kong: KongAdminClient): Promise<Record<string, Json[]>> {
  const list = listAll as unknown as (c: KongAdminClient, path: string, o?: object) => Promise<Json[]>;
  const out: Record<string, Json[]> = {};
  for (const [family, path] of Object.entries(LISTS)) out[family] = await list(kong, path);
  out.targets = (await Promise.all(out.upstreams.map((u) => list(kong, '/upstreams/{upstream}/targets/all', { path: { upstream: u.id } })))).flat();
  return out;
}

const byId = (a: Json, b: Json) => (a.id < b.id ? -1 : 1);

describe('a configuration exported from a control plane and loaded by a DB-less node', () => {
  test('GIVEN services, routes, plugins, consumers with key-auth, basic-auth and ACL credentials, certificates with SNIs, upstreams with targets WHEN exported and POSTed to /config THEN the node answers 201 and serves every entity as the control plane does', async () => {
    const doc = await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT });
    const loaded = await dataPlane.POST('/config', { body: doc });
    expect(loaded.response.status).toBe(201);

    const before = await readAll(cpClient);
    const after = await readAll(dataPlane);
    const counts = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.length]));
    expect(counts).toEqual({
      certificates: 2, ca_certificates: 1, consumers: 3, key_sets: 1, keys: 1, services: 2, routes: 3, snis: 3, upstreams: 1,
      plugins: 6, vaults: 1, keyauth_credentials: 3, basicauth_credentials: 1, acls: 3, targets: 2,
    });
    expect(Object.keys(after).sort()).toEqual([...EXPORTED_FAMILIES].sort());
    for (const family of Object.keys(before)) {
      // A DB-less node stamps `updated_at` at load (process_auto_fields on insert, kong/db/schema/init.lua at 3.9.3),
      // and counts a TTL down on its own clock: everything else is the control plane's, ids included.
      const strip = (e: Json) => {
        const { updated_at: _u, ttl: _t, ...rest } = e;
        return rest;
      };
      expect(after[family].map(strip).sort(byId)).toEqual(before[family].map(strip).sort(byId));
      for (const e of after[family]) if ('updated_at' in e && family !== 'targets') expect(e.updated_at).toBe(loadedAt);
    }
  });

  test('GIVEN a key with an hour left at export WHEN loaded a day later THEN it is gone, as it is on the control plane', async () => {
    const doc = await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT });
    loadedAt = EXPORTED_AT + 86_400;
    expect((await dataPlane.POST('/config', { body: doc })).response.status).toBe(201);
    const keys = (await listAll(dataPlane, '/key-auths')).map((k) => k.key);
    expect(keys).not.toContain('alice-temporary-key');
    expect(keys).toContain('alice-key-0001');
  });

  test('GIVEN a key with an hour left WHEN loaded ten minutes later THEN it has fifty minutes left', async () => {
    const doc = await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT });
    const early = await startKongAdminEmulator({ database: 'off', now: () => EXPORTED_AT + 600 });
    try {
      early.loadDeclarative(doc);
      expect(early.entities('key-auths').find((k) => k.key === 'alice-temporary-key')?.ttl).toBe(3000);
    } finally {
      await early.stop();
    }
  });

  test('GIVEN the export as a file\'s text WHEN loaded THEN the node\'s configuration hash is the text\'s MD5 (what a data plane started from the file reports)', async () => {
    const text = JSON.stringify(await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT }));
    expect((await dataPlane.POST('/config', { body: { config: text } })).response.status).toBe(201);
    const status = unwrap(await dataPlane.GET('/status'));
    expect(status.configuration_hash).toBe(createHash('md5').update(text).digest('hex'));
    expect(dbless.configHash).toBe(status.configuration_hash);
  });

  test('GIVEN basic-auth passwords (Kong answers their hash) WHEN loaded THEN they are not hashed again: the export says _transform false, and a document that does not is hashed twice', async () => {
    const doc: Json = await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT });
    const stored = cp.entities('basic-auths')[0].password;
    dbless.loadDeclarative(doc);
    expect(dbless.entities('basic-auths')[0].password).toBe(stored);
    dbless.loadDeclarative({ ...doc, _transform: true });
    expect(dbless.entities('basic-auths')[0].password).not.toBe(stored);
  });

  test('GIVEN a loaded configuration WHEN GET /config THEN the node answers it as YAML, format 3.0, no transformation, references as ids', async () => {
    const doc: Json = await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT });
    dbless.loadDeclarative(doc);
    const { config } = unwrap(await dataPlane.GET('/config'));
    const { parse } = await import('yaml');
    const back = parse(config);
    expect(back._format_version).toBe('3.0');
    expect(back._transform).toBe(false);
    expect(back.routes.map((r: Json) => r.service).sort()).toEqual(doc.routes.map((r: Json) => r.service).sort());
  });

  test('GIVEN a DB-less node WHEN an entity is written through the Admin API THEN it answers 405, code 12: its configuration only comes whole', async () => {
    dbless.loadDeclarative(await exportDeclarativeConfig(cpClient, { nowSeconds: EXPORTED_AT }));
    const created = await dataPlane.POST('/services', { body: { name: 'extra', host: 'extra.internal' } });
    expect(created.response.status).toBe(405);
    expect(created.error).toEqual({ code: 12, name: 'operation unsupported', message: "cannot create 'services' entities when not using a database" });
    const renamed = await dataPlane.PATCH('/services/{service}', { params: { path: { service: 'billing' } }, body: { retries: 1 } });
    expect(renamed.error).toMatchObject({ code: 12, message: "cannot update 'services' entities by 'name' when not using a database" });
    const removed = await dataPlane.DELETE('/consumers/{consumer}', { params: { path: { consumer: 'alice' } } });
    expect(removed.error).toMatchObject({ code: 12, message: "cannot remove 'consumers' entities by 'username' when not using a database" });
    expect(dbless.entities('services')).toHaveLength(2);
  });
});
