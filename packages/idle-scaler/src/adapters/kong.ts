import type { KongAdminClient } from '@kong-hybrid/admin-client';
import type { SyncReading } from '../core';
import type { DataPlaneSyncReader } from '../ports';

/** `sync_status` values that mean a DP cannot take this CP's configuration. */
const INCOMPATIBLE = new Set(['kong_version_incompatible', 'plugin_set_incompatible', 'plugin_version_incompatible', 'filter_set_incompatible']);

/** One row of `GET /clustering/data-planes`, the fields the scaler reads. */
interface DataPlaneRow {
  readonly config_hash: string;
  readonly last_seen: number;
  readonly sync_status: string;
}

/** How the CP's data-plane list is read. */
export interface KongDataPlaneSyncOptions {
  /** A DP not seen for longer is a leftover (Kong keeps rows of gone DPs for days). */
  readonly staleAfterSeconds: number;
}

/**
 * The CP's view of its data planes through the Kong Admin API: every page of
 * `/clustering/data-planes`, summed up over the DPs seen recently.
 */
export class KongDataPlaneSync implements DataPlaneSyncReader {
  constructor(private readonly client: KongAdminClient, private readonly options: KongDataPlaneSyncOptions) {}

  public async read(nowMs: number): Promise<SyncReading> {
    const rows: DataPlaneRow[] = [];
    let offset: string | undefined;
    do {
      const { data, error, response } = await this.client.GET('/clustering/data-planes', { params: { query: { size: 1000, ...(offset ? { offset } : {}) } } });
      if (!data) throw new Error(`GET /clustering/data-planes answered ${response.status}: ${JSON.stringify(error ?? null).slice(0, 200)}`);
      rows.push(...data.data);
      offset = data.offset ?? undefined;
    } while (offset);
    return summarizeDataPlanes(rows, nowMs / 1000, this.options.staleAfterSeconds);
  }
}

/** Sums up the DPs seen within `staleAfterSeconds` of `nowSeconds`. */
export function summarizeDataPlanes(rows: readonly DataPlaneRow[], nowSeconds: number, staleAfterSeconds: number): SyncReading {
  const fresh = rows.filter((dp) => nowSeconds - dp.last_seen <= staleAfterSeconds);
  const hashes = [...new Set(fresh.map((dp) => dp.config_hash))].sort();
  return {
    fresh: fresh.length,
    incompatible: fresh.filter((dp) => INCOMPATIBLE.has(dp.sync_status)).length,
    configHashes: hashes,
    ...(hashes.length === 1 ? { commonConfigHash: hashes[0] } : {}),
  };
}
