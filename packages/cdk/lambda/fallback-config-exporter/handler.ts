/**
 * The exporter of the data planes' fallback configuration: the
 * control plane's configuration, read through its Admin API as one
 * declarative document (`exportDeclarativeConfig` of @kong-hybrid/admin-client),
 * stored in S3 where a new data plane task fetches it before Kong starts.
 *
 * Why a function of its own rather than the idle scaler itself: least
 * privilege (only this function may write the bucket, and the scaler keeps
 * no S3 or KMS permission), a scaler that never waits on an export (reading
 * thousands of entities takes seconds; the scaler invokes this function
 * asynchronously and goes on), and an export that runs with the control plane
 * always on (no scaler: a schedule invokes it).
 *
 * It exports only a configuration the data planes agree on, and names it by
 * that hash: every fresh data plane that does not serve its own fallback
 * reports one hash (and the one the scaler asked for, when it asked for one).
 * It looks again after the propagation delay: a configuration changed during
 * the export (the reads are many requests, not a snapshot) is not stored
 * under the old hash. An export already stored for that hash is not written
 * again (its tag says so). Nothing of the document is ever logged: it holds
 * credentials and private keys.
 */
import { createHash } from 'node:crypto';
import { EMPTY_CONFIG_HASH, type DataPlane } from '@kong-hybrid/admin-client';
import { isDeclarativeExportError, type DeclarativeConfigExport } from '@kong-hybrid/admin-client/declarative';

/** The label a data plane started from the fallback carries (src/private/kong-start-script.ts FALLBACK_LABEL). */
export const FALLBACK_LABEL = 'fallback-config';

/** Where exports are stored. */
export interface ExportStore {
  /** The configuration hash of the export stored now (its `kong-config-hash` tag), if any. */
  currentConfigHash(): Promise<string | undefined>;
  /** Stores a new export (a new version of the object). Returns its version id. */
  put(body: Uint8Array, tags: { configHash: string; fallbackHash: string; exportedAt: string }): Promise<string | undefined>;
}

export interface ExporterDependencies {
  /** The data planes the control plane lists (`/clustering/data-planes`, every page). */
  readonly dataPlanes: () => Promise<DataPlane[]>;
  /** The whole configuration (`exportDeclarativeConfig`). */
  readonly exportConfig: () => Promise<DeclarativeConfigExport>;
  readonly store: ExportStore;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** One JSON line per run: never the document. */
  readonly log: (line: string) => void;
  /** The delay between the two looks at the data planes, in ms (the scaler's propagation delay). */
  readonly confirmDelayMs: number;
  /** A data plane not seen for this long is gone, in seconds. */
  readonly staleAfterSeconds: number;
  readonly metricsNamespace: string;
}

/** What a run did. */
export type ExportOutcome =
  | 'exported'
  | 'already-exported'
  | 'not-in-sync'
  | 'superseded'
  | 'changed-during-export'
  | 'empty'
  | 'refused';

export interface ExportResult {
  readonly outcome: ExportOutcome;
  readonly reason: string;
  readonly configHash?: string;
  readonly fallbackHash?: string;
  readonly bytes?: number;
  readonly versionId?: string;
}

/** What invokes it: the idle scaler (`{"action":"export","configHash":…}`), the schedule, an operator (`{"action":"export"}`). */
export interface ExportRequest {
  /** The hash the data planes agreed on when the scaler asked; absent from the schedule and operators. */
  readonly configHash?: string;
}

/** The event, read: anything but an export request with a malformed hash is a plain request. */
export function readRequest(event: unknown): ExportRequest {
  const e = (event ?? {}) as { action?: unknown; configHash?: unknown };
  if (e.action !== undefined && e.action !== 'export') throw new Error(`unknown action ${JSON.stringify(e.action)}: this function takes {"action":"export"}`);
  if (e.configHash === undefined) return {};
  if (typeof e.configHash !== 'string' || !/^[0-9a-f]{32}$/.test(e.configHash)) throw new Error(`configHash must be 32 lowercase hex digits, got ${JSON.stringify(e.configHash)}`);
  return { configHash: e.configHash };
}

/**
 * The hash every fresh data plane that does not serve its own fallback
 * reports, when they agree on one non-empty hash (the idle scaler's rule,
 * without its task matching: packages/idle-scaler src/sync.ts).
 */
export function agreedConfigHash(dataPlanes: readonly DataPlane[], nowSeconds: number, staleAfterSeconds: number): string | undefined {
  const fresh = dataPlanes.filter((dp) => nowSeconds - dp.last_seen <= staleAfterSeconds && /^(normal|unknown)$/.test(dp.sync_status));
  const onCp = fresh.filter((dp) => dp.labels?.[FALLBACK_LABEL] !== dp.config_hash);
  const hashes = [...new Set(onCp.map((dp) => dp.config_hash).filter((h) => h !== EMPTY_CONFIG_HASH))];
  return hashes.length === 1 ? hashes[0] : undefined;
}

/** How many entities of each family a document holds (for the log: counts only). */
function counts(doc: DeclarativeConfigExport): Record<string, number> {
  return Object.fromEntries(Object.entries(doc).filter(([k, v]) => !k.startsWith('_') && Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length]));
}

export async function runExport(request: ExportRequest, deps: ExporterDependencies): Promise<ExportResult> {
  const started = deps.now();
  const finish = (result: ExportResult, extra: Record<string, unknown> = {}): ExportResult => {
    const metrics: Record<string, number> = { [result.outcome === 'exported' ? 'Exports' : result.outcome === 'refused' ? 'ExportRefused' : 'ExportSkipped']: 1 };
    if (result.outcome === 'exported') {
      metrics.ExportBytes = result.bytes ?? 0;
      metrics.ExportDuration = deps.now() - started;
    }
    deps.log(JSON.stringify({
      _aws: {
        Timestamp: deps.now(),
        CloudWatchMetrics: [{ Namespace: deps.metricsNamespace, Dimensions: [[]], Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: Name === 'ExportBytes' ? 'Bytes' : Name === 'ExportDuration' ? 'Milliseconds' : 'Count' })) }],
      },
      ...metrics,
      handler: 'fallback-config-exporter',
      ...result,
      ...extra,
      durationMs: deps.now() - started,
    }));
    return result;
  };
  const agreed = async () => agreedConfigHash(await deps.dataPlanes(), deps.now() / 1000, deps.staleAfterSeconds);

  const hash = await agreed();
  if (hash === undefined) return finish({ outcome: 'not-in-sync', reason: 'the data planes do not agree on one configuration (or none is connected): nothing is exported' });
  if (request.configHash !== undefined && request.configHash !== hash) {
    return finish({ outcome: 'superseded', configHash: hash, reason: `asked for ${request.configHash.slice(0, 8)}, but the data planes now run ${hash.slice(0, 8)}: the scaler asks for that one when it sees it` });
  }
  if ((await deps.store.currentConfigHash()) === hash) return finish({ outcome: 'already-exported', configHash: hash, reason: `the stored export is of ${hash.slice(0, 8)} already` });

  let doc: DeclarativeConfigExport;
  try {
    doc = await deps.exportConfig();
  } catch (error) {
    // A configuration the export cannot hold whole: retrying cannot help; the data planes keep the last good export.
    if (isDeclarativeExportError(error)) return finish({ outcome: 'refused', configHash: hash, reason: error.message });
    throw error;
  }
  const families = counts(doc);
  // An empty configuration loads as the empty hash (kong/db/declarative/import.lua:433 at 3.9.3): a data plane on it is not ready.
  if (Object.keys(families).length === 0) return finish({ outcome: 'empty', configHash: hash, reason: 'the control plane has no configuration: an empty fallback would serve nothing' });

  // Changed meanwhile? A change reaches the data planes within the propagation delay.
  await deps.sleep(deps.confirmDelayMs);
  const after = await agreed();
  if (after !== hash) {
    return finish({ outcome: 'changed-during-export', configHash: hash, reason: `the data planes went from ${hash.slice(0, 8)} to ${after?.slice(0, 8) ?? 'no agreement'} during the export: not stored under the old hash` });
  }

  const exportedAt = new Date(deps.now()).toISOString();
  const text = JSON.stringify({ ...doc, _comment: `kong-hybrid fallback configuration: the control plane's configuration ${hash}, exported ${exportedAt}` });
  const body = new TextEncoder().encode(text);
  // What a data plane loading this file reports as its hash (kong/db/declarative/init.lua:149, kept by parse_table at :234).
  const fallbackHash = createHash('md5').update(body).digest('hex');
  const versionId = await deps.store.put(body, { configHash: hash, fallbackHash, exportedAt });
  return finish({ outcome: 'exported', configHash: hash, fallbackHash, bytes: body.length, versionId, reason: `exported the control plane's configuration ${hash.slice(0, 8)} (${body.length} bytes)` }, { entities: families });
}
