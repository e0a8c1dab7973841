import { isKongAdminError, listAll } from '../src';
import { EXPORTED_FAMILIES, exportDeclarativeConfig, isDeclarativeExportError } from '../src/declarative';
import { buildConfiguration } from './fixtures/configuration';
import { emulated } from './support';

const NOW = 1_780_000_000;
const kong = emulated({ pathPrefix: '/kong-admin', now: () => NOW });

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Admin API collection each exported family is read from. */
const COLLECTION: Record<string, string> = {
  certificates: 'certificates', ca_certificates: 'ca_certificates', consumers: 'consumers', key_sets: 'key-sets', keys: 'keys',
  services: 'services', routes: 'routes', snis: 'snis', upstreams: 'upstreams', targets: 'targets', plugins: 'plugins', vaults: 'vaults',
  keyauth_credentials: 'key-auths', basicauth_credentials: 'basic-auths', acls: 'acls',
};

describe('exportDeclarativeConfig', () => {
  test('GIVEN a configuration with every covered family WHEN exported THEN it is Kong\'s export format: version 3.0, no transformation, every entity with its id, in Kong\'s order', async () => {
    await buildConfiguration(kong.kong);
    const doc: Json = await exportDeclarativeConfig(kong.kong);
    expect(doc._format_version).toBe('3.0');
    expect(doc._transform).toBe(false);
    expect(Object.keys(doc)).toEqual(['_format_version', '_transform', ...EXPORTED_FAMILIES]);
    for (const family of EXPORTED_FAMILIES) {
      const stored = kong.emulator.entities(COLLECTION[family]);
      expect(stored.length).toBeGreaterThan(0);
      expect(doc[family].map((e: Json) => e.id).sort()).toEqual(stored.map((e) => e.id).sort());
    }
  });

  test('GIVEN entities with references WHEN exported THEN each reference is the id as a string, as kong config db_export writes it', async () => {
    await buildConfiguration(kong.kong);
    const doc: Json = await exportDeclarativeConfig(kong.kong);
    const billing = doc.services.find((s: Json) => s.name === 'billing');
    expect(doc.routes.find((r: Json) => r.name === 'invoices').service).toBe(billing.id);
    expect(typeof billing.client_certificate).toBe('string');
    expect(doc.keyauth_credentials.every((k: Json) => typeof k.consumer === 'string')).toBe(true);
    expect(doc.targets.every((t: Json) => typeof t.upstream === 'string')).toBe(true);
    expect(doc.keys[0].set).toBe(doc.key_sets[0].id);
    const global = doc.plugins.find((p: Json) => p.name === 'rate-limiting' && p.consumer === null);
    expect(global).toMatchObject({ service: null, route: null, consumer: null });
  });

  test('GIVEN certificates with SNIs WHEN exported THEN certificates carry no list of names (the SNIs are their own family)', async () => {
    await buildConfiguration(kong.kong);
    const doc: Json = await exportDeclarativeConfig(kong.kong);
    for (const cert of doc.certificates) expect(cert).not.toHaveProperty('snis');
    expect(doc.snis.map((s: Json) => s.name).sort()).toEqual(['*.internal.example.com', 'api.example.com', 'www.example.com']);
  });

  test('GIVEN a key with an hour left WHEN exported THEN its ttl is the time it expires (the declarative format\'s), not the seconds left', async () => {
    await buildConfiguration(kong.kong);
    const doc: Json = await exportDeclarativeConfig(kong.kong, { nowSeconds: NOW + 600 });
    const temporary = doc.keyauth_credentials.find((k: Json) => k.key === 'alice-temporary-key');
    const left = kong.emulator.entities('key-auths').find((k) => k.key === 'alice-temporary-key')!.ttl;
    expect(temporary.ttl).toBe(NOW + 600 + left);
    expect(doc.keyauth_credentials.filter((k: Json) => 'ttl' in k)).toHaveLength(1);
  });

  test('GIVEN nothing configured WHEN exported THEN the document holds only its version', async () => {
    expect(await exportDeclarativeConfig(kong.kong)).toEqual({ _format_version: '3.0', _transform: false });
  });

  test('GIVEN 2,500 consumers WHEN exported THEN they come in pages of 1,000 chained by offset', async () => {
    kong.emulator.seed('consumers', Array.from({ length: 2500 }, (_, i) => ({ username: `user-${i}` })));
    const doc: Json = await exportDeclarativeConfig(kong.kong);
    expect(doc.consumers).toHaveLength(2500);
    expect(kong.emulator.requests.filter((r) => r.path === '/consumers').map((r) => r.query.size)).toEqual(['1000', '1000', '1000']);
    expect(await listAll(kong.kong, '/consumers')).toHaveLength(2500);
  });

  test('GIVEN a jwt plugin (whose secrets are not in the export) WHEN exported THEN it refuses, naming the plugin and its entities', async () => {
    kong.emulator.seed('plugins', [{ name: 'jwt' }, { name: 'hmac-auth' }]);
    const error = await exportDeclarativeConfig(kong.kong).catch((e: unknown) => e);
    expect(isDeclarativeExportError(error)).toBe(true);
    expect(error).toMatchObject({ plugins: ['hmac-auth', 'jwt'] });
    expect((error as Error).message).toContain('jwt (its jwt_secrets)');
  });

  test('GIVEN an Admin API that fails a page WHEN exporting THEN the KongAdminError is thrown, nothing half-made is returned', async () => {
    await buildConfiguration(kong.kong);
    kong.emulator.failNext(...Array.from({ length: 3 }, () => ({ status: 503 })));
    const error = await exportDeclarativeConfig(kong.kong).catch((e: unknown) => e);
    expect(isKongAdminError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503 });
  });

  test('GIVEN a time that is not a number WHEN exporting THEN a TypeError names the option and the value', async () => {
    await expect(exportDeclarativeConfig(kong.kong, { nowSeconds: Number.NaN })).rejects.toThrow('exportDeclarativeConfig: nowSeconds must be Unix seconds, got NaN');
  });
});
