/**
 * Which data plane (DP) runs which configuration: the rows of the control
 * plane's (CP) `GET /clustering/data-planes` matched to the DP service's ECS
 * tasks, one by one. Pure.
 *
 * Counting is not enough: a replaced DP's row stays fresh for up to the
 * freshness window after it is gone (90 s), and counted as "one DP in sync"
 * it hides a new task that has not connected yet. Matching needs an address
 * on both sides: Kong records the DP's peer address as the row's `ip`
 * (kong/clustering/control_plane.lua:193 and 257 at 3.9.3), and ECS reports a
 * task's private IPv4 address (DescribeTasks: `attachments[].details`
 * `privateIPv4Address` of its ElasticNetworkInterface,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Attachment.html,
 * or `containers[].networkInterfaces[].privateIpv4Address`,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_NetworkInterface.html).
 * They are the same address when the DP reaches the CP directly, as it does
 * through Cloud Map in this library (no NAT or proxy between them).
 */
import { CLOCK_SKEW_MS } from './timing';

/**
 * The hash a DP reports before it has any configuration, 32 zeros
 * (`DECLARATIVE_EMPTY_CONFIG_HASH`, kong/constants.lua:217 at 3.9.3): a new
 * data plane reports it until its first configuration arrives
 * (kong/clustering/control_plane.lua:239).
 */
export const EMPTY_CONFIG_HASH = '0'.repeat(32);

/**
 * The label a data plane started from a fallback configuration carries:
 * `fallback-config:<MD5 of the file>`, set by the data plane's start script
 * (@kong-hybrid/cdk, src/private/kong-start-script.ts) through
 * `KONG_CLUSTER_DP_LABELS`. Kong sends a data plane's labels in its first
 * message (`basic_info`, kong/clustering/data_plane.lua:165-186 at 3.9.3) and
 * the control plane stores them in its row (`labels = data.labels`,
 * kong/clustering/control_plane.lua:260). A data plane loaded from a file
 * reports the file's MD5 as its hash (`new_hash = md5(contents)`,
 * kong/db/declarative/init.lua:149, kept by parse_table (:234) and
 * load_into_cache, kong/init.lua:534 and :584); the control plane's first
 * push replaces it with the control plane's own hash
 * (kong/clustering/config_helper.lua:316-324). So a row whose hash is its
 * own label's runs the fallback, not the control plane's configuration.
 * A label key may not start with `kong` (kong/conf_loader/parse.lua:170).
 */
export const FALLBACK_LABEL = 'fallback-config';

/** One task of the DP service, as ECS describes it. Times are epoch milliseconds. */
export interface DataPlaneTask {
  readonly arn: string;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, … */
  readonly lastStatus: string;
  readonly desiredStatus: string;
  /** The task's private IPv4 address, once its network interface has one. */
  readonly ip?: string;
  readonly createdAt?: number;
  /** When it went RUNNING. */
  readonly startedAt?: number;
}

/** One row of `/clustering/data-planes`, seen recently. Times are epoch milliseconds. */
export interface DataPlaneRow {
  /** The DP's node id (new for every new Kong node: a new task has a new one). */
  readonly id: string;
  readonly ip: string;
  readonly configHash: string;
  readonly lastSeen: number;
  /** `normal` or `unknown` when the CP can configure it; `…_incompatible` otherwise. */
  readonly syncStatus: string;
  readonly version?: string;
  /** The hash of the fallback configuration the DP started from (its `fallback-config` label), if it did. */
  readonly fallbackHash?: string;
}

/** What the CP's `/clustering/data-planes` says, its rows seen within the freshness window. */
export interface SyncReading {
  readonly rows: readonly DataPlaneRow[];
}

/** Where one DP task stands. */
export type DataPlaneSyncState =
  /** ECS has not started it yet (PROVISIONING, PENDING, ACTIVATING). */
  | 'starting'
  /** It runs, but no row seen recently comes from its address since it started. */
  | 'not-connected'
  /** Its row says the CP cannot configure it (a newer Kong, other plugins). */
  | 'incompatible'
  /** It reports the empty configuration: it answers 404 to everything. */
  | 'no-config'
  /**
   * It serves the fallback configuration it started from (its hash is its
   * label's): an export of an earlier CP configuration, not the CP's until
   * the CP's first push replaces it.
   */
  | 'on-fallback'
  /** It runs the CP's configuration. */
  | 'on-cp-config'
  /** It runs a configuration that is not the CP's (or the CP's cannot be told: the DPs disagree). */
  | 'other-config';

/** One DP task and the row matched to it. */
export interface DataPlaneSync {
  /** The task's id (the last segment of its ARN). */
  readonly task: string;
  readonly lastStatus: string;
  readonly ip?: string;
  readonly state: DataPlaneSyncState;
  /** The matched row's node id, hash and last ping. */
  readonly node?: string;
  readonly configHash?: string;
  readonly lastSeen?: number;
}

/** The DP tasks, each matched to its row, and what the CP's configuration is taken to be. */
export interface SyncJudgement {
  readonly dataPlanes: readonly DataPlaneSync[];
  /**
   * The hash of the CP's configuration, when it can be told. OSS Kong has no
   * endpoint for it (kong/api/routes/health.lua:52 at 3.9.3 reports a hash
   * only on DB-less nodes and data planes), so it is inferred from the DPs.
   */
  readonly controlPlaneConfigHash?: string;
  /** Rows seen recently that match no running task (DPs that are gone, or outside this service). */
  readonly unmatchedRows: number;
}

const STARTING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);
const COMPATIBLE = new Set(['normal', 'unknown']);

/**
 * Matches every task ECS wants running (desiredStatus RUNNING) to the row
 * from its address, seen since it started (a row from the same address seen
 * before is another task's: addresses come back in a busy subnet).
 */
export function judgeSync(tasks: readonly DataPlaneTask[], sync: SyncReading): SyncJudgement {
  const wanted = tasks.filter((t) => t.desiredStatus === 'RUNNING');
  const used = new Set<string>();
  const matched = wanted.map((task) => {
    if (task.lastStatus !== 'RUNNING') return { task, state: STARTING.has(task.lastStatus) ? 'starting' as const : 'not-connected' as const };
    const row = rowOf(task, sync.rows);
    if (!row) return { task, state: 'not-connected' as const };
    used.add(row.id);
    if (!COMPATIBLE.has(row.syncStatus)) return { task, row, state: 'incompatible' as const };
    if (row.configHash === EMPTY_CONFIG_HASH) return { task, row, state: 'no-config' as const };
    if (onFallback(row)) return { task, row, state: 'on-fallback' as const };
    return { task, row, state: undefined };
  });
  const controlPlaneConfigHash = inferControlPlaneConfigHash(matched.flatMap((m) => (m.row && m.state === undefined ? [m.row] : [])));
  return {
    dataPlanes: matched.map(({ task, row, state }) => ({
      task: lastSegment(task.arn),
      lastStatus: task.lastStatus,
      ...(task.ip !== undefined ? { ip: task.ip } : {}),
      state: state ?? (row!.configHash === controlPlaneConfigHash ? 'on-cp-config' : 'other-config'),
      ...(row ? { node: row.id, configHash: row.configHash, lastSeen: row.lastSeen } : {}),
    })),
    ...(controlPlaneConfigHash !== undefined ? { controlPlaneConfigHash } : {}),
    unmatchedRows: sync.rows.filter((r) => !used.has(r.id)).length,
  };
}

/** Whether a row reports the fallback configuration its DP started from: its hash is its own `fallback-config` label's. */
export function onFallback(row: Pick<DataPlaneRow, 'configHash' | 'fallbackHash'>): boolean {
  return row.fallbackHash !== undefined && row.configHash === row.fallbackHash;
}

/**
 * The CP's configuration hash, as far as it can be told: the one non-empty
 * hash that every DP with a configuration runs. When they disagree (a push
 * on its way, or a DP on another configuration) it cannot be told.
 *
 * This is the one place that decides "on the CP's config" versus "on some
 * other config". A DP serving the fallback configuration it started from is
 * no witness of the CP's: its hash is the export file's MD5, never the CP's
 * (which hashes the configuration another way), and the export may be of an
 * older configuration. Its row is left out before the agreement is taken, so
 * that DPs all on a fallback never count as in sync.
 */
export function inferControlPlaneConfigHash(rows: ReadonlyArray<Pick<DataPlaneRow, 'configHash' | 'fallbackHash'>>): string | undefined {
  const distinct = [...new Set(rows.filter((r) => !onFallback(r)).map((r) => r.configHash).filter((h) => h !== EMPTY_CONFIG_HASH))];
  return distinct.length === 1 ? distinct[0] : undefined;
}

function rowOf(task: DataPlaneTask, rows: readonly DataPlaneRow[]): DataPlaneRow | undefined {
  if (task.ip === undefined) return undefined;
  const since = task.startedAt !== undefined ? task.startedAt - CLOCK_SKEW_MS : -Infinity;
  let best: DataPlaneRow | undefined;
  for (const row of rows) {
    if (row.ip !== task.ip || row.lastSeen < since) continue;
    // Two nodes from one address since the task started (Kong restarted in the container): the latest is it.
    if (!best || row.lastSeen > best.lastSeen) best = row;
  }
  return best;
}

/** Where the DPs stand, in a few words: `2 on-cp-config, 1 not-connected`. */
export function describeSync(judgement: SyncJudgement): string {
  const counts = new Map<DataPlaneSyncState, number>();
  for (const dp of judgement.dataPlanes) counts.set(dp.state, (counts.get(dp.state) ?? 0) + 1);
  const parts = [...counts].map(([state, n]) => `${n} ${state}`);
  const hash = judgement.controlPlaneConfigHash ? ` (config ${judgement.controlPlaneConfigHash.slice(0, 8)})` : '';
  return `${parts.join(', ') || 'no data plane tasks'}${hash}${judgement.unmatchedRows ? `; ${judgement.unmatchedRows} rows of other nodes` : ''}`;
}

/** What keeps the DP tasks from counting as in sync; empty when every one runs the CP's config. */
export function dataPlaneGaps(judgement: SyncJudgement): string[] {
  const by = (state: DataPlaneSyncState) => judgement.dataPlanes.filter((d) => d.state === state);
  const gaps: string[] = [];
  const starting = by('starting');
  if (starting.length) gaps.push(`${starting.length} data plane tasks starting (${starting.map((d) => `${short(d.task)} ${d.lastStatus}`).join(', ')})`);
  const notConnected = by('not-connected');
  if (notConnected.length) gaps.push(`${notConnected.length} running data plane tasks without a recent row from their address (${notConnected.map((d) => `${short(d.task)}${d.ip ? ` ${d.ip}` : ''}`).join(', ')})`);
  const incompatible = by('incompatible');
  if (incompatible.length) gaps.push(`${incompatible.length} data planes the control plane cannot configure (${incompatible.map((d) => short(d.task)).join(', ')})`);
  const empty = by('no-config');
  if (empty.length) gaps.push(`${empty.length} data planes with no configuration yet (${empty.map((d) => short(d.task)).join(', ')})`);
  const fallback = by('on-fallback');
  if (fallback.length) gaps.push(`${fallback.length} data planes serving their fallback configuration, not yet the control plane's (${fallback.map((d) => short(d.task)).join(', ')})`);
  const other = by('other-config');
  if (other.length) {
    const hashes = [...new Set(other.map((d) => d.configHash!.slice(0, 8)))];
    gaps.push(judgement.controlPlaneConfigHash
      ? `${other.length} data planes on another configuration (${hashes.join(', ')})`
      : `data planes disagree on the configuration (${[...new Set(judgement.dataPlanes.flatMap((d) => (d.configHash && d.configHash !== EMPTY_CONFIG_HASH ? [d.configHash.slice(0, 8)] : [])))].join(', ')})`);
  }
  return gaps;
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function short(task: string): string {
  return task.slice(0, 8);
}
