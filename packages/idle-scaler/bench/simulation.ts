import { DEFAULT_CONFIG, INITIAL_STATE, type ScalerConfig, type ScalerState } from '../src/core';
import type { Clock, DataPlaneSyncReader, DatabasePort, Lease, ServicesPort, StateStore, StoredState } from '../src/ports';
import { Scaler } from '../src/scaler';

/** How long the physical path takes, and how long each API call takes, in the simulated world. */
export interface SimulatedTimings {
  /** From desired count 1 to the CP task RUNNING (Fargate pull and start, Aurora resume). */
  readonly controlPlaneRunningMs: number;
  /** From RUNNING to the Admin API answering (Kong start). */
  readonly adminApiUpMs: number;
  /** From the Admin API answering to every DP reporting its config (Kong: reconnect after 5-10 s). */
  readonly dataPlanesSyncedMs: number;
  /** Latency of one call, per API (measured against moto and the emulator). */
  readonly callMs: { readonly ecs: number; readonly rds: number; readonly kong: number; readonly dynamodb: number };
}

/** What one simulated wake measured (virtual milliseconds). */
export interface WakeFigures {
  /** From the CP task RUNNING to the scaler's decision that saw it. */
  readonly runningSeenAfterMs: number;
  /** From the DPs being in sync to the scaler's `synced` decision (the start of the cooldown). */
  readonly syncedSeenAfterMs: number;
}

/**
 * One wake in a simulated world on a virtual clock: the real Scaler and core,
 * with in-memory ports that take the measured time of the real calls.
 */
export async function simulateWake(timings: SimulatedTimings, config: Partial<ScalerConfig> = {}): Promise<WakeFigures> {
  let t = 1_767_258_000_000;
  const pass = (ms: number) => { t += ms; };
  let wantedAt: number | undefined;
  const runningAt = () => (wantedAt === undefined ? undefined : wantedAt + timings.controlPlaneRunningMs);
  const apiUpAt = () => (wantedAt === undefined ? undefined : wantedAt + timings.controlPlaneRunningMs + timings.adminApiUpMs);
  const syncedAt = () => (wantedAt === undefined ? undefined : apiUpAt()! + timings.dataPlanesSyncedMs);

  let record: StoredState = { state: INITIAL_STATE, version: 0 };
  const store: StateStore = {
    async load() { pass(timings.callMs.dynamodb); return record; },
    async save(state: ScalerState, expected: number, lease: Lease | undefined) {
      pass(timings.callMs.dynamodb);
      if (expected !== record.version) return false;
      record = { state, version: expected + 1, lease };
      return true;
    },
  };
  const tasks = [1, 2, 3].map((i) => ({ arn: `arn:aws:ecs:us-east-1:123456789012:task/kong/t${i}`, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', ip: `10.0.3.${i}`, createdAt: t - 3_600_000, startedAt: t - 3_500_000 }));
  const services: ServicesPort = {
    async listDataPlaneTasks() { pass(timings.callMs.ecs); return tasks; },
    async describeTask(arn) { pass(timings.callMs.ecs); return tasks.find((x) => x.arn === arn); },
    async read() {
      pass(timings.callMs.ecs);
      const running = runningAt() !== undefined && t >= runningAt()! ? 1 : 0;
      return {
        controlPlane: { desired: wantedAt === undefined ? 0 : 1, running, pending: wantedAt !== undefined && !running ? 1 : 0 },
        dataPlane: { desired: 3, running: 3, pending: 0, deploymentInProgress: false },
      };
    },
    async setControlPlaneDesiredCount(count) { pass(timings.callMs.ecs); wantedAt = count > 0 ? (wantedAt ?? t) : undefined; },
  };
  const database: DatabasePort = {
    async status() { pass(timings.callMs.rds); return 'available'; },
    async start() { pass(timings.callMs.rds); },
  };
  const dataPlanes: DataPlaneSyncReader = {
    async read() {
      pass(timings.callMs.kong);
      if (apiUpAt() === undefined || t < apiUpAt()!) throw new Error('ECONNREFUSED');
      const synced = t >= syncedAt()!;
      return { rows: synced ? tasks.map((x, i) => ({ id: `node-${i}`, ip: x.ip, configHash: '1f3870be274f6c49b3e31a0c6728957f', lastSeen: t, syncStatus: 'normal' })) : [] };
    },
  };
  const clock: Clock = { now: () => t, sleep: async (ms) => pass(ms) };
  const lines: Array<Record<string, unknown>> = [];
  const cfg = { ...DEFAULT_CONFIG, ...config };
  const scaler = new Scaler({ store, services, database, dataPlanes, clock, log: (l) => lines.push(JSON.parse(l)) }, {
    config: cfg,
    metrics: { namespace: 'bench', dimensions: { ControlPlaneService: 'bench' } },
    reserveMs: 15_000,
  });

  const deadline = t + cfg.syncTimeoutMs + 60_000;
  await scaler.handle({ type: 'wake', cause: 'dp-task-starting', detail: 'bench' }, { invocationId: 'bench', remainingMs: () => deadline - t });

  const seenRunning = lines.find((l) => l.WakeToRunning !== undefined);
  const seenSynced = lines.find((l) => l.decision === 'synced');
  if (!seenRunning || !seenSynced) throw new Error(`simulated wake did not reach sync: ${JSON.stringify(lines.at(-1))}`);
  return {
    runningSeenAfterMs: Date.parse(seenRunning.time as string) - runningAt()!,
    syncedSeenAfterMs: Date.parse(seenSynced.time as string) - syncedAt()!,
  };
}
