import type { DataPlaneServiceReading, Observation, ServiceCounts, SyncReading } from '../../src/core';

/** Builders for observations, with readable defaults: a stable DP of two tasks, in sync, and a running CP. */
export const HASH_A = 'a'.repeat(32);
export const HASH_B = 'b'.repeat(32);

export function cpCounts(running: number, desired = Math.max(running, 1)): ServiceCounts {
  return { desired, running, pending: 0 };
}

export function dpCounts(overrides: Partial<DataPlaneServiceReading> = {}): DataPlaneServiceReading {
  return { desired: 2, running: 2, pending: 0, deploymentInProgress: false, ...overrides };
}

export function inSync(fresh = 2, hash = HASH_A): SyncReading {
  return { fresh, incompatible: 0, configHashes: fresh > 0 ? [hash] : [], ...(fresh > 0 ? { commonConfigHash: hash } : {}) };
}

export function observation(overrides: Partial<Observation> = {}): Observation {
  return { controlPlane: cpCounts(1), dataPlane: dpCounts(), sync: inSync(), errors: [], ...overrides };
}
