import { readDataPlaneSync, type KongAdminClient } from '@kong-hybrid/admin-client';
import type { DataPlaneSyncReader } from '../ports';
import { FALLBACK_LABEL, type DataPlaneRow, type SyncReading } from '../sync';

/** How the CP's data-plane list is read. */
export interface KongDataPlaneSyncOptions {
  /**
   * A DP not seen for longer is a leftover: Kong keeps the rows of gone DPs
   * for `cluster_data_plane_purge_delay`, 14 days by default
   * (kong/templates/kong_defaults.lua:39, the row's TTL at
   * kong/clustering/control_plane.lua:264, Kong/kong 3.9.3).
   */
  readonly staleAfterSeconds: number;
}

/** The `fallback-config` label of a row: a 32-hex MD5, or nothing (any other value is not ours). */
function fallbackOf(labels: Record<string, string> | null | undefined): string | undefined {
  const value = labels?.[FALLBACK_LABEL];
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}

/**
 * The CP's view of its data planes through the Kong Admin API: every page of
 * `/clustering/data-planes`, the rows seen within `staleAfterSeconds`. Each
 * row has the DP's `ip` (its peer address), `config_hash`, `last_seen` (Unix
 * seconds of its last ping), `sync_status` and the DP's `labels`
 * (kong/clustering/control_plane.lua:249-264): a `fallback-config` label says
 * which fallback configuration the DP started from.
 */
export class KongDataPlaneSync implements DataPlaneSyncReader {
  constructor(private readonly client: KongAdminClient, private readonly options: KongDataPlaneSyncOptions) {}

  public async read(nowMs: number): Promise<SyncReading> {
    const summary = await readDataPlaneSync(this.client, { nowSeconds: nowMs / 1000, staleAfterSeconds: this.options.staleAfterSeconds });
    return {
      rows: summary.fresh.map((dp): DataPlaneRow => ({
        id: dp.id,
        ip: dp.ip,
        configHash: dp.config_hash,
        lastSeen: dp.last_seen * 1000,
        syncStatus: dp.sync_status,
        ...(dp.version !== undefined ? { version: dp.version } : {}),
        ...(fallbackOf(dp.labels) !== undefined ? { fallbackHash: fallbackOf(dp.labels) } : {}),
      })),
    };
  }
}
