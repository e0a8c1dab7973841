import type { KongAdminClient } from './client.js';
import { unwrap, type FetchResult } from './errors.js';
import { invalid } from './invalid.js';
import type { paths } from './types.js';

/** What PUT can create or replace by a name, and that name: the entity's endpoint key. */
const ENDPOINT_KEYS = {
  'services': 'name', 'routes': 'name', 'consumers': 'username', 'plugins': 'instance_name', 'upstreams': 'name', 'snis': 'name',
  'vaults': 'prefix', 'keys': 'name', 'key-sets': 'name', 'key-auths': 'key', 'basic-auths': 'username',
} as const;

/** Their PUT paths (types only: at run time `/key-sets` → `{key_set}` is derived). */
interface UpsertPaths {
  'services': '/services/{service}'; 'routes': '/routes/{route}'; 'consumers': '/consumers/{consumer}'; 'plugins': '/plugins/{plugin}';
  'upstreams': '/upstreams/{upstream}'; 'snis': '/snis/{sni}'; 'vaults': '/vaults/{vault}'; 'keys': '/keys/{key}';
  'key-sets': '/key-sets/{key_set}'; 'key-auths': '/key-auths/{key_auth}'; 'basic-auths': '/basic-auths/{basic_auth}';
}
/** What {@link upsert} can create or replace by name. */
export type UpsertEntity = keyof typeof ENDPOINT_KEYS;
type PutOperation<E extends UpsertEntity> = paths[UpsertPaths[E]] extends { put: infer O } ? O : never;
/** The whole entity {@link upsert} sends. */
export type UpsertBody<E extends UpsertEntity> = PutOperation<E> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
/** The entity Kong answers. */
export type UpsertResult<E extends UpsertEntity> = PutOperation<E> extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

const UUID = /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i;

/**
 * Creates or replaces an entity by its name (`PUT /{entity}/{name}`): the
 * way to converge configuration. Replacing is whole: fields left out take
 * their defaults. The name is the entity's endpoint key: `name` for most,
 * `username` for consumers and basic-auth credentials, `instance_name` for
 * plugins, `prefix` for vaults, `key` for key-auth credentials. Throws a
 * `KongAdminError` when Kong refuses.
 *
 * @example
 * await upsert(kong, 'services', 'admin-api', { url: 'http://127.0.0.1:8001' });
 * await upsert(kong, 'plugins', 'admin-api-key-auth', { name: 'key-auth', route: { name: 'admin-api' } });
 */
export async function upsert<E extends UpsertEntity>(client: KongAdminClient, entity: E, name: string, body: UpsertBody<E>, init: { signal?: AbortSignal } = {}): Promise<UpsertResult<E>> {
  const key: string | false = Object.hasOwn(ENDPOINT_KEYS, entity) && ENDPOINT_KEYS[entity];
  if (!key) invalid('upsert', `entity must be one of ${Object.keys(ENDPOINT_KEYS)}`, entity);
  // A UUID would be read as an id: upsert is by name.
  if (typeof name !== 'string' || !name || UUID.test(name)) invalid('upsert', `${key} must be a non-empty string, not a UUID`, name);
  const param = entity.slice(0, -1).replace('-', '_');
  const put = client as unknown as { PUT(p: string, init: unknown): Promise<FetchResult<UpsertResult<E>>> };
  return unwrap(await put.PUT(`/${entity}/{${param}}`, { params: { path: { [param]: name } }, body, signal: init.signal }));
}
