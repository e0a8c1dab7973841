import type { DataPlaneServiceReading, DecisionName, Phase, ScalerState, ServiceCounts } from './core';
import type { DataPlaneTask, SyncReading } from './sync';

/** Who may poll while the CP wakes up: one invocation at a time. */
export interface Lease {
  /** The invocation (Lambda request id) holding it. */
  readonly owner: string;
  /** Epoch milliseconds after which anyone may take it. */
  readonly until: number;
}

/** A decision that changed the state, as the status action reports it. */
export interface DecisionRecord {
  /** ISO time of the decision. */
  readonly at: string;
  readonly decision: DecisionName;
  readonly phase: Phase;
  readonly reason: string;
}

/** How many decisions the state keeps for the status action. */
export const HISTORY_LENGTH = 10;

/** The persisted state, its version (0: never written) and the poller's lease. */
export interface StoredState {
  readonly state: ScalerState;
  readonly version: number;
  readonly lease?: Lease;
  /** The last decisions that changed the state, newest first (at most {@link HISTORY_LENGTH}). */
  readonly history?: readonly DecisionRecord[];
  /**
   * Why the stored state could not be read back, when it could not: the
   * initial state stands in for it (fail safe: a running CP is adopted, not
   * stopped) and the next write replaces it.
   */
  readonly invalid?: string;
}

/** Where the state lives between invocations. Writes are conditional on the version read. */
export interface StateStore {
  load(): Promise<StoredState>;
  /**
   * Writes `state` (and the decision history with it) as version
   * `expectedVersion + 1` if the stored version is still `expectedVersion`.
   * Resolves to false, writing nothing, otherwise.
   */
  save(state: ScalerState, expectedVersion: number, lease: Lease | undefined, history?: readonly DecisionRecord[]): Promise<boolean>;
}

/** The two ECS services, read in one call. */
export interface ServicesReading {
  readonly controlPlane: ServiceCounts;
  readonly dataPlane: DataPlaneServiceReading;
}

/** The CP and DP ECS services. */
export interface ServicesPort {
  read(): Promise<ServicesReading>;
  /** The DP service's tasks that ECS wants running, with their state and private IP. */
  listDataPlaneTasks(): Promise<DataPlaneTask[]>;
  /** One task's current state; undefined when ECS no longer knows it. */
  describeTask(taskArn: string): Promise<DataPlaneTask | undefined>;
  setControlPlaneDesiredCount(count: number): Promise<void>;
}

/** The Aurora cluster behind the CP. */
export interface DatabasePort {
  /** The cluster's status (`available`, `stopped`, `starting`, …). */
  status(): Promise<string>;
  /** Starts a stopped cluster. Resolves without error when it is already starting or available. */
  start(): Promise<void>;
}

/** The CP's view of its data planes (`GET /clustering/data-planes`). */
export interface DataPlaneSyncReader {
  /** Reads every data plane's row and keeps those seen recently as of `nowMs`. */
  read(nowMs: number): Promise<SyncReading>;
}

/** The exporter of the data planes' fallback configuration. */
export interface FallbackExporter {
  /**
   * Asks for an export of the CP's configuration, which the DPs run as
   * `configHash`. Fire and forget: the exporter checks the DPs again, skips a
   * hash already exported, and reports its own failures.
   */
  requestExport(configHash: string): Promise<void>;
}

/** Wall clock and waiting, injectable so that tests drive time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
