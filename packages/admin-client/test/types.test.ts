/**
 * Type-level tests: `tsc -p test/tsconfig.json` runs before jest, and each
 * `@ts-expect-error` fails the build if the line below it compiles.
 */
import { createKongAdminClient, listAll, paginate, upsert, type DeclarativeConfig, type Plugin } from '../src';
import { exportDeclarativeConfig } from '../src/declarative';

const kong = createKongAdminClient({ baseUrl: 'http://127.0.0.1:8001' });

// Never called: only compiled.
async function misuse(): Promise<unknown[]> {
  // @ts-expect-error a path the Admin API does not have
  await kong.GET('/servicez');
  // @ts-expect-error Kong's published spec glues the parameter to the segment; the real path has a slash
  await kong.GET('/services/{service}plugins', { params: { path: { service: 's' } } });
  // @ts-expect-error a method the path does not have
  await kong.POST('/status');
  // @ts-expect-error a method the path does not have
  await kong.DELETE('/services');
  // (An unknown top-level body field is not a compile error: openapi-fetch infers the
  // body generically, which skips TypeScript's excess-property check. The emulator
  // rejects it at run time: see emulator.test.ts.)
  // @ts-expect-error a nested body field of the wrong type
  await kong.POST('/upstreams', { body: { name: 'u', healthchecks: { active: { timeout: '1s' } } } });
  // @ts-expect-error a body field of the wrong type
  await kong.POST('/services', { body: { host: 'h', port: '80' } });
  // @ts-expect-error a query parameter lists do not have
  await kong.GET('/services', { params: { query: { colour: 'blue' } } });
  // @ts-expect-error size is a number
  await kong.GET('/services', { params: { query: { size: '1000' } } });
  // @ts-expect-error nested lists do not filter by tags
  await kong.GET('/services/{service}/routes', { params: { path: { service: 's' }, query: { tags: 'a' } } });
  // @ts-expect-error the path parameter is required
  await kong.GET('/services/{service}', {});
  // @ts-expect-error a typed plugin configuration rejects unknown fields
  await kong.POST('/plugins', { body: { name: 'key-auth', config: { key_name: ['apikey'] } } });
  // @ts-expect-error ip-restriction's allow is a list
  await kong.POST('/plugins', { body: { name: 'ip-restriction', config: { allow: '10.0.0.0/8' } } });
  // @ts-expect-error not a bundled plugin
  await kong.POST('/plugins', { body: { name: 'my-custom-plugin' } });
  // @ts-expect-error paginate only takes list paths
  paginate(kong, '/status');
  // @ts-expect-error a nested list needs its path parameter
  paginate(kong, '/services/{service}/routes');
  // @ts-expect-error upsert knows no such entity
  await upsert(kong, 'widgets', 'x', {});
  // @ts-expect-error the body is the entity's
  await upsert(kong, 'consumers', 'alice', { host: 'h' });
  // @ts-expect-error the export takes a client, not a URL
  await exportDeclarativeConfig('http://127.0.0.1:8001');
  // @ts-expect-error the time is Unix seconds, a number
  await exportDeclarativeConfig(kong, { nowSeconds: '2026-01-01' });
  const exported = await exportDeclarativeConfig(kong);
  // @ts-expect-error an export is format 3.0
  const old: '1.1' = exported._format_version;
  // @ts-expect-error a declarative document refers to an entity by its id or key, never by a number
  const bad: DeclarativeConfig = { _format_version: '3.0', routes: [{ service: 42 }] };
  // @ts-expect-error the declarative format needs its version
  const versionless: DeclarativeConfig = { services: [] };
  // @ts-expect-error /config loads a declarative configuration, not an entity
  await kong.POST('/config', { body: { name: 'billing', host: 'billing.internal' } });
  return [old, bad, versionless];
}

// Never called: only compiled.
async function use(): Promise<string[]> {
  const { data } = await kong.GET('/clustering/data-planes', { params: { query: { size: 1000 } } });
  const status: 'unknown' | 'normal' | 'kong_version_incompatible' | 'plugin_set_incompatible' | 'plugin_version_incompatible' | 'filter_set_incompatible' | undefined = data?.data[0].sync_status;
  const next: string | null | undefined = data?.next;
  const routes = await listAll(kong, '/services/{service}/routes', { path: { service: 'billing' } });
  const plugin: Plugin | undefined = (await kong.GET('/plugins/{plugin}', { params: { path: { plugin: 'x' } } })).data;
  const keyNames: string[] = plugin?.name === 'key-auth' ? plugin.config.key_names : [];
  const consumer = await upsert(kong, 'consumers', 'alice', { custom_id: 'a-1' });
  await kong.POST('/plugins', { body: { name: 'rate-limiting', config: { minute: 5, policy: 'local' } } });
  await kong.POST('/plugins', { body: { name: 'prometheus', config: { per_consumer: true } } });
  const doc = await exportDeclarativeConfig(kong, { nowSeconds: 1_780_000_000, pageSize: 500 });
  const loaded = await kong.POST('/config', { body: doc });
  const asText = await kong.POST('/config', { body: { config: JSON.stringify(doc) } });
  const serviceIds = (doc.services ?? []).map((s) => s.id);
  return [String(status), String(next), ...routes.map((r) => r.id), ...keyNames, consumer.id, String(loaded.response.status), String(asText.response.status), ...serviceIds.map(String)];
}

test('the type-level tests compile (tsc runs before jest)', () => {
  expect(typeof misuse).toBe('function');
  expect(typeof use).toBe('function');
});
