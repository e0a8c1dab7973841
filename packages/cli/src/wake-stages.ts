import type { StatusReport } from '@kong-hybrid/idle-scaler';
import { fallbackWords, shortHash } from './format';

/** One step of a wake as `wake --wait` shows it. */
export interface Stage {
  readonly key: 'database' | 'control-plane' | 'data-planes';
  readonly done: boolean;
  readonly text: string;
}

/** Where a wake stands, from one look of the idle scaler. */
export interface WakeProgress {
  readonly stages: readonly Stage[];
  /** Every data plane task the service wants runs the control plane's configuration, and the scaler is in its cooldown. */
  readonly synced: boolean;
}

/**
 * The steps of a wake, read from a status report: the database resuming
 * (or starting, when it was stopped), the control plane starting and
 * answering, the data planes syncing. Pure.
 */
export function wakeProgress(report: StatusReport): WakeProgress {
  const obs = report.observation;
  const db = obs.databaseStatus;
  const database: Stage = db === undefined
    ? { key: 'database', done: false, text: 'database: status not read yet' }
    : db === 'available'
      ? { key: 'database', done: true, text: 'database available (Aurora resumes as the control plane connects)' }
      : { key: 'database', done: false, text: db === 'stopped' ? 'database stopped: the idle scaler starts it' : `database ${db}` };

  const cp = obs.controlPlane;
  const answering = obs.sync !== undefined;
  const controlPlane: Stage = !cp
    ? { key: 'control-plane', done: false, text: 'control plane: ECS not read yet' }
    : answering && cp.running > 0
      ? { key: 'control-plane', done: true, text: `control plane answering (${cp.running}/${cp.desired} running)` }
      : cp.desired === 0
        ? { key: 'control-plane', done: false, text: 'control plane: asking ECS to start it' }
        : cp.running === 0
          ? { key: 'control-plane', done: false, text: 'control plane starting (Fargate places the task, pulls the image)' }
          : { key: 'control-plane', done: false, text: 'control plane running; Kong connects to the database' };

  const tasks = report.dataPlanes ?? [];
  const onConfig = tasks.filter((d) => d.state === 'on-cp-config').length;
  const onFallback = tasks.filter((d) => d.state === 'on-fallback');
  const fallback = onFallback.length > 0 ? `; ${onFallback.length} ${fallbackWords(onFallback.map((d) => d.configHash))}, waiting for the control plane` : '';
  const wanted = Math.max(tasks.length, obs.dataPlane?.desired ?? 0);
  const synced = report.phase === 'cooldown' && report.syncGaps.length === 0;
  const dataPlanes: Stage = synced
    ? { key: 'data-planes', done: true, text: `data planes in sync: ${onConfig} of ${wanted} on config ${shortHash(report.controlPlaneConfigHash)}` }
    : !answering
      ? { key: 'data-planes', done: false, text: 'data planes: waiting for the control plane' }
      : { key: 'data-planes', done: false, text: `data planes syncing: ${onConfig} of ${wanted} on the control plane's configuration${fallback}` };

  return { stages: [database, controlPlane, dataPlanes], synced };
}
