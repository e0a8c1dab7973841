import { readDataPlaneSync, type DataPlaneSyncSummary, type KongAdminClient } from '@kong-hybrid/admin-client';
import type { SyncReading } from '../core';
import type { DataPlaneSyncReader } from '../ports';

/** How the CP's data-plane list is read. */
export interface KongDataPlaneSyncOptions {
  /**
   * A DP not seen for longer is a leftover: Kong keeps the rows of gone DPs
   * for days (`cluster_data_plane_purge_delay`, 14 days by default).
   */
  readonly staleAfterSeconds: number;
}

/**
 * The CP's view of its data planes through the Kong Admin API: every page of
 * `/clustering/data-planes`, summed up by the admin client over the DPs seen
 * recently.
 */
export class KongDataPlaneSync implements DataPlaneSyncReader {
  constructor(private readonly client: KongAdminClient, private readonly options: KongDataPlaneSyncOptions) {}

  public async read(nowMs: number): Promise<SyncReading> {
    const summary = await readDataPlaneSync(this.client, { nowSeconds: nowMs / 1000, staleAfterSeconds: this.options.staleAfterSeconds });
    return toSyncReading(summary);
  }
}

/**
 * The scaler's reading of a summary. Only fresh DPs count as incompatible: the
 * row of a DP replaced after an upgrade lingers for days and must not keep the
 * control plane up all that time.
 */
export function toSyncReading(summary: DataPlaneSyncSummary): SyncReading {
  const fresh = new Set(summary.fresh);
  return {
    fresh: summary.fresh.length,
    incompatible: summary.incompatible.filter((dp) => fresh.has(dp)).length,
    configHashes: summary.configHashes,
    ...(summary.commonConfigHash !== undefined ? { commonConfigHash: summary.commonConfigHash } : {}),
  };
}
