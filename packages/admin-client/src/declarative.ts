/**
 * The whole configuration of a Kong node as one declarative document, read
 * through the Admin API: the format a DB-less node (every data plane) loads
 * from `declarative_config` at start or through `POST /config`, and the one
 * `kong config db_export` writes (kong/db/declarative/export.lua at 3.9.3).
 *
 * Its own entry point, `@kong-hybrid/admin-client/declarative`: the main one
 * stays within its size budget for clients that never export.
 */
import type { KongAdminClient } from './client.js';
import type { components } from './generated/kong-admin.js';
import { invalid } from './invalid.js';
import { listAll } from './paginate.js';

type Schemas = components['schemas'];

/** A declarative configuration (kong/db/schema/others/declarative_config.lua at 3.9.3), for the families this package covers. */
export type DeclarativeConfig = Schemas['DeclarativeConfig'];

/**
 * What {@link exportDeclarativeConfig} returns: Kong's export format, format
 * version 3.0, with `_transform: false` (the values are Kong's stored ones:
 * a basic-auth password is its hash already, and is not hashed again on load:
 * kong/db/declarative/import.lua:426 and :460 at 3.9.3).
 */
export type DeclarativeConfigExport = DeclarativeConfig & {
  readonly _format_version: '3.0';
  readonly _transform: false;
};

/** Options of {@link exportDeclarativeConfig}. */
export interface ExportDeclarativeConfigOptions {
  /**
   * The time the TTLs are counted from, in Unix seconds. The Admin API answers
   * a key-auth credential's `ttl` as the seconds left; the declarative format
   * takes the time it expires at (kong/db/strategies/off/init.lua:56-68 at 3.9.3).
   * @default - the system clock
   */
  readonly nowSeconds?: number;
  /**
   * Entities per request, 1 to 1000.
   * @default 1000
   */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * The entity families exported, in the order of Kong's own export (parents
 * before the entities that reference them), each with the Admin API list it
 * is read from and its foreign keys.
 */
const FAMILIES = [
  { name: 'certificates', path: '/certificates', foreign: [] },
  { name: 'ca_certificates', path: '/ca_certificates', foreign: [] },
  { name: 'consumers', path: '/consumers', foreign: [] },
  { name: 'key_sets', path: '/key-sets', foreign: [] },
  { name: 'keys', path: '/keys', foreign: ['set'] },
  { name: 'services', path: '/services', foreign: ['client_certificate'] },
  { name: 'routes', path: '/routes', foreign: ['service'] },
  { name: 'snis', path: '/snis', foreign: ['certificate'] },
  { name: 'upstreams', path: '/upstreams', foreign: ['client_certificate'] },
  { name: 'targets', path: '/upstreams/{upstream}/targets/all', foreign: ['upstream'] },
  { name: 'plugins', path: '/plugins', foreign: ['route', 'service', 'consumer'] },
  { name: 'vaults', path: '/vaults', foreign: [] },
  { name: 'keyauth_credentials', path: '/key-auths', foreign: ['consumer'] },
  { name: 'basicauth_credentials', path: '/basic-auths', foreign: ['consumer'] },
  { name: 'acls', path: '/acls', foreign: ['consumer'] },
] as const;

/** The entity families an export holds (Kong's entity names, the top-level keys of the document). */
export const EXPORTED_FAMILIES: readonly string[] = FAMILIES.map((f) => f.name);

/**
 * Bundled plugins that keep their credentials in entities this package does
 * not read (they are not in its OpenAPI document). A configuration that uses
 * one cannot be exported whole: a node loading it would refuse every
 * credential of that plugin.
 */
export const PLUGINS_WITH_UNEXPORTED_ENTITIES: Readonly<Record<string, string>> = {
  'jwt': 'jwt_secrets',
  'hmac-auth': 'hmacauth_credentials',
  'oauth2': 'oauth2_credentials',
};

// A brand instead of `instanceof`: the ESM and CommonJS copies of this package define two classes.
const BRAND = Symbol.for('kong-hybrid.declarative-export');

/** The configuration uses what an export cannot hold. */
export class DeclarativeExportError extends Error {
  /** The plugins in use whose entities the export cannot read. */
  declare readonly plugins: readonly string[];

  constructor(plugins: readonly string[]) {
    super(`exportDeclarativeConfig: the configuration uses ${plugins.map((p) => `${p} (its ${PLUGINS_WITH_UNEXPORTED_ENTITIES[p]})`).join(', ')}, ` +
      'whose entities this export does not read: a node loading it would refuse those credentials');
    Object.assign(this, { name: 'DeclarativeExportError', plugins, [BRAND]: true });
  }
}

/** Whether an error is a {@link DeclarativeExportError} (of either copy of this package). */
export const isDeclarativeExportError = (err: unknown): err is DeclarativeExportError => (err as Record<symbol, unknown> | undefined)?.[BRAND] === true;

type Row = Record<string, unknown>;

/**
 * Reads every entity of the covered families through the Admin API, page by
 * page, and returns them as one declarative document with their ids, so that
 * a DB-less node (`declarative_config`, `POST /config`) loads it as the same
 * configuration. As Kong's own export: foreign keys are ids, fields unset are
 * `null`, empty families are left out; certificates lose the Admin API's
 * `snis` list (the SNIs are their own family), and a TTL becomes the time it
 * ends.
 *
 * It holds credentials and private keys: treat the result as a secret.
 *
 * It is not a snapshot: the reads are many requests, and a change made
 * meanwhile may be half in it. Compare the data planes' configuration hash
 * before and after (`readDataPlaneSync`) when that matters.
 *
 * Throws a `DeclarativeExportError` when a plugin whose credentials it cannot
 * read (jwt, hmac-auth, oauth2) is configured, and a `KongAdminError` when a
 * read fails.
 *
 * @example
 * import { exportDeclarativeConfig } from '@kong-hybrid/admin-client/declarative';
 * const doc = await exportDeclarativeConfig(kong);
 * await writeFile('kong.json', JSON.stringify(doc), { mode: 0o600 });
 */
export async function exportDeclarativeConfig(client: KongAdminClient, options: ExportDeclarativeConfigOptions = {}): Promise<DeclarativeConfigExport> {
  const fn = 'exportDeclarativeConfig';
  const nowSeconds = options.nowSeconds ?? Date.now() / 1000;
  if (!Number.isFinite(nowSeconds)) invalid(fn, 'nowSeconds must be Unix seconds', nowSeconds);
  const paging = { pageSize: options.pageSize, signal: options.signal };
  // One loop over paths of different types: the rows are handled as plain objects.
  const list = listAll as unknown as (c: KongAdminClient, path: string, o: object) => Promise<Row[]>;
  const read = (path: string, upstream?: string): Promise<Row[]> => list(client, path, { ...paging, ...(upstream !== undefined ? { path: { upstream } } : {}) });

  const doc: Record<string, unknown> = { _format_version: '3.0', _transform: false };
  const upstreams = await read('/upstreams');
  for (const family of FAMILIES) {
    let rows: Row[];
    if (family.name === 'upstreams') rows = upstreams;
    else if (family.name === 'targets') rows = (await Promise.all(upstreams.map((u) => read(family.path, u.id as string)))).flat();
    else rows = await read(family.path);
    if (family.name === 'plugins') {
      const unexportable = [...new Set(rows.map((p) => p.name as string))].filter((name) => name in PLUGINS_WITH_UNEXPORTED_ENTITIES).sort();
      if (unexportable.length > 0) throw new DeclarativeExportError(unexportable);
    }
    if (rows.length === 0) continue;
    doc[family.name] = rows.map((row) => {
      const out: Row = { ...row };
      for (const field of family.foreign) {
        const ref = out[field] as { id?: unknown } | null | undefined;
        if (ref && typeof ref === 'object') out[field] = ref.id;
      }
      if (family.name === 'certificates') delete out.snis;
      if (typeof out.ttl === 'number') out.ttl = Math.floor(nowSeconds) + out.ttl;
      return out;
    });
  }
  return doc as DeclarativeConfigExport;
}
