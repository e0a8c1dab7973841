import type { DataPlaneServiceReading, Observation, ServiceCounts } from '../../src/core';
import type { DataPlaneRow, DataPlaneTask, SyncReading } from '../../src/sync';

/**
 * Builders for observations, with readable defaults: a stable DP of two
 * tasks, each with a fresh row from its own address on one config, and a
 * running CP.
 */
export const HASH_A = 'a'.repeat(32);
export const HASH_B = 'b'.repeat(32);
/** When the default tasks started (their rows are seen after that). */
export const STARTED = Date.UTC(2026, 0, 1, 8, 0, 0);

export function cpCounts(running: number, desired = Math.max(running, 1)): ServiceCounts {
  return { desired, running, pending: 0 };
}

export function dpCounts(overrides: Partial<DataPlaneServiceReading> = {}): DataPlaneServiceReading {
  return { desired: 2, running: 2, pending: 0, deploymentInProgress: false, ...overrides };
}

/** DP task `i` (1-based): RUNNING at 10.0.3.(10+i). */
export function dpTask(i: number, overrides: Partial<DataPlaneTask> = {}): DataPlaneTask {
  return {
    arn: `arn:aws:ecs:us-east-1:123456789012:task/kong/task${String(i).padStart(4, '0')}`,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    ip: `10.0.3.${10 + i}`,
    createdAt: STARTED - 40_000,
    startedAt: STARTED,
    ...overrides,
  };
}

/** The row of DP task `i`'s node: same address, seen after it started. */
export function dpRow(i: number, overrides: Partial<DataPlaneRow> = {}): DataPlaneRow {
  return { id: `5b0f3c4e-7f3c-4d0e-9a57-${String(i).padStart(12, '0')}`, ip: `10.0.3.${10 + i}`, configHash: HASH_A, lastSeen: STARTED + 60_000, syncStatus: 'normal', ...overrides };
}

/** Rows for tasks 1..n on `hash`. */
export function inSync(n = 2, hash = HASH_A): SyncReading {
  return { rows: Array.from({ length: n }, (_, i) => dpRow(i + 1, { configHash: hash })) };
}

/** Tasks 1..n, RUNNING. */
export function dpTasks(n = 2): DataPlaneTask[] {
  return Array.from({ length: n }, (_, i) => dpTask(i + 1));
}

/** A DP of `n` tasks, each with its row on `hash`, the service stable. */
export function fleet(n: number, hash = HASH_A): Partial<Observation> {
  return { dataPlane: dpCounts({ desired: n, running: n }), dataPlaneTasks: dpTasks(n), sync: inSync(n, hash) };
}

export function observation(overrides: Partial<Observation> = {}): Observation {
  return { controlPlane: cpCounts(1), dataPlane: dpCounts(), dataPlaneTasks: dpTasks(2), sync: inSync(), errors: [], ...overrides };
}
