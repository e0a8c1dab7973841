import type { KongAdminClient } from './client.js';
import { listAll, type PaginateOptions } from './paginate.js';
import { invalid } from './invalid.js';
import type { DataPlane } from './types.js';

/** A data plane pings its control plane every 30 s (Kong's CLUSTERING_PING_INTERVAL). */
export const DATA_PLANE_PING_INTERVAL_SECONDS = 30;
/** The hash of an empty configuration: a data plane that serves nothing (404 to every request). */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);
/** Whether the control plane can configure the data plane. */
const compatible = (dp: DataPlane) => /^(normal|unknown)$/.test(dp.sync_status);

/** Options of {@link summarizeDataPlaneSync}. */
export interface DataPlaneSyncOptions {
  /** The time to judge `last_seen` against, in Unix seconds. */
  readonly nowSeconds: number;
  /**
   * A data plane not seen for longer is stale (gone, or cut off).
   * @default 90 - three missed pings
   */
  readonly staleAfterSeconds?: number;
}

/** What the data planes of a control plane say about configuration sync. */
export interface DataPlaneSyncSummary {
  /** Every data plane the control plane lists. */
  readonly total: number;
  /** Data planes seen within `staleAfterSeconds`. */
  readonly fresh: DataPlane[];
  /** Data planes not seen within `staleAfterSeconds`. */
  readonly stale: DataPlane[];
  /** Data planes the control plane cannot configure (`sync_status` other than `normal` or `unknown`), fresh or stale. */
  readonly incompatible: DataPlane[];
  /** Fresh data planes that run an empty configuration (serving 404 to everything). */
  readonly emptyConfig: DataPlane[];
  /** The distinct configuration hashes of the fresh data planes, sorted. */
  readonly configHashes: string[];
  /** The hash every fresh data plane runs, when there is exactly one. */
  readonly commonConfigHash: string | undefined;
  /**
   * The sync signal OSS offers (it has no endpoint for the control plane's own
   * hash): at least one fresh data plane, all fresh ones on one non-empty hash,
   * none of them incompatible.
   */
  readonly inSync: boolean;
}

/**
 * Summarises `/clustering/data-planes` for a decision such as "may the
 * control plane stop": a pure function of the list and the clock.
 */
export function summarizeDataPlaneSync(dataPlanes: readonly DataPlane[], options: DataPlaneSyncOptions): DataPlaneSyncSummary {
  const { nowSeconds, staleAfterSeconds = 3 * DATA_PLANE_PING_INTERVAL_SECONDS } = options ?? ({} as DataPlaneSyncOptions);
  const fn = 'summarizeDataPlaneSync';
  if (!Number.isFinite(nowSeconds)) invalid(fn, 'nowSeconds must be Unix seconds', nowSeconds);
  if (!(staleAfterSeconds > 0)) invalid(fn, 'staleAfterSeconds must be positive', staleAfterSeconds);
  const fresh: DataPlane[] = [];
  const stale: DataPlane[] = [];
  for (const dp of dataPlanes) (nowSeconds - dp.last_seen <= staleAfterSeconds ? fresh : stale).push(dp);
  const incompatible = dataPlanes.filter((dp) => !compatible(dp));
  const configHashes = [...new Set(fresh.map((dp) => dp.config_hash))].sort();
  const commonConfigHash = configHashes.length === 1 ? configHashes[0] : undefined;
  return {
    total: dataPlanes.length,
    fresh,
    stale,
    incompatible,
    emptyConfig: fresh.filter((dp) => dp.config_hash === EMPTY_CONFIG_HASH),
    configHashes,
    commonConfigHash,
    inSync: commonConfigHash !== undefined && commonConfigHash !== EMPTY_CONFIG_HASH && fresh.every(compatible),
  };
}

/** Options of {@link readDataPlaneSync}. */
export interface ReadDataPlaneSyncOptions extends Partial<DataPlaneSyncOptions> {
  /** @default 1000 */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * Lists every data plane of the control plane (`GET /clustering/data-planes`,
 * page by page) and summarises them (see {@link summarizeDataPlaneSync}).
 * `nowSeconds` defaults to the local clock.
 */
export async function readDataPlaneSync(client: KongAdminClient, options: ReadDataPlaneSyncOptions = {}): Promise<DataPlaneSyncSummary> {
  const dataPlanes = await listAll(client, '/clustering/data-planes', options as PaginateOptions<'/clustering/data-planes'>);
  return summarizeDataPlaneSync(dataPlanes, { ...options, nowSeconds: options.nowSeconds ?? Date.now() / 1000 });
}
