import {
  decide,
  judge,
  stopBlockers,
  syncGaps,
  type Action,
  type Decision,
  type DecisionName,
  type MetricName,
  type ObserveScope,
  type Observation,
  type Phase,
  type ReadError,
  type ScalerConfig,
  type ScalerEvent,
  type ScalerState,
} from './core';
import { logLine, type MetricsSettings } from './emf';
import { describeSync, type DataPlaneSync } from './sync';
import { HISTORY_LENGTH, type Clock, type DataPlaneSyncReader, type DatabasePort, type DecisionRecord, type FallbackExporter, type Lease, type ServicesPort, type StateStore, type StoredState } from './ports';

/** The adapters the scaler works through. */
export interface ScalerPorts {
  readonly store: StateStore;
  readonly services: ServicesPort;
  /** @default - no database is watched or started */
  readonly database?: DatabasePort;
  readonly dataPlanes: DataPlaneSyncReader;
  /** @default - no fallback configuration is exported (`export-config` actions do nothing) */
  readonly exporter?: FallbackExporter;
  readonly clock: Clock;
  /** Receives one JSON line per decision. */
  readonly log: (line: string) => void;
  /**
   * Uniform random numbers in [0, 1), for the jitter of conflict backoff.
   * @default Math.random
   */
  readonly random?: () => number;
}

export interface ScalerSettings {
  readonly config: ScalerConfig;
  readonly metrics: MetricsSettings;
  /** Polling stops when less than this much invocation time is left. */
  readonly reserveMs: number;
}

/** One invocation: who it is and how long it has. */
export interface InvocationContext {
  readonly invocationId: string;
  remainingMs(): number;
}

/** What an invocation returns (to an operator invoking the function directly). */
export interface InvocationResult {
  readonly kind: 'decision';
  readonly phase: Phase;
  readonly decision: DecisionName;
  readonly reason: string;
  /** How many decisions the invocation made (polling makes several). */
  readonly decisions: number;
  readonly cooldownUntil?: string;
}

/**
 * What `{"action":"status"}` returns: the stored state, the last decisions,
 * and a fresh look at the world; it changes nothing. Times are ISO strings,
 * durations milliseconds.
 */
export interface StatusReport {
  readonly kind: 'status';
  /** The stored phase: idle (CP down), waking, cooldown, stopping. */
  readonly phase: Phase;
  /** The stored state's version (0: never written). */
  readonly version: number;
  readonly state: ScalerState;
  /** When the cooldown ends and how much of it is left (0 when it is over), in the cooldown. */
  readonly cooldownUntil?: string;
  readonly cooldownLeftMs?: number;
  /** How long the stop has been due, once the cooldown is over. */
  readonly stopDueForMs?: number;
  /** When a CP whose Admin API has not answered since the wake will be stopped (NeverHealthy), while it has not. */
  readonly neverHealthyStopInMs?: number;
  /** The last decisions that changed the state, newest first. */
  readonly lastDecisions: readonly DecisionRecord[];
  /** The look just taken. */
  readonly observation: Observation;
  /** Each DP task the service wants and where it stands (its row, its config), when the tasks and the Admin API could be read. */
  readonly dataPlanes?: readonly DataPlaneSync[];
  /** The CP's config hash as the DPs tell it, when it can be told. */
  readonly controlPlaneConfigHash?: string;
  /** What keeps the DPs from counting as in sync (empty: in sync). */
  readonly syncGaps: readonly string[];
  /** What would keep the CP from stopping now (empty: it could stop). */
  readonly stopBlockers: readonly string[];
}

interface Step {
  readonly record: StoredState;
  readonly decision: Decision;
  readonly holdsLease: boolean;
}

/** Decisions the status action's history leaves out: each poll of a wait, quiet looks, duplicates. */
const QUIET: ReadonlySet<DecisionName> = new Set<DecisionName>(['waiting', 'observe', 'cooldown', 'idle', 'already-waking', 'duplicate']);

/** How long a poller's lease outlives its next planned look. */
const LEASE_SLACK_MS = 20_000;
/**
 * Backoff after a conflicting write: "full jitter" (a uniform wait up to an
 * exponentially growing cap), which spreads writers that collided in lockstep
 * instead of making them collide again. https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
export const CONFLICT_BACKOFF = { baseMs: 20, capMs: 1_000, reserveMs: 2_000 } as const;

/**
 * The imperative shell around {@link decide}: loads the state, decides,
 * writes the state back conditionally (deciding again on a conflict), then
 * carries out the actions; `observe` actions are looked at and fed back until
 * the core asks for nothing more or the invocation runs out of time.
 */
export class Scaler {
  constructor(private readonly ports: ScalerPorts, private readonly settings: ScalerSettings) {}

  /** Handles one event, polling while the core asks to and time allows. */
  public async handle(received: ScalerEvent, ctx: InvocationContext): Promise<InvocationResult> {
    const event = await this.withCurrentTask(received);
    let step = await this.step(await this.load(ctx), event, ctx);
    let decisions = 1;
    let lookStartedAt = this.ports.clock.now();
    for (;;) {
      // An action's outcome the core must know (a stop) is decided on before anything else.
      const outcome = await this.execute(step, ctx);
      if (outcome) {
        step = await this.step(step.record, outcome, ctx);
        decisions++;
        continue;
      }
      const next = step.decision.actions.find((a): a is Extract<Action, { type: 'observe' }> => a.type === 'observe');
      if (!next) break;
      if (next.afterMs > 0) {
        // One poller at a time; a tick will take over if it goes away.
        if (!step.holdsLease) break;
        // Looks start every `afterMs` (the time a look takes is not added to the wait).
        const wait = Math.max(0, next.afterMs - (this.ports.clock.now() - lookStartedAt));
        if (ctx.remainingMs() < wait + this.settings.reserveMs) break;
        await this.ports.clock.sleep(wait);
      }
      lookStartedAt = this.ports.clock.now();
      const observation = await this.observe(next.scope);
      step = await this.step(step.record, { type: 'observed', observation }, ctx);
      decisions++;
    }
    const state = step.decision.state;
    return {
      kind: 'decision',
      phase: state.phase,
      decision: step.decision.decision,
      reason: step.decision.reason,
      decisions,
      ...(state.cooldownUntil !== undefined && state.phase === 'cooldown' ? { cooldownUntil: new Date(state.cooldownUntil).toISOString() } : {}),
    };
  }

  /**
   * A late task event is decided on the task's current state: read it now
   * (DescribeTasks). If it cannot be read, the event goes on as it is and the
   * core treats it as a start (fail safe).
   */
  private async withCurrentTask(event: ScalerEvent): Promise<ScalerEvent> {
    if (event.type !== 'wake' || !event.task || event.occurredAt === undefined) return event;
    if (this.ports.clock.now() - event.occurredAt <= this.settings.config.lateEventMs) return event;
    try {
      const current = await this.ports.services.describeTask(event.task.arn);
      return { ...event, task: { ...event.task, current: current ?? null } };
    } catch {
      return event;
    }
  }

  /** Reads the state and looks at the world without changing anything. */
  public async status(): Promise<StatusReport> {
    const record = await this.ports.store.load();
    const observation = await this.observe({ tasks: true, adminApi: true, database: true });
    const now = this.ports.clock.now();
    const { state } = record;
    const judged = judge(observation);
    const cooling = state.phase === 'cooldown' && state.cooldownUntil !== undefined;
    const unanswered = (state.phase === 'waking' || state.phase === 'cooldown') && state.answeredAt === undefined && state.wokeAt !== undefined;
    return {
      kind: 'status',
      phase: state.phase,
      version: record.version,
      state,
      ...(cooling ? {
        cooldownUntil: new Date(state.cooldownUntil!).toISOString(),
        cooldownLeftMs: Math.max(0, state.cooldownUntil! - now),
        ...(now >= state.cooldownUntil! ? { stopDueForMs: now - state.cooldownUntil! } : {}),
      } : {}),
      ...(unanswered ? { neverHealthyStopInMs: Math.max(0, state.wokeAt! + this.settings.config.wakeBoundMs - now) } : {}),
      lastDecisions: record.history ?? [],
      observation,
      ...(judged ? { dataPlanes: judged.dataPlanes, ...(judged.controlPlaneConfigHash ? { controlPlaneConfigHash: judged.controlPlaneConfigHash } : {}) } : {}),
      syncGaps: syncGaps(observation),
      stopBlockers: stopBlockers(observation),
    };
  }

  /** Logs an event the scaler does not act on. */
  public logIgnored(reason: string, ctx: InvocationContext): void {
    this.emit({ decision: 'ignored', reason, invocation: ctx.invocationId }, {});
  }

  /** Logs a failure that ends the invocation (the event will be retried). */
  public logFailure(what: string, error: unknown, ctx: InvocationContext): void {
    this.emit({ decision: 'failed', reason: `${what}: ${describe(error)}`, invocation: ctx.invocationId }, { Failures: 1 });
  }

  private async load(ctx: InvocationContext): Promise<StoredState> {
    const record = await this.ports.store.load();
    if (record.invalid) {
      this.emit({ decision: 'state-reset', reason: `stored state unreadable, starting from idle: ${record.invalid}`, version: record.version, invocation: ctx.invocationId }, { Failures: 1 });
    }
    return record;
  }

  /** Decides and writes the decision's state, deciding again on each conflicting write. */
  private async step(initial: StoredState, event: ScalerEvent, ctx: InvocationContext): Promise<Step> {
    const me = ctx.invocationId;
    const random = this.ports.random ?? Math.random;
    let record = initial;
    for (let conflicts = 0; ; conflicts++) {
      if (conflicts > 0) {
        const wait = random() * Math.min(CONFLICT_BACKOFF.capMs, CONFLICT_BACKOFF.baseMs * 2 ** Math.min(conflicts - 1, 16));
        // Give up only when the invocation would run out of time: Lambda then retries the event.
        if (ctx.remainingMs() < wait + CONFLICT_BACKOFF.reserveMs) {
          throw new Error(`state store: ${conflicts} conflicting writes in a row, and too little time left to try again`);
        }
        await this.ports.clock.sleep(wait);
      }
      const now = this.ports.clock.now();
      const decision = decide(record.state, event, now, this.settings.config);
      const poll = decision.actions.find((a) => a.type === 'observe' && a.afterMs > 0) as Extract<Action, { type: 'observe' }> | undefined;
      const othersLease = record.lease && record.lease.owner !== me && record.lease.until > now ? record.lease : undefined;
      const holdsLease = poll !== undefined && othersLease === undefined;
      const lease: Lease | undefined = holdsLease ? { owner: me, until: now + poll.afterMs + LEASE_SLACK_MS } : othersLease;

      const unchanged = record.invalid === undefined && sameJson(decision.state, record.state) && sameJson(lease, record.lease);
      if (unchanged) {
        this.logDecision(decision, event, record.state, record.version, conflicts, me);
        return { record, decision, holdsLease };
      }
      // The decisions an operator asks about (not each poll of a wait, nor a quiet look).
      const history = QUIET.has(decision.decision) ? record.history : [
        { at: new Date(now).toISOString(), decision: decision.decision, phase: decision.state.phase, reason: decision.reason },
        ...(record.history ?? []),
      ].slice(0, HISTORY_LENGTH);
      if (await this.ports.store.save(decision.state, record.version, lease, history)) {
        const saved: StoredState = { state: decision.state, version: record.version + 1, lease, history };
        this.logDecision(decision, event, record.state, saved.version, conflicts, me);
        return { record: saved, decision, holdsLease };
      }
      record = await this.ports.store.load();
    }
  }

  /**
   * Carries out the decision's actions (they run only after their decision
   * was written). Returns the outcome of a stop, which the core must know
   * before the stop counts as done.
   */
  private async execute(step: Step, ctx: InvocationContext): Promise<ScalerEvent | undefined> {
    let outcome: ScalerEvent | undefined;
    for (const action of step.decision.actions) {
      try {
        switch (action.type) {
          case 'start-control-plane':
            await this.ports.services.setControlPlaneDesiredCount(1);
            break;
          case 'stop-control-plane':
            try {
              await this.ports.services.setControlPlaneDesiredCount(0);
              outcome = { type: 'stop-result', ok: true };
            } catch (error) {
              outcome = { type: 'stop-result', ok: false, error: describe(error) };
            }
            break;
          case 'start-database':
            await this.ports.database?.start();
            break;
          case 'export-config':
            // Asked again after the retry interval if it failed (the state records the request).
            await this.ports.exporter?.requestExport(action.configHash);
            break;
          case 'observe':
            break;
        }
      } catch (error) {
        this.emit({ decision: 'action-failed', reason: `${action.type}: ${describe(error)}; the next look decides again`, invocation: ctx.invocationId }, { Failures: 1 });
      }
    }
    return outcome;
  }

  /** Looks at ECS and, as asked, the database and the CP's Admin API, in parallel. Never throws. */
  private async observe(scope: ObserveScope): Promise<Observation> {
    const errors: ReadError[] = [];
    const attempt = async <T>(source: ReadError['source'], read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        errors.push({ source, message: describe(error) });
        return undefined;
      }
    };
    const { database, dataPlanes, services, clock } = this.ports;
    const at = clock.now();
    const [ecs, dataPlaneTasks, databaseStatus, sync] = await Promise.all([
      attempt('ecs', () => services.read()),
      scope.tasks ? attempt('ecs', () => services.listDataPlaneTasks()) : undefined,
      scope.database && database ? attempt('rds', () => database.status()) : undefined,
      scope.adminApi ? attempt('admin-api', () => dataPlanes.read(clock.now())) : undefined,
    ]);
    return {
      at,
      ...(ecs ? { controlPlane: ecs.controlPlane, dataPlane: ecs.dataPlane } : {}),
      ...(dataPlaneTasks ? { dataPlaneTasks } : {}),
      ...(databaseStatus !== undefined ? { databaseStatus } : {}),
      ...(sync ? { sync } : {}),
      errors,
    };
  }

  private logDecision(decision: Decision, event: ScalerEvent, before: ScalerState, version: number, conflicts: number, invocation: string): void {
    const state = decision.state;
    this.emit({
      decision: decision.decision,
      reason: decision.reason,
      event: describeEvent(event),
      phase: state.phase,
      ...(before.phase !== state.phase ? { from: before.phase } : {}),
      ...(state.phase === 'cooldown' && state.cooldownUntil !== undefined ? { cooldownUntil: new Date(state.cooldownUntil).toISOString() } : {}),
      ...(event.type === 'observed' ? { observed: summarizeObservation(event.observation) } : {}),
      ...(event.type === 'observed' && event.observation.at !== undefined ? { lookAt: new Date(event.observation.at).toISOString() } : {}),
      actions: decision.actions.filter((a) => a.type !== 'observe').map((a) => a.type),
      version,
      ...(conflicts > 0 ? { conflicts } : {}),
      invocation,
    }, decision.metrics);
  }

  private emit(fields: Record<string, unknown>, metrics: Partial<Record<MetricName, number>>): void {
    const now = this.ports.clock.now();
    this.ports.log(logLine({ time: new Date(now).toISOString(), ...fields }, metrics, this.settings.metrics, now));
  }
}

function describeEvent(event: ScalerEvent): string {
  switch (event.type) {
    case 'wake': return `wake (${event.cause}: ${event.detail})`;
    case 'observed': return 'observed';
    case 'stop-result': return event.ok ? 'stop-result (done)' : `stop-result (failed: ${event.error ?? ''})`;
    default: return event.type;
  }
}

/** A compact, human-readable summary of an observation for the log. */
export function summarizeObservation(obs: Observation): Record<string, string> {
  const out: Record<string, string> = {};
  if (obs.controlPlane) out.controlPlane = `${obs.controlPlane.running}/${obs.controlPlane.desired} running`;
  if (obs.dataPlane) {
    const dp = obs.dataPlane;
    out.dataPlane = `${dp.running}/${dp.desired} running, ${dp.pending} pending${dp.deploymentInProgress ? ', deploying' : ''}`;
  }
  if (obs.dataPlaneTasks) {
    const byStatus = new Map<string, number>();
    for (const t of obs.dataPlaneTasks) byStatus.set(t.lastStatus, (byStatus.get(t.lastStatus) ?? 0) + 1);
    out.dataPlaneTasks = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
  }
  if (obs.databaseStatus !== undefined) out.database = obs.databaseStatus;
  const judged = judge(obs);
  if (judged) out.sync = describeSync(judged);
  else if (obs.sync) out.sync = `${obs.sync.rows.length} rows seen recently`;
  for (const e of obs.errors) out[e.source] = `error: ${e.message}`;
  return out;
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const text = e && typeof e === 'object' ? (e.name && e.name !== 'Error' ? `${e.name}: ${e.message ?? ''}` : e.message ?? 'Error') : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
