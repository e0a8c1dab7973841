/**
 * The status of a deployment, as `kong-hybrid status --json` prints it
 * (schemas/status.schema.json). What could not be read is `null`, with the
 * reason in `unknown`.
 */
export interface StatusDocument {
  readonly schema: 'kong-hybrid/status/v1';
  readonly at: string;
  readonly stack: { readonly name: string; readonly status: string; readonly region: string | null };
  readonly controlPlane: ControlPlaneStatus | null;
  readonly database: DatabaseStatus | null;
  readonly dataPlanes: DataPlanesStatus | null;
  /** null on a gateway without the idle scaler, or when it could not be asked. */
  readonly scaler: ScalerStatus | null;
  /** What is not known, and why. */
  readonly unknown: readonly UnknownItem[];
}

export interface UnknownItem {
  readonly item: string;
  readonly reason: string;
}

export type ControlPlaneState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface ControlPlaneStatus {
  readonly state: ControlPlaneState;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  /** Since when it is in this state (its task's start, the scaler's stop or wake), when known. */
  readonly since: string | null;
  /** Whether its Admin API answered the scaler's look (null: not looked at). */
  readonly adminApiAnswering: boolean | null;
}

export interface DatabaseStatus {
  readonly identifier: string;
  /** The cluster's status (`available`, `stopped`, `starting`, …): `available` while auto-paused too. */
  readonly status: string;
  /** Aurora Serverless v2 capacity in ACU (0: paused), from CloudWatch's ServerlessDatabaseCapacity. */
  readonly acu: number | null;
  /** When that capacity was measured. */
  readonly acuAt: string | null;
  readonly minAcu: number | null;
  readonly maxAcu: number | null;
}

export interface DataPlanesStatus {
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly deploymentInProgress: boolean;
  readonly tasks: readonly DataPlaneTaskStatus[];
}

export interface DataPlaneTaskStatus {
  /** The task id (the last part of its ARN). */
  readonly id: string;
  readonly lastStatus: string;
  /** ECS's health status of the task (HEALTHY, UNHEALTHY, UNKNOWN), when reported. */
  readonly health: string | null;
  readonly ip: string | null;
  readonly startedAt: string | null;
  /** Which configuration it runs, as the control plane sees it; null while that cannot be told. */
  readonly sync: DataPlaneSyncStatus | null;
}

export interface DataPlaneSyncStatus {
  /**
   * starting, not-connected, incompatible, no-config, on-fallback, on-cp-config, other-config
   * (packages/idle-scaler/src/sync.ts). `on-fallback`: it serves the fallback configuration it
   * started from (`configHash` is the export's), never counted as in sync.
   */
  readonly state: string;
  readonly configHash: string | null;
  readonly lastSeen: string | null;
  /** The Kong version the data plane reported. */
  readonly version: string | null;
}

export interface DecisionRecord {
  readonly at: string;
  readonly decision: string;
  readonly phase: string;
  readonly reason: string;
}

export interface ScalerStatus {
  readonly phase: string;
  readonly cooldownUntil: string | null;
  readonly cooldownLeftMs: number | null;
  readonly stopDueForMs: number | null;
  readonly neverHealthyStopInMs: number | null;
  readonly wokeAt: string | null;
  readonly stoppedAt: string | null;
  readonly controlPlaneConfigHash: string | null;
  readonly syncGaps: readonly string[];
  readonly stopBlockers: readonly string[];
  /** Newest first. */
  readonly lastDecisions: readonly DecisionRecord[];
}
