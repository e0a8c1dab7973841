/**
 * Wake-and-wait: the control plane may be stopped by the idle scaler (desired
 * count 0) and its database stopped or paused. The bootstrap does what the
 * scaler does on a wake (desired count 1; StartDBCluster when the cluster is
 * `stopped`; a paused Serverless v2 cluster resumes on the first connection),
 * then waits until the Admin API answers `/status` with a reachable database,
 * within a deadline. The scaler adopts a control plane it finds running
 * without a wake of its own: it waits for the data planes to sync, runs its
 * cooldown and stops it again.
 *
 * `wakeStep` is the pure decision; `waitForAdminApi` the loop around it.
 */

import type { ServiceCounts } from '@kong-hybrid/idle-scaler/src/core';
import type { Clock, DatabasePort } from '@kong-hybrid/idle-scaler/src/ports';

// The same ECS counts, Aurora port and clock as the idle scaler's (whose
// AuroraCluster adapter the bootstrap uses).
export type { Clock, DatabasePort, ServiceCounts };
export { systemClock } from '@kong-hybrid/idle-scaler/src/ports';

/** What the Admin API said to `GET /status`. */
export type AdminApiStatus = 'ready' | 'database-unreachable' | 'unreachable';

/** One look at everything the Admin API depends on. */
export interface WakeObservation {
  readonly controlPlane: ServiceCounts;
  /** The Aurora cluster's status, when there is one to watch. */
  readonly databaseStatus?: string;
  readonly adminApi: AdminApiStatus;
}

export type WakeAction = 'start-control-plane' | 'start-database';

export interface WakeDecision {
  readonly actions: WakeAction[];
  /** The Admin API answers with its database: go on. */
  readonly ready: boolean;
  /** What is still awaited, for the logs and the timeout message. */
  readonly waitingFor: string;
}

/** The pure decision of one look. */
export function wakeStep(obs: WakeObservation): WakeDecision {
  const actions: WakeAction[] = [];
  // Even while its last task still answers: a control plane at 0 is being stopped under us.
  if (obs.controlPlane.desired < 1) actions.push('start-control-plane');
  if (obs.databaseStatus === 'stopped') actions.push('start-database');
  const cp = `control plane desired ${Math.max(obs.controlPlane.desired, actions.includes('start-control-plane') ? 1 : 0)}, running ${obs.controlPlane.running}, pending ${obs.controlPlane.pending}`;
  const db = obs.databaseStatus === undefined ? '' : `; database ${obs.databaseStatus}`;
  const api = obs.adminApi === 'ready' ? 'Admin API ready' : obs.adminApi === 'database-unreachable' ? 'Admin API up, its database not reachable yet' : 'Admin API not answering';
  return { actions, ready: obs.adminApi === 'ready', waitingFor: `${api} (${cp}${db})` };
}

/** The control plane's ECS service. */
export interface ControlPlanePort {
  read(): Promise<ServiceCounts>;
  setDesiredCount(count: number): Promise<void>;
}

/** `GET /status` of the Admin API. */
export interface AdminApiProbe {
  status(): Promise<AdminApiStatus>;
}


export interface WaitPorts {
  readonly controlPlane: ControlPlanePort;
  readonly database?: DatabasePort;
  readonly adminApi: AdminApiProbe;
  readonly clock: Clock;
  /** One JSON log line. */
  readonly log: (fields: Record<string, unknown>) => void;
}

export interface WaitResult {
  /** What was done to wake things up. */
  readonly woke: WakeAction[];
  /** How many looks it took. */
  readonly looks: number;
}

/** Thrown when the deadline passes first; says what was still awaited. */
export class AdminApiWaitTimeout extends Error {
  constructor(readonly waitedMs: number, readonly waitingFor: string) {
    super(`the Kong Admin API did not become ready within ${Math.round(waitedMs / 1000)} s: ${waitingFor}`);
    this.name = 'AdminApiWaitTimeout';
  }
}

/**
 * Thrown, when told not to wake anything, on finding the control plane
 * stopped (desired count 0) or its database stopped: nothing answers, and
 * nothing may be started.
 */
export class ControlPlaneAsleep extends Error {
  constructor(readonly waitingFor: string) {
    super(`the control plane is not running and may not be woken: ${waitingFor}`);
    this.name = 'ControlPlaneAsleep';
  }
}

/**
 * Wakes what is asleep (unless `wake` is false: then it throws
 * {@link ControlPlaneAsleep} instead) and polls until the Admin API is ready
 * or `deadlineMs` (a clock time) passes. Logs each change of what it waits
 * for, not each look.
 */
export async function waitForAdminApi(ports: WaitPorts, options: { deadlineMs: number; pollIntervalMs: number; wake?: boolean }): Promise<WaitResult> {
  const started = ports.clock.now();
  const woke = new Set<WakeAction>();
  let lastWaitingFor = '';
  for (let looks = 1; ; looks++) {
    const [controlPlane, databaseStatus] = await Promise.all([ports.controlPlane.read(), ports.database?.status()]);
    const adminApi = await ports.adminApi.status();
    const decision = wakeStep({ controlPlane, databaseStatus, adminApi });
    if (options.wake === false && decision.actions.length > 0) {
      const db = databaseStatus === undefined ? '' : `, database ${databaseStatus}`;
      throw new ControlPlaneAsleep(`control plane desired ${controlPlane.desired}, running ${controlPlane.running}${db}`);
    }
    for (const action of decision.actions) {
      if (action === 'start-control-plane') await ports.controlPlane.setDesiredCount(1);
      else await ports.database!.start();
      ports.log({ event: 'wake', action, reason: decision.waitingFor });
      woke.add(action);
    }
    if (decision.ready) return { woke: [...woke], looks };
    if (decision.waitingFor !== lastWaitingFor) ports.log({ event: 'waiting', for: decision.waitingFor });
    lastWaitingFor = decision.waitingFor;
    const now = ports.clock.now();
    if (now + options.pollIntervalMs > options.deadlineMs) throw new AdminApiWaitTimeout(now - started, decision.waitingFor);
    await ports.clock.sleep(options.pollIntervalMs);
  }
}
