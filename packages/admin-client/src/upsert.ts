import type { KongAdminClient } from './client.js';
import { unwrap, type FetchResult } from './errors.js';
import type { paths } from './types.js';

/** Entities that PUT can create or replace by a name (their endpoint key), and that key. */
const UPSERTABLE = {
  'services': ['/services/{service}', 'name'],
  'routes': ['/routes/{route}', 'name'],
  'consumers': ['/consumers/{consumer}', 'username'],
  'plugins': ['/plugins/{plugin}', 'instance_name'],
  'upstreams': ['/upstreams/{upstream}', 'name'],
  'snis': ['/snis/{sni}', 'name'],
  'vaults': ['/vaults/{vault}', 'prefix'],
  'keys': ['/keys/{key}', 'name'],
  'key-sets': ['/key-sets/{key_set}', 'name'],
  'key-auths': ['/key-auths/{key_auth}', 'key'],
  'basic-auths': ['/basic-auths/{basic_auth}', 'username'],
} as const;

type Upsertable = typeof UPSERTABLE;
/** What {@link upsert} can create or replace by name. */
export type UpsertEntity = keyof Upsertable;
type PutOperation<E extends UpsertEntity> = paths[Upsertable[E][0]] extends { put: infer O } ? O : never;
/** The whole entity {@link upsert} sends. */
export type UpsertBody<E extends UpsertEntity> = PutOperation<E> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** The entity Kong answers. */
export type UpsertResult<E extends UpsertEntity> = PutOperation<E> extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  const target: readonly [string, string] | undefined = Object.prototype.hasOwnProperty.call(UPSERTABLE, entity) ? UPSERTABLE[entity] : undefined;
  if (!target) throw new TypeError(`upsert: entity must be one of ${Object.keys(UPSERTABLE).join(', ')}, got ${JSON.stringify(entity)}`);
  const [path, key] = target;
  if (typeof name !== 'string' || name === '') throw new TypeError(`upsert: the ${key} of the ${entity} must be a non-empty string, got ${JSON.stringify(name)}`);
  if (UUID.test(name)) throw new TypeError(`upsert: ${JSON.stringify(name)} is a UUID, which Kong reads as an id, not a ${key}: use client.PUT('${path}') to replace by id`);
  const given = (body as Record<string, unknown> | undefined)?.[key];
  if (given !== undefined && given !== name) {
    throw new TypeError(`upsert: the body's ${key} ${JSON.stringify(given)} differs from the ${key} in the URL ${JSON.stringify(name)}`);
  }
  const param = path.slice(path.lastIndexOf('{') + 1, -1);
  const put = client as unknown as { PUT(p: string, init: unknown): Promise<FetchResult<UpsertResult<E>>> };
  return unwrap(await put.PUT(path, { params: { path: { [param]: name } }, body, signal: init.signal }));
}
