/**
 * The idle scaler's decision logic: a pure function of (state, event, now)
 * returning the next state, the actions to carry out and the reason. No I/O,
 * no clock, no randomness: everything it needs arrives in its arguments, so
 * that it can be driven exhaustively by tests and replayed after a conflict.
 *
 * The control plane (CP) is meant to be up in the `waking` and `cooldown`
 * phases, on its way down in `stopping` (decided, not yet done) and down in
 * `idle`. Observations of the world (ECS, RDS, the CP's Admin API) arrive as
 * `observed` events, asked for by `observe` actions; the outcome of a stop
 * arrives as a `stop-result` event.
 */

import { CONFIG_PROPAGATION_MS, EXPORT_RETRY_MS, FIGURES, figureMs, LATE_EVENT_MS, SCALER_DEFAULTS_MS, SHORTEST_TASK_START_MS } from './timing';
import { dataPlaneGaps, describeSync, judgeSync, type DataPlaneTask, type SyncJudgement, type SyncReading } from './sync';

export type { DataPlaneRow, DataPlaneSync, DataPlaneSyncState, DataPlaneTask, SyncJudgement, SyncReading } from './sync';

/** Timings and limits, all in milliseconds. */
export interface ScalerConfig {
  /** How long to wait for the CP to run and the DPs to sync before carrying on. */
  readonly syncTimeoutMs: number;
  /** How long the CP stays up after the DPs are in sync. */
  readonly cooldownMs: number;
  /**
   * The bound on a wake that goes wrong: a CP whose Admin API has not
   * answered once this long after the wake is stopped (NeverHealthy), and a
   * stop deferred this long past the cooldown's end is reported as such
   * (StopDeferredFor, the metric the deferred-stop alarm watches). Longer
   * than the sync timeout.
   */
  readonly wakeBoundMs: number;
  /** What a DP start, a deployment, an alarm or a config push adds to the remaining cooldown. */
  readonly extensionMs: number;
  /** How often to look while waiting for the CP and the DPs (at most 15 s). */
  readonly pollIntervalMs: number;
  /**
   * Extending events closer than this to the last extension belong to it (a
   * scale-out of five tasks is one burst, not five extensions).
   */
  readonly extensionCoalesceMs: number;
  /**
   * After a stop, a CP still desired for this long is our own stop in flight
   * (ECS's reads are eventually consistent), not someone else's start; a stop
   * decided longer ago that left the CP desired did not happen.
   */
  readonly stopGraceMs: number;
  /**
   * A stop needs two clean looks at least this far apart, seeing the same
   * config hash: a change made before the first look has reached the DPs by
   * the second (OSS has no endpoint for the CP's own hash).
   */
  readonly confirmDelayMs: number;
  /** An operator's sleep request is acted on only this long. */
  readonly sleepRequestValidMs: number;
  /**
   * An event older than this when it arrives is late: the scaler decides from
   * the current state of what it is about, not from the event.
   */
  readonly lateEventMs: number;
  /** How long delivered events are remembered to drop duplicates. */
  readonly seenRetentionMs: number;
  /** At most this many delivered events are remembered (the oldest go first). */
  readonly maxSeen: number;
  /**
   * Ask the exporter for the data planes' fallback configuration whenever the
   * DPs are in sync on a configuration hash it was not asked for (an
   * `export-config` action). Off when no exporter is deployed.
   */
  readonly exportFallback: boolean;
  /** While the DPs stay in sync on one hash, ask for its export again after this long (the exporter skips a hash already exported). */
  readonly exportRetryMs: number;
}

/** The seed's timings (5 min to sync, 30 min cooldown, 15 min extensions) and the rest, from src/timing.ts. */
export const DEFAULT_CONFIG: ScalerConfig = {
  ...SCALER_DEFAULTS_MS,
  extensionCoalesceMs: 60_000,
  stopGraceMs: 60_000,
  confirmDelayMs: CONFIG_PROPAGATION_MS,
  sleepRequestValidMs: 2 * 60_000,
  lateEventMs: LATE_EVENT_MS,
  // Lambda keeps an async event up to 6 hours; later ones are checked as late.
  seenRetentionMs: figureMs(FIGURES.lambdaMaxEventAge),
  maxSeen: 500,
  exportFallback: false,
  exportRetryMs: EXPORT_RETRY_MS,
};

import { EMPTY_CONFIG_HASH } from './sync';
export { EMPTY_CONFIG_HASH };

export type Phase = 'idle' | 'waking' | 'cooldown' | 'stopping';

/** A delivered event already handled: its highest version and when it was seen. */
export interface SeenMark {
  readonly version: number;
  readonly at: number;
}

/** What persists between invocations. Times are epoch milliseconds. */
export interface ScalerState {
  readonly phase: Phase;
  /** When the current wake began (waking, cooldown). */
  readonly wokeAt?: number;
  readonly wakeReason?: string;
  /** When the CP was first seen running in this wake. */
  readonly controlPlaneRunningAt?: number;
  /** When the CP's Admin API first answered in this wake: a later failed read is a failed read, not a CP that never came up. */
  readonly answeredAt?: number;
  /** When the DPs were seen in sync (or the wait gave up). */
  readonly syncedAt?: number;
  readonly syncTimedOut?: boolean;
  /** When the cooldown ends (cooldown). */
  readonly cooldownUntil?: number;
  readonly lastExtendedAt?: number;
  readonly extensions?: number;
  /** The DPs' common config hash at the last look, to see config pushes. */
  readonly configHash?: string;
  /** An operator asked to sleep (cooldown). */
  readonly sleepRequestedAt?: number;
  /** The first of the two clean looks a stop needs, and the DPs' config hash then ('' for none). */
  readonly cleanLookAt?: number;
  readonly cleanLookHash?: string;
  /** When the stop being carried out was decided (stopping). */
  readonly stoppingSince?: number;
  /** ECS refused the stop this many times in a row (stopping): the next look retries it. */
  readonly stopFailures?: number;
  /** When this scaler last stopped the CP (ECS took the desired count 0). */
  readonly stoppedAt?: number;
  /** The config hash whose export as the DPs' fallback was last asked for, and when. */
  readonly exportedHash?: string;
  readonly exportRequestedAt?: number;
  /** Delivered events already handled, by key. */
  readonly seen: Readonly<Record<string, SeenMark>>;
}

export const INITIAL_STATE: ScalerState = { phase: 'idle', seen: {} };

/** What asked for the control plane. */
export type WakeCause = 'dp-task-starting' | 'dp-deployment' | 'scale-out-alarm' | 'operator' | 'cp-found-running' | 'dp-needs-cp';

/** Identifies a delivered event: a key already handled is a duplicate, whatever its version. */
export interface Delivery {
  /** `task:<task ARN>`, `deployment:<id>`, `alarm:<name>:<state time>`. */
  readonly key: string;
  /** The event's `detail.version` (ECS task events), kept for the record. */
  readonly version: number;
}

/** The DP task an ECS task state change is about. */
export interface TaskEventInfo {
  readonly arn: string;
  /** The status the event reported (PROVISIONING, PENDING). */
  readonly status: string;
  /**
   * The task's state when a late event arrived: read by the shell before
   * deciding (null: ECS no longer knows it; absent: not read, or not late).
   */
  readonly current?: DataPlaneTask | null;
}

/** Task counts of an ECS service. */
export interface ServiceCounts {
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
}

/** The data plane's ECS service. */
export interface DataPlaneServiceReading extends ServiceCounts {
  /** More than one deployment, or the primary one still rolling out. */
  readonly deploymentInProgress: boolean;
}


export type ReadSource = 'ecs' | 'rds' | 'admin-api';

export interface ReadError {
  readonly source: ReadSource;
  readonly message: string;
}

/** One look at the world. A reading is absent when it was not asked for or failed (see `errors`). */
export interface Observation {
  /** When the look began (epoch milliseconds); the decision's time when absent. */
  readonly at?: number;
  readonly controlPlane?: ServiceCounts;
  readonly dataPlane?: DataPlaneServiceReading;
  /** The DP service's tasks that ECS wants running, with their addresses. */
  readonly dataPlaneTasks?: readonly DataPlaneTask[];
  /** The Aurora cluster's status (`available`, `stopped`, `starting`, …). */
  readonly databaseStatus?: string;
  /** The CP's rows of the DPs seen recently. */
  readonly sync?: SyncReading;
  readonly errors: readonly ReadError[];
}

export type ScalerEvent =
  /** Something needs the CP: a DP task starting, a DP deployment, the scale-out alarm, an operator. */
  | {
    readonly type: 'wake';
    readonly cause: WakeCause;
    readonly detail: string;
    readonly delivery?: Delivery;
    /** When it happened (the EventBridge event's time), epoch milliseconds. */
    readonly occurredAt?: number;
    readonly task?: TaskEventInfo;
  }
  /** An operator asks to stop the CP now, after the usual checks. */
  | { readonly type: 'sleep' }
  /** The schedule. */
  | { readonly type: 'tick' }
  /** The result of an `observe` action. */
  | { readonly type: 'observed'; readonly observation: Observation }
  /** The outcome of a `stop-control-plane` action: ECS took the desired count 0, or refused. */
  | { readonly type: 'stop-result'; readonly ok: boolean; readonly error?: string };

/** What to look at. ECS's services are always read. */
export interface ObserveScope {
  /** The DP service's tasks (ListTasks, DescribeTasks). */
  readonly tasks: boolean;
  /** The CP's Admin API (`/clustering/data-planes`). */
  readonly adminApi: boolean;
  /** The Aurora cluster's status. */
  readonly database: boolean;
}

export type Action =
  | { readonly type: 'start-control-plane' }
  | { readonly type: 'stop-control-plane' }
  | { readonly type: 'start-database' }
  /** Look at the world after `afterMs` and feed the result back as an `observed` event. */
  | { readonly type: 'observe'; readonly afterMs: number; readonly scope: ObserveScope }
  /** Ask the exporter to store the CP's configuration, which the DPs run as `configHash`, as their fallback. */
  | { readonly type: 'export-config'; readonly configHash: string };

export type MetricName =
  | 'Wakes'
  | 'WakeToRunning'
  | 'WakeToSynced'
  | 'SyncTimeouts'
  | 'ControlPlaneRunning'
  | 'CooldownExtensions'
  | 'Stops'
  | 'StopDeferredFor'
  | 'NeverHealthy'
  | 'ExportRequests'
  | 'Failures';

export type DecisionName =
  | 'duplicate'
  | 'late-event'
  | 'wake'
  | 'already-waking'
  | 'extend'
  | 'already-extended'
  | 'observe'
  | 'idle'
  | 'waiting'
  | 'synced'
  | 'sync-timeout'
  | 'cooldown'
  | 'confirming-stop'
  | 'stop'
  | 'stopped'
  | 'stop-failed'
  | 'restart-after-race'
  | 'stop-deferred'
  | 'sleep-requested'
  | 'sleep-refused'
  | 'already-idle';

export interface Decision {
  readonly state: ScalerState;
  readonly actions: readonly Action[];
  readonly decision: DecisionName;
  /** Why, in words an operator reads in the log. */
  readonly reason: string;
  readonly metrics: Readonly<Partial<Record<MetricName, number>>>;
}

const SCOPE: Record<Phase, ObserveScope> = {
  // While the CP is down only ECS is read: the safety net for a missed DP start.
  idle: { tasks: true, adminApi: false, database: false },
  // While the CP is wanted the database is watched too: a cluster found stopped is started.
  waking: { tasks: true, adminApi: true, database: true },
  cooldown: { tasks: true, adminApi: true, database: true },
  stopping: { tasks: true, adminApi: true, database: true },
};

/** The scope of an observation in a phase. */
export function observeScope(phase: Phase): ObserveScope {
  return SCOPE[phase];
}

/** Decides what to do about one event. Pure: same arguments, same result. */
export function decide(state: ScalerState, event: ScalerEvent, now: number, config: ScalerConfig): Decision {
  const decision = decideEvent(state, event, now, config);
  // Absent, not undefined: the state survives a JSON round trip unchanged.
  return decision.state === state ? decision : { ...decision, state: stripUndefined(decision.state) };
}

function decideEvent(state: ScalerState, event: ScalerEvent, now: number, config: ScalerConfig): Decision {
  switch (event.type) {
    case 'wake': return onWake(state, event, now, config);
    case 'sleep': return onSleep(state, now);
    case 'tick': return { state, actions: [observe(state.phase, 0)], decision: 'observe', reason: `scheduled look (${state.phase})`, metrics: {} };
    case 'observed': return onObserved(state, event.observation, now, config);
    case 'stop-result': return onStopResult(state, event, now, config);
  }
}

/**
 * The stop is recorded only once ECS took it. A wake written meanwhile (its
 * own start may have landed before our stop) means the CP must run: start it
 * again. A refused stop leaves the state `stopping`: the next look retries it
 * or, if the world changed, goes back to the cooldown.
 */
function onStopResult(state: ScalerState, event: Extract<ScalerEvent, { type: 'stop-result' }>, now: number, config: ScalerConfig): Decision {
  if (event.ok) {
    switch (state.phase) {
      case 'stopping':
        return {
          // The time of the decision, its last look just before: tasks created since were not in it.
          state: { phase: 'idle', stoppedAt: state.stoppingSince ?? now, configHash: state.configHash, ...exported(state), seen: state.seen },
          actions: [],
          decision: 'stopped',
          reason: `control plane desired count 0 taken by ECS ${seconds(now - (state.stoppingSince ?? now))} after the decision`,
          metrics: { Stops: 1 },
        };
      case 'idle':
        return { state, actions: [], decision: 'stopped', reason: 'control plane desired count 0 taken by ECS (already recorded)', metrics: {} };
      default:
        return {
          state,
          actions: [{ type: 'start-control-plane' }],
          decision: 'restart-after-race',
          reason: `a wake (${state.wakeReason ?? state.phase}) arrived while stopping: control plane started again`,
          metrics: {},
        };
    }
  }
  if (state.phase !== 'stopping') {
    return { state, actions: [], decision: 'stop-failed', reason: `the stop failed (${event.error ?? 'unknown error'}) and the control plane is wanted again anyway`, metrics: { Failures: 1 } };
  }
  return {
    state: { ...state, stopFailures: (state.stopFailures ?? 0) + 1 },
    actions: [observe('stopping', config.pollIntervalMs)],
    decision: 'stop-failed',
    reason: `the stop failed (${event.error ?? 'unknown error'}): the control plane still runs; the next look tries again`,
    metrics: { Failures: 1 },
  };
}

function onWake(state: ScalerState, event: Extract<ScalerEvent, { type: 'wake' }>, now: number, config: ScalerConfig): Decision {
  const why = `${event.cause}: ${event.detail}`;
  const delivery = event.delivery;
  if (delivery) {
    // One DP task starts once: whichever of its events came first handled it (PROVISIONING and
    // PENDING can be minutes apart); a deployment or an alarm state is one event too.
    const mark = state.seen[delivery.key];
    if (mark) {
      return { state, actions: [], decision: 'duplicate', reason: `${why} (${delivery.key} already handled, version ${mark.version})`, metrics: {} };
    }
  }
  const marked = delivery ? remember(state, delivery, now, config) : state;
  const occurredAt = event.occurredAt !== undefined ? Math.min(event.occurredAt, now) : now;
  const late = now - occurredAt > config.lateEventMs;
  if (late) {
    const verdict = lateVerdict(marked, event, now);
    if (verdict) return verdict;
  }

  switch (marked.phase) {
    case 'idle':
    case 'stopping':
      return wake(marked, now, why, true);
    case 'waking':
      return { state: marked, actions: [observe('waking', 0)], decision: 'already-waking', reason: why, metrics: {} };
    case 'cooldown': {
      const extended = extend(marked, now, occurredAt, config);
      if (!extended) {
        // Part of the last extension's burst; it still cancels an operator's sleep request.
        return { state: { ...marked, sleepRequestedAt: undefined, cleanLookAt: undefined, cleanLookHash: undefined }, actions: [], decision: 'already-extended', reason: `${why} (within ${config.extensionCoalesceMs / 1000} s of the last extension)`, metrics: {} };
      }
      return {
        state: extended,
        actions: [observe('cooldown', 0)],
        decision: 'extend',
        reason: `${why}: cooldown extended by ${config.extensionMs / 1000} s to ${iso(extended.cooldownUntil!)}${marked.cooldownUntil! < occurredAt && occurredAt < now - 1_000 ? ` (counted from the event's time, ${seconds(now - occurredAt)} ago)` : ''}`,
        metrics: { CooldownExtensions: 1 },
      };
    }
  }
}

/**
 * A late event (Lambda retried it, EventBridge delayed it) says what was true
 * minutes ago. For a DP task the shell read its current state: a task that is
 * gone, or that ran before the last stop (in sync at it), needs nothing; one
 * that started since the stop needs the CP; one still starting counts as a
 * start. Other late events are replaced by a look at the world now. Undefined:
 * treat the event as a fresh one.
 */
function lateVerdict(state: ScalerState, event: Extract<ScalerEvent, { type: 'wake' }>, now: number): Decision | undefined {
  const age = seconds(now - event.occurredAt!);
  const why = `${event.cause}: ${event.detail}, ${age} late`;
  const look = (reason: string): Decision => ({ state, actions: [observe(state.phase, 0)], decision: 'late-event', reason: `${why}: ${reason}`, metrics: {} });
  if (!event.task) return look('looking at the world as it is now instead');
  const current = event.task.current;
  if (current === undefined) return undefined; // not read: fail safe, a start
  if (current === null || current.desiredStatus !== 'RUNNING' || current.lastStatus === 'STOPPED') {
    return { state, actions: [], decision: 'late-event', reason: `${why}: the task is ${current === null ? 'gone' : `${current.lastStatus} (desired ${current.desiredStatus})`}`, metrics: {} };
  }
  if (current.lastStatus !== 'RUNNING') return undefined; // still starting: a start
  switch (state.phase) {
    case 'idle':
    case 'stopping':
      if (startedSinceStop(state, [current]).length > 0) return undefined; // it started while the CP was down: it needs it
      return { state, actions: [], decision: 'late-event', reason: `${why}: the task runs since before the last stop, when it was in sync`, metrics: {} };
    default:
      // The CP is up; the task runs: the sync check (its row, its config) covers it, no extension.
      return look('the task runs; the sync check covers it');
  }
}

function onSleep(state: ScalerState, now: number): Decision {
  switch (state.phase) {
    case 'idle':
      return { state, actions: [], decision: 'already-idle', reason: 'operator asked to sleep: the control plane is already stopped', metrics: {} };
    case 'stopping':
      return { state, actions: [], decision: 'already-idle', reason: 'operator asked to sleep: the control plane is being stopped', metrics: {} };
    case 'waking':
      return { state, actions: [], decision: 'sleep-refused', reason: 'operator asked to sleep: refused while waking (the data planes are not in sync yet)', metrics: {} };
    case 'cooldown':
      return {
        state: { ...state, sleepRequestedAt: now },
        actions: [observe('cooldown', 0)],
        decision: 'sleep-requested',
        reason: 'operator asked to sleep: checking that the data plane is stable and in sync',
        metrics: {},
      };
  }
}

function onObserved(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const metrics: Partial<Record<MetricName, number>> = {};
  if (obs.controlPlane) metrics.ControlPlaneRunning = obs.controlPlane.running > 0 ? 1 : 0;
  // The Admin API cannot answer while the CP boots: not a failure then.
  const failures = obs.errors.filter((e) => e.source !== 'admin-api' || state.phase === 'cooldown' || state.phase === 'stopping').length;
  if (failures > 0) metrics.Failures = failures;
  const withMetrics = (d: Decision): Decision => ({ ...d, metrics: { ...metrics, ...d.metrics } });

  if (state.phase === 'waking' || state.phase === 'cooldown') {
    const answeredAt = state.answeredAt ?? (obs.sync ? now : undefined);
    if (answeredAt === undefined && now - (state.wokeAt ?? now) >= config.wakeBoundMs) return withMetrics(neverHealthy(state, obs, now, config));
    if (answeredAt !== state.answeredAt) state = { ...state, answeredAt };
  }
  switch (state.phase) {
    case 'idle': return withMetrics(observedIdle(state, obs, now, config));
    case 'waking': return withMetrics(withExport(observedWaking(state, obs, now, config), obs, now, config));
    case 'cooldown': return withMetrics(withExport(observedCooldown(state, obs, now, config), obs, now, config));
    case 'stopping': return withMetrics(observedStopping(state, obs, now, config));
  }
}

/**
 * The DPs' fallback configuration follows the CP's: a look that finds every
 * DP task the service wants on the CP's configuration, with the CP staying
 * up (the decision keeps it in its cooldown), asks the exporter for that
 * configuration when it was not asked for it yet (a sync, a config push), or
 * not for `exportRetryMs`. Never as the CP stops: the exporter reads its
 * Admin API.
 */
function withExport(d: Decision, obs: Observation, now: number, config: ScalerConfig): Decision {
  if (!config.exportFallback || d.state.phase !== 'cooldown') return d;
  const hash = usableHash(judge(obs)?.controlPlaneConfigHash);
  if (hash === undefined || syncGaps(obs).length > 0) return d;
  const s = d.state;
  if (s.exportedHash === hash && s.exportRequestedAt !== undefined && now - s.exportRequestedAt < config.exportRetryMs) return d;
  const again = s.exportedHash === hash;
  return {
    ...d,
    state: { ...s, exportedHash: hash, exportRequestedAt: now },
    actions: [...d.actions, { type: 'export-config', configHash: hash }],
    reason: `${d.reason}; ${again ? 'asking again for the export of' : 'exporting'} config ${short(hash)} as the data planes' fallback`,
    metrics: { ...d.metrics, ExportRequests: 1 },
  };
}

/** The export fields a new phase keeps (a hash asked for is not asked for again on every wake). */
function exported(state: ScalerState): Pick<ScalerState, 'exportedHash' | 'exportRequestedAt'> {
  return { exportedHash: state.exportedHash, exportRequestedAt: state.exportRequestedAt };
}

/**
 * The CP's Admin API has not answered once since the wake, the bound ago: a
 * CP that crash-loops, cannot reach its database, or runs a bad image. It
 * serves no DP; keeping it up only costs. Stop it and say so (NeverHealthy,
 * the construct's alarm). A CP that answered once and then failed a read is
 * not this: that is a failed read, and it keeps the CP (fail safe).
 */
function neverHealthy(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const why = obs.errors.find((e) => e.source === 'admin-api')?.message ?? 'not read';
  return {
    // The cooldown, if any, is over for a CP that serves nobody (a refused stop comes back to an overdue one).
    state: { ...state, phase: 'stopping', stoppingSince: now, cooldownUntil: Math.min(state.cooldownUntil ?? now, now), sleepRequestedAt: undefined, cleanLookAt: undefined, cleanLookHash: undefined },
    actions: [{ type: 'stop-control-plane' }],
    decision: 'stop',
    reason: `the control plane's Admin API has not answered once in ${seconds(now - (state.wokeAt ?? now))} since the wake (bound ${seconds(config.wakeBoundMs)}; last: ${why}): stopping a control plane that never became healthy`,
    metrics: { NeverHealthy: 1 },
  };
}

/**
 * A look while a stop is being carried out: ECS has the desired count 0 (the
 * stop happened, its invocation did not record it), or not yet (in flight),
 * or the stop did not happen (failed, or its invocation died): then the CP is
 * in its cooldown again, overdue, and the usual checks decide the retry.
 */
function observedStopping(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const cp = obs.controlPlane;
  if (cp && cp.desired === 0) {
    return {
      state: { phase: 'idle', stoppedAt: state.stoppingSince ?? now, configHash: state.configHash, ...exported(state), seen: state.seen },
      actions: [],
      decision: 'stopped',
      reason: 'control plane desired count 0: the stop happened',
      metrics: { Stops: 1 },
    };
  }
  const since = state.stoppingSince ?? now;
  const failed = (state.stopFailures ?? 0) > 0;
  if (!cp || (!failed && now - since < config.stopGraceMs)) {
    return { state, actions: [], decision: 'observe', reason: cp ? 'stop in flight' : 'stop in flight; control plane service not read', metrics: {} };
  }
  const back: ScalerState = { ...state, phase: 'cooldown', stoppingSince: undefined, stopFailures: undefined };
  // Back in the cooldown, with every check a cooldown look makes (the bound's first).
  const d = onObserved(back, obs, now, config);
  const why = failed ? `ECS refused the stop ${state.stopFailures} time(s)` : `the stop decided ${seconds(now - since)} ago did not happen`;
  return { ...d, reason: `${why}; ${d.reason}` };
}

function observedIdle(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const cp = obs.controlPlane;
  const ownStopInFlight = state.stoppedAt !== undefined && now - state.stoppedAt < config.stopGraceMs;
  if (cp && cp.desired > 0 && !ownStopInFlight) {
    // Started by someone else (an operator, a deployment): see it through sync and cooldown.
    return wake(state, now, `cp-found-running: control plane desired ${cp.desired}, running ${cp.running}`, false);
  }
  const needs = [...(obs.dataPlane ? dataPlaneActivity(obs.dataPlane) : []), ...startedSinceStop(state, obs.dataPlaneTasks)];
  if (needs.length > 0) return wake(state, now, `dp-needs-cp: ${needs.join('; ')}`, true);
  const unread = obs.errors.map(describeError);
  return {
    state,
    actions: [],
    decision: 'idle',
    reason: unread.length > 0 ? `control plane stays stopped; could not look: ${unread.join('; ')}` : 'control plane stopped, data plane stable',
    metrics: {},
  };
}

/**
 * DP tasks created since the last stop's final look: a new Fargate task has
 * an empty disk, so it runs no configuration until the CP is back, however
 * the counts look (its events may have been lost, and the ticks that could
 * have seen it pending may have failed). Tasks younger than the shortest
 * Fargate start at the stop cannot have been running and in sync in that
 * look: they count too.
 */
export function startedSinceStop(state: ScalerState, tasks: readonly DataPlaneTask[] | undefined): string[] {
  if (!tasks) return [];
  const wanted = tasks.filter((t) => t.desiredStatus === 'RUNNING');
  const list = (ts: readonly DataPlaneTask[]) => ts.map((t) => `${lastSegment(t.arn).slice(0, 8)} ${t.lastStatus}`).join(', ');
  // No stop on record (a new deployment, a lost state): nothing says these tasks ever got a config.
  if (state.stoppedAt === undefined) return wanted.length > 0 ? [`no stop on record to vouch for ${wanted.length} data plane tasks (${list(wanted)})`] : [];
  const since = state.stoppedAt - SHORTEST_TASK_START_MS;
  // createdAt is when the task entered PENDING (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html):
  // a task without it is still PROVISIONING, new. A RUNNING one without any time (not ECS's answer) is left to the counts.
  const fresh = wanted.filter((t) => {
    const created = t.createdAt ?? t.startedAt;
    return created === undefined ? t.lastStatus !== 'RUNNING' : created > since;
  });
  return fresh.length > 0 ? [`${fresh.length} data plane tasks started since the control plane stopped (${list(fresh)})`] : [];
}

function observedWaking(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const actions: Action[] = [];
  const notes: string[] = [];
  const metrics: Partial<Record<MetricName, number>> = {};
  let next = state;
  const cp = obs.controlPlane;
  const wokeAt = state.wokeAt ?? now;

  if (cp && cp.desired === 0) {
    actions.push({ type: 'start-control-plane' });
    notes.push('control plane desired count was 0: starting it again');
  }
  if (obs.databaseStatus === 'stopped') {
    actions.push({ type: 'start-database' });
    notes.push('database cluster stopped: starting it');
  }
  if (cp && cp.running > 0 && state.controlPlaneRunningAt === undefined) {
    next = { ...next, controlPlaneRunningAt: now };
    metrics.WakeToRunning = now - wokeAt;
  }

  const judged = judge(obs);
  const gaps = [...controlPlaneGaps(obs), ...syncGaps(obs)];
  if (gaps.length === 0) {
    return {
      state: startCooldown(next, now, config, judged?.controlPlaneConfigHash, false),
      actions,
      decision: 'synced',
      reason: `control plane running and every data plane task the service wants on its config: ${judged ? describeSync(judged) : ''} after ${seconds(now - wokeAt)}; cooldown until ${iso(now + config.cooldownMs)}`,
      metrics: { ...metrics, WakeToSynced: now - wokeAt },
    };
  }
  if (now - wokeAt >= config.syncTimeoutMs) {
    return {
      state: startCooldown(next, now, config, judged?.controlPlaneConfigHash, true),
      actions,
      decision: 'sync-timeout',
      reason: `gave up waiting for sync after ${seconds(now - wokeAt)}: ${gaps.join('; ')}; cooldown until ${iso(now + config.cooldownMs)}`,
      metrics: { ...metrics, SyncTimeouts: 1 },
    };
  }
  return {
    state: next,
    actions: [...actions, observe('waking', config.pollIntervalMs)],
    decision: 'waiting',
    reason: [...notes, ...gaps].join('; '),
    metrics,
  };
}

function observedCooldown(state: ScalerState, obs: Observation, now: number, config: ScalerConfig): Decision {
  const actions: Action[] = [];
  const notes: string[] = [];
  const metrics: Partial<Record<MetricName, number>> = {};
  let next = state;
  const cp = obs.controlPlane;

  if (cp && cp.desired === 0) {
    actions.push({ type: 'start-control-plane' });
    notes.push('control plane desired count was 0 during cooldown: starting it again');
  }

  let extendedNow = false;
  let pushedNow = false;
  const judged = judge(obs);
  const hash = usableHash(judged?.controlPlaneConfigHash);
  if (hash !== undefined && hash !== state.configHash) {
    next = { ...next, configHash: hash };
    if (state.configHash !== undefined) {
      pushedNow = true;
      next = { ...next, sleepRequestedAt: undefined };
      const extended = extend(next, now, now, config);
      if (extended) {
        next = extended;
        extendedNow = true;
        metrics.CooldownExtensions = 1;
        notes.push(`config push (hash ${short(state.configHash)} → ${short(hash)}): cooldown extended by ${config.extensionMs / 1000} s to ${iso(next.cooldownUntil!)}`);
      } else {
        notes.push(`config push (hash ${short(state.configHash)} → ${short(hash)}) within ${config.extensionCoalesceMs / 1000} s of the last extension`);
      }
    }
  }

  // While the CP is wanted, a stopped database is started (it may have been
  // stopping at the wake, when StartDBCluster is refused).
  const keep = (): Action[] => {
    if (obs.databaseStatus !== 'stopped') return actions;
    notes.push('database cluster stopped while the control plane is wanted: starting it');
    return [...actions, { type: 'start-database' }];
  };
  const sleepRequested = next.sleepRequestedAt !== undefined && now - next.sleepRequestedAt <= config.sleepRequestValidMs;
  const due = now >= next.cooldownUntil!;
  if (!due && !sleepRequested) {
    const kept = keep();
    return {
      state: { ...next, cleanLookAt: undefined, cleanLookHash: undefined },
      actions: kept,
      decision: extendedNow ? 'extend' : 'cooldown',
      reason: [...notes, `${seconds(next.cooldownUntil! - now)} of cooldown left`].join('; '),
      metrics,
    };
  }

  const blockers = [...(pushedNow ? ['config push just now'] : []), ...stopBlockers(obs)];
  const cleared: ScalerState = { ...next, sleepRequestedAt: undefined, cleanLookAt: undefined, cleanLookHash: undefined };
  if (blockers.length > 0 || actions.length > 0) {
    const kept = keep();
    // Every deferred stop says how long the stop has been due: the deferred-stop alarm fires at the bound.
    const overdue = due ? now - next.cooldownUntil! : undefined;
    const bound = overdue !== undefined && overdue >= config.wakeBoundMs ? ` (due for ${seconds(overdue)}, past the bound of ${seconds(config.wakeBoundMs)})` : '';
    return {
      state: cleared,
      actions: kept,
      decision: sleepRequested && !due ? 'sleep-refused' : 'stop-deferred',
      reason: [...notes, `${sleepRequested ? 'operator asked to sleep' : 'cooldown over'} but the control plane stays${bound}: ${blockers.join('; ') || 'it was not running'}`].join('; '),
      metrics: overdue !== undefined ? { ...metrics, StopDeferredFor: overdue } : metrics,
    };
  }
  // Two clean looks, the propagation delay apart, on one hash: a change pushed
  // just before the first has reached the DPs (and shows as a push) by the second.
  const seenHash = judged?.controlPlaneConfigHash ?? '';
  const first = next.cleanLookAt;
  // Looks are timed from when they began: their reads are what must be the delay apart.
  const lookAt = Math.min(obs.at ?? now, now);
  if (first === undefined || next.cleanLookHash !== seenHash) {
    return {
      state: { ...next, cleanLookAt: lookAt, cleanLookHash: seenHash },
      actions: [observe('cooldown', config.confirmDelayMs)],
      decision: 'confirming-stop',
      reason: `${sleepRequested ? 'operator asked to sleep' : 'cooldown over'} and a clean look: looking again in ${seconds(config.confirmDelayMs)} before stopping (a config change made just now would reach the data planes by then)`,
      metrics,
    };
  }
  if (lookAt - first < config.confirmDelayMs) {
    return {
      state: next,
      actions: [observe('cooldown', config.confirmDelayMs - (lookAt - first))],
      decision: 'confirming-stop',
      reason: `second clean look ${seconds(lookAt - first)} after the first: waiting ${seconds(config.confirmDelayMs - (lookAt - first))} more`,
      metrics,
    };
  }
  return {
    state: { ...cleared, phase: 'stopping', stoppingSince: now },
    actions: [{ type: 'stop-control-plane' }],
    decision: 'stop',
    reason: `${sleepRequested ? 'operator asked to sleep' : 'cooldown over'}; data plane stable (${obs.dataPlane!.running}/${obs.dataPlane!.desired} running), every task on the control plane's config: ${describeSync(judged!)}; two clean looks ${seconds(lookAt - first)} apart`,
    metrics,
  };
}

/** Why the DP needs the CP: tasks starting or a deployment rolling out. */
export function dataPlaneActivity(dp: DataPlaneServiceReading): string[] {
  const out: string[] = [];
  if (dp.pending > 0) out.push(`${dp.pending} data plane tasks pending`);
  if (dp.running < dp.desired) out.push(`data plane ${dp.running} of ${dp.desired} tasks running`);
  if (dp.deploymentInProgress) out.push('data plane deployment in progress');
  return out;
}

/** What keeps the CP from counting as running. */
function controlPlaneGaps(obs: Observation): string[] {
  const cp = obs.controlPlane;
  if (!cp) return ['control plane service not read'];
  if (cp.running === 0) return [`control plane 0 of ${Math.max(cp.desired, 1)} tasks running`];
  return [];
}

/** The DP tasks matched to the CP's rows, when both were read. */
export function judge(obs: Observation): SyncJudgement | undefined {
  return obs.dataPlaneTasks && obs.sync ? judgeSync(obs.dataPlaneTasks, obs.sync) : undefined;
}

/**
 * What keeps the DPs from counting as in sync; empty when they are: every
 * task the DP service wants runs and reports the CP's configuration from its
 * own address, and the service has as many as it wants.
 */
export function syncGaps(obs: Observation): string[] {
  const dp = obs.dataPlane;
  const errors = obs.errors.filter((e) => e.source !== 'rds').map(describeError);
  const judged = judge(obs);
  if (!dp || !judged) return errors.length > 0 ? errors : ['data planes not read'];
  const gaps = dataPlaneGaps(judged);
  if (judged.dataPlanes.length < dp.desired) gaps.push(`data plane ${judged.dataPlanes.length} of ${dp.desired} tasks started`);
  return gaps;
}

/**
 * What forbids stopping the CP now; empty when it may stop. Fail safe:
 * anything unread that the stop depends on (ECS, the Admin API) forbids it.
 * The database's status does not bear on a stop: an unread one does not.
 */
export function stopBlockers(obs: Observation): string[] {
  const blockers = obs.errors.filter((e) => e.source !== 'rds').map(describeError);
  if (!obs.controlPlane) blockers.push('control plane service not read');
  const dp = obs.dataPlane;
  if (!dp) blockers.push('data plane service not read');
  else blockers.push(...dataPlaneActivity(dp));
  // Tasks still draining after a scale-in: wait until running equals desired.
  if (dp && dp.running > dp.desired) blockers.push(`data plane ${dp.running} tasks running, ${dp.desired} desired`);
  if (!obs.dataPlaneTasks) blockers.push('data plane tasks not read');
  if (!obs.sync) blockers.push('data plane sync not read');
  if (dp && obs.dataPlaneTasks && obs.sync) blockers.push(...syncGaps(obs));
  return [...new Set(blockers)];
}

function wake(state: ScalerState, now: number, reason: string, start: boolean): Decision {
  return {
    state: { phase: 'waking', wokeAt: now, wakeReason: reason, configHash: state.configHash, stoppedAt: state.stoppedAt, ...exported(state), seen: state.seen },
    actions: [...(start ? [{ type: 'start-control-plane' } as const] : []), observe('waking', 0)],
    decision: 'wake',
    reason,
    metrics: { Wakes: 1 },
  };
}

function startCooldown(state: ScalerState, now: number, config: ScalerConfig, hash: string | undefined, timedOut: boolean): ScalerState {
  return {
    ...state,
    phase: 'cooldown',
    syncedAt: now,
    syncTimedOut: timedOut || undefined,
    cooldownUntil: now + config.cooldownMs,
    lastExtendedAt: undefined,
    extensions: 0,
    configHash: usableHash(hash) ?? state.configHash,
  };
}

/**
 * Adds exactly `extensionMs` to the remaining cooldown (an overdue cooldown
 * has none left), or returns undefined when the last extension is too recent.
 */
function extend(state: ScalerState, now: number, from: number, config: ScalerConfig): ScalerState | undefined {
  if (state.lastExtendedAt !== undefined && now - state.lastExtendedAt < config.extensionCoalesceMs) return undefined;
  return {
    ...state,
    // What the event asked for happened at `from`: the extension counts from then (an overdue cooldown has none left).
    cooldownUntil: Math.max(state.cooldownUntil ?? from, from) + config.extensionMs,
    lastExtendedAt: now,
    extensions: (state.extensions ?? 0) + 1,
    sleepRequestedAt: undefined,
    cleanLookAt: undefined,
    cleanLookHash: undefined,
  };
}

function remember(state: ScalerState, delivery: Delivery, now: number, config: ScalerConfig): ScalerState {
  const entries = Object.entries(state.seen).filter(([key, mark]) => key !== delivery.key && now - mark.at < config.seenRetentionMs);
  entries.sort((a, b) => a[1].at - b[1].at);
  const kept = entries.slice(Math.max(0, entries.length - (config.maxSeen - 1)));
  return { ...state, seen: Object.fromEntries([...kept, [delivery.key, { version: delivery.version, at: now }]]) };
}

function observe(phase: Phase, afterMs: number): Action {
  return { type: 'observe', afterMs, scope: SCOPE[phase] };
}

function usableHash(hash: string | undefined): string | undefined {
  return hash && hash !== EMPTY_CONFIG_HASH ? hash : undefined;
}

function describeError(e: ReadError): string {
  return `${e.source} unreadable (${e.message})`;
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function short(hash: string): string {
  return hash.slice(0, 8);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
