/**
 * The Kong adapter: reads what the bootstrap owns through the typed admin
 * client, applies planned writes, and probes `/status`. The API key enters
 * only `read` (to say whether a credential matches it) and the one write that
 * adds the credential; neither ever puts it in an error or a URL.
 */
import {
  isKongAdminError, isNotFound, isTimeout, listAll, unwrap, upsert, type FetchResult, type KongAdminClient, type UpsertBody,
} from '@kong-hybrid/admin-client';
import { NAMES, type CurrentState, type KongWrite, type PluginView } from './plan';
import type { AdminApiProbe, AdminApiStatus } from './wake';

/** Reads an entity; `undefined` when Kong answers 404. */
async function maybe<T>(call: () => Promise<FetchResult<T>>): Promise<T | undefined> {
  try {
    return unwrap(await call());
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Whether `error` is worth another read-plan-write round later: Kong or its
 * database still settling (5xx, 429), a timeout, a connection refused or a
 * name not resolving yet. A refusal of the request itself (4xx) is not.
 */
export function isRetryable(error: unknown): boolean {
  if (isKongAdminError(error) || error instanceof KeyCredentialError) return error.status >= 500 || error.status === 429;
  if (isTimeout(error)) return true;
  // fetch rejects with a TypeError when it cannot connect.
  return error instanceof TypeError;
}

/**
 * Whether `error` is Kong refusing a write because the entity exists already
 * (409, unique violation): another writer (a concurrent repair, a deploy)
 * created it between our read and our write. A new read plans around it.
 */
export function isConflict(error: unknown): boolean {
  return (isKongAdminError(error) || error instanceof KeyCredentialError) && error.status === 409;
}

/** What the bootstrap owns in Kong, through the Admin API. */
export class KongProxyStore {
  constructor(private readonly kong: KongAdminClient) {}

  /** Everything the plan needs; `key` only to tell which credential holds it. */
  public async read(key: string | undefined): Promise<CurrentState> {
    const kong = this.kong;
    const [service, route, consumer] = await Promise.all([
      maybe(() => kong.GET('/services/{service}', { params: { path: { service: NAMES.service } } })),
      maybe(() => kong.GET('/routes/{route}', { params: { path: { route: NAMES.route } } })),
      maybe(() => kong.GET('/consumers/{consumer}', { params: { path: { consumer: NAMES.consumer } } })),
    ]);
    const plugins: PluginView[] = service
      ? (await listAll(kong, '/services/{service}/plugins', { path: { service: service.id } }))
        .filter((p) => p.route === null && p.consumer === null)
        .map((p) => ({ id: p.id, name: p.name, instance_name: p.instance_name, enabled: p.enabled, config: p.config as Record<string, unknown>, tags: p.tags }))
      : [];
    const [credentials, aclGroups] = consumer
      ? await Promise.all([
        listAll(kong, '/consumers/{consumer}/key-auth', { path: { consumer: consumer.id } }),
        listAll(kong, '/consumers/{consumer}/acls', { path: { consumer: consumer.id } }),
      ])
      : [[], []];
    return {
      ...(service ? { service: { id: service.id, protocol: service.protocol, host: service.host, port: service.port, path: service.path, enabled: service.enabled, tags: service.tags } } : {}),
      ...(route ? { route: { id: route.id, paths: route.paths, strip_path: route.strip_path, service: route.service, tags: route.tags } } : {}),
      plugins,
      ...(consumer ? { consumer: { id: consumer.id, tags: consumer.tags } } : {}),
      credentials: credentials.map((c) => ({ id: c.id, tags: c.tags, matchesKey: key !== undefined && c.key === key })),
      aclGroups: aclGroups.map((g) => ({ id: g.id, group: g.group, tags: g.tags })),
    };
  }

  /** Applies one write; `key` is used by `add-key-credential` only. */
  public async apply(w: KongWrite, key: string | undefined): Promise<void> {
    const kong = this.kong;
    switch (w.op) {
      case 'put-service':
        await upsert(kong, 'services', w.name, w.body);
        return;
      case 'patch-service':
        unwrap(await kong.PATCH('/services/{service}', { params: { path: { service: w.id } }, body: w.body }));
        return;
      case 'delete-service':
        unwrap(await kong.DELETE('/services/{service}', { params: { path: { service: w.id } } }));
        return;
      case 'put-plugin':
        await upsert(kong, 'plugins', w.instanceName, { ...w.body, instance_name: w.instanceName } as UpsertBody<'plugins'>);
        return;
      case 'patch-plugin':
        unwrap(await kong.PATCH('/plugins/{plugin}', { params: { path: { plugin: w.id } }, body: w.body }));
        return;
      case 'delete-plugin':
        unwrap(await kong.DELETE('/plugins/{plugin}', { params: { path: { plugin: w.id } } }));
        return;
      case 'put-consumer':
        await upsert(kong, 'consumers', w.username, w.body);
        return;
      case 'patch-consumer':
        unwrap(await kong.PATCH('/consumers/{consumer}', { params: { path: { consumer: w.id } }, body: w.body }));
        return;
      case 'delete-consumer':
        unwrap(await kong.DELETE('/consumers/{consumer}', { params: { path: { consumer: w.id } } }));
        return;
      case 'add-acl-group':
        unwrap(await kong.POST('/consumers/{consumer}/acls', { params: { path: { consumer: w.consumer } }, body: w.body }));
        return;
      case 'add-key-credential': {
        if (!key) throw new Error('no API key to add');
        // In the body, never in the URL (PUT /key-auths/{key} would log it in Kong's access log).
        const result = await kong.POST('/consumers/{consumer}/key-auth', { params: { path: { consumer: w.consumer } }, body: { key, tags: w.tags } });
        if (!result.response.ok) {
          // Kong's message and fields quote the key on a conflict: keep only the status and the error name.
          const name = result.error && typeof result.error === 'object' && 'name' in result.error ? String(result.error.name) : 'error';
          throw new KeyCredentialError(result.response.status, name);
        }
        return;
      }
      case 'delete-key-credential':
        unwrap(await kong.DELETE('/consumers/{consumer}/key-auth/{key_auth}', { params: { path: { consumer: w.consumer, key_auth: w.id } } }));
        return;
      case 'put-route':
        await upsert(kong, 'routes', w.name, w.body);
        return;
      case 'patch-route':
        unwrap(await kong.PATCH('/routes/{route}', { params: { path: { route: w.id } }, body: w.body }));
        return;
      case 'delete-route':
        unwrap(await kong.DELETE('/routes/{route}', { params: { path: { route: w.id } } }));
        return;
    }
  }
}

/** Adding the credential failed; says how without quoting Kong (which quotes the key). */
export class KeyCredentialError extends Error {
  constructor(readonly status: number, kongErrorName: string) {
    super(`adding the key-auth credential to consumer ${NAMES.consumer} failed: Kong answered ${status} (${kongErrorName})`);
    this.name = 'KeyCredentialError';
  }
}

/** `GET /status`: up, and whether Kong reaches its database. */
export function kongStatusProbe(kong: KongAdminClient): AdminApiProbe {
  return {
    async status(): Promise<AdminApiStatus> {
      try {
        const result = await kong.GET('/status');
        if (!result.response.ok || !result.data) return 'unreachable';
        return result.data.database?.reachable === false ? 'database-unreachable' : 'ready';
      } catch {
        return 'unreachable';
      }
    },
  };
}
