/**
 * The global invariant of the scenario suite, checked after every step of the
 * simulated world (every timer: an API call landing, a task changing state, a
 * ping, an event delivered, an invocation starting or ending):
 *
 * 1. No stop while the CP is readable and a DP task is starting or not on the
 *    CP's configuration. Checked on the world's truth at the moment ECS applies
 *    the desired count 0. Two tolerances, both stated where they are applied:
 *    a task created in the last {@link RACE_MS} (its start races the stop;
 *    the scaler then starts the CP again, which the liveness check at the end
 *    of each scenario covers), and a configuration changed within
 *    CONFIG_PROPAGATION_MS of the stop (OSS Kong exposes no hash of the CP's
 *    own configuration, so a change that has not reached any data plane yet
 *    is invisible; see the README's "Known limits").
 * 2. No CP up past the bound without an alarm: a CP wanted and never readable
 *    for longer than the wake bound has raised `NeverHealthy`, and a stop due
 *    for longer than the bound has reported `StopDeferredFor` of at least the
 *    bound (the metric the deferred-stop alarm watches).
 * 3. At most one cooldown extension per DP task start (per task ARN).
 * 4. No wake stuck: the stored state is `waking` at most the sync timeout plus
 *    two ticks.
 * 5. A DP serving its fallback configuration (issue 12) is never taken for one
 *    in sync: no `synced` decision while a wanted DP task's Kong runs the
 *    fallback it started from (a DP never goes back to its fallback once the
 *    CP's configuration reached it, so what the decision's look saw holds when
 *    its log line is written). Stops are covered by 1: a fallback's hash is
 *    never the CP's.
 */
import { CONFIG_PROPAGATION_MS } from '../../src/timing';
import { WORLD_TIMINGS, type World } from './world';

/** A DP task created this close to a stop raced it (ECS applied the stop before the scaler could see the task). */
export const RACE_MS = 2_000;

export class Invariants {
  public readonly violations: string[] = [];
  private stopsChecked = 0;
  private logsChecked = 0;
  private readonly extensionsByTask = new Map<string, number>();
  /** When the scaler could first read the Admin API since the CP was last wanted. */
  private readableSince: number | undefined;
  private wantedSince: number | undefined;

  private readonly start: number;

  constructor(private readonly world: World, private readonly wakeBoundMs: number) {
    this.start = world.sim.t;
  }

  /** Throws on the first violation, naming the time and what was seen. */
  public readonly check = (): void => {
    const w = this.world;
    const t = w.sim.t;
    const at = `+${((t - this.start) / 60_000).toFixed(2)} min`;

    // 1. Stops.
    for (; this.stopsChecked < w.stops.length; this.stopsChecked++) {
      const stop = w.stops[this.stopsChecked];
      if (!stop.readable) continue;
      for (const dp of stop.dataPlanes) {
        if (dp.desiredStatus !== 'RUNNING' || dp.createdAt > stop.at - RACE_MS) continue;
        if (dp.lastStatus !== 'RUNNING') this.fail(`${at}: the CP was stopped while data plane task ${dp.id} was ${dp.lastStatus}`);
        else if (dp.hash !== stop.cpConfigHash && stop.cpConfigChangedAt <= stop.at - CONFIG_PROPAGATION_MS) {
          this.fail(`${at}: the CP was stopped while data plane task ${dp.id} ran config ${dp.hash.slice(0, 8)}, not the CP's ${stop.cpConfigHash.slice(0, 8)}${dp.up ? '' : ' (its Kong not up yet)'}`);
        }
      }
    }

    // 2. The bound.
    if (w.cpWantedSince !== this.wantedSince) {
      this.wantedSince = w.cpWantedSince;
      this.readableSince = undefined;
    }
    if (this.wantedSince !== undefined && w.cpAnswering && !w.faults.adminApiUnreachable) this.readableSince ??= t;
    const slack = WORLD_TIMINGS.tickIntervalMs + 20_000;
    if (this.wantedSince !== undefined && this.readableSince === undefined && t - this.wantedSince > this.wakeBoundMs + slack) {
      const since = this.wantedSince;
      if (!w.logs.some((l) => Date.parse(l.time) >= since && Number(l.NeverHealthy ?? 0) >= 1)) {
        this.fail(`${at}: the CP has been wanted for ${Math.round((t - since) / 1000)} s without ever answering, and no NeverHealthy alarm was raised`);
      }
    }
    const state = w.storedState();
    if (state?.phase === 'cooldown' && typeof state.cooldownUntil === 'number' && t > state.cooldownUntil + this.wakeBoundMs + slack) {
      const due = state.cooldownUntil;
      if (!w.logs.some((l) => Date.parse(l.time) >= due && Number(l.StopDeferredFor ?? 0) >= this.wakeBoundMs)) {
        this.fail(`${at}: the stop has been due for ${Math.round((t - due) / 1000)} s and no StopDeferredFor of at least the bound was reported`);
      }
    }

    // 3. One extension per DP task (and 5, below, on the same lines).
    for (; this.logsChecked < w.logs.length; this.logsChecked++) {
      const line = w.logs[this.logsChecked];
      if (line.decision === 'synced') {
        const onFallback = w.tasks.filter((task) => task.service === 'dp' && task.desiredStatus === 'RUNNING' && task.node?.up && task.node.fallbackHash !== undefined && task.node.hash === task.node.fallbackHash);
        if (onFallback.length > 0) this.fail(`${line.time}: synced while data plane task ${onFallback[0].id} serves its fallback configuration ${onFallback[0].node!.hash.slice(0, 8)}`);
      }
      if (!line.CooldownExtensions) continue;
      const task = /data plane task (\S+)/.exec(String(line.event ?? ''))?.[1];
      if (!task) continue;
      const n = (this.extensionsByTask.get(task) ?? 0) + 1;
      this.extensionsByTask.set(task, n);
      if (n > 1) this.fail(`${line.time}: data plane task ${task} extended the cooldown ${n} times`);
    }

    // 4. No wake stuck.
    if (state?.phase === 'waking' && typeof state.wokeAt === 'number' && t - state.wokeAt > w.config.syncTimeoutMs + 2 * WORLD_TIMINGS.tickIntervalMs) {
      this.fail(`${at}: waking for ${Math.round((t - state.wokeAt) / 1000)} s, past the sync timeout`);
    }
  };

  private fail(message: string): never {
    this.violations.push(message);
    throw new InvariantViolation(message);
  }
}

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}
