import fc from 'fast-check';
import type { DataPlaneRow, DataPlaneTask } from '../src/sync';
import {
  DEFAULT_CONFIG,
  EMPTY_CONFIG_HASH,
  INITIAL_STATE,
  decide,
  judge,
  stopBlockers,
  type Observation,
  type ReadError,
  type ScalerConfig,
  type ScalerEvent,
  type ScalerState,
} from '../src/core';
import { parseState } from '../src/state';
import { HASH_A, HASH_B } from './support/world';

/**
 * Property tests of the pure core over random event sequences. Observations
 * are random too: the core must be safe whatever the world tells it.
 */

const T0 = Date.UTC(2026, 0, 1);
const RUNS = Number(process.env.FC_RUNS ?? 300);

const configs: fc.Arbitrary<ScalerConfig> = fc.record({
  syncTimeoutMs: fc.integer({ min: 1, max: 10 }).map((m) => m * 60_000),
  cooldownMs: fc.integer({ min: 1, max: 60 }).map((m) => m * 60_000),
  extensionMs: fc.integer({ min: 2, max: 30 }).map((m) => m * 60_000),
  pollIntervalMs: fc.integer({ min: 1, max: 15 }).map((s) => s * 1000),
  confirmDelayMs: fc.integer({ min: 1, max: 30 }).map((s) => s * 1000),
  boundSyncTimeouts: fc.integer({ min: 2, max: 4 }),
}).map(({ boundSyncTimeouts, ...t }) => ({ ...DEFAULT_CONFIG, ...t, wakeBoundMs: boundSyncTimeouts * t.syncTimeoutMs }));

const counts = (max: number) => fc.record({
  desired: fc.integer({ min: 0, max }),
  running: fc.integer({ min: 0, max }),
  pending: fc.integer({ min: 0, max: 2 }),
});

const task = (i: number, lastStatus = 'RUNNING', startedAt = 1_000): DataPlaneTask => ({
  arn: `arn:aws:ecs:us-east-1:123456789012:task/kong/task${i}`,
  lastStatus,
  desiredStatus: 'RUNNING',
  ip: `10.0.3.${10 + i}`,
  createdAt: 0,
  ...(lastStatus === 'RUNNING' ? { startedAt } : {}),
});
const row = (i: number, configHash: string, lastSeen = 60_000, syncStatus = 'normal'): DataPlaneRow => ({
  id: `node-${i}-${lastSeen}`, ip: `10.0.3.${10 + i}`, configHash, lastSeen, syncStatus,
});

// Biased towards calm, consistent readings so that sequences reach the cooldown and the stop.
const calm: fc.Arbitrary<Observation> = fc.record({
  dpTasks: fc.integer({ min: 0, max: 3 }),
  hash: fc.constantFrom(HASH_A, HASH_B),
  // Rows of DPs that are gone (replaced) linger: they must not matter.
  leftovers: fc.integer({ min: 0, max: 2 }),
}).map(({ dpTasks, hash, leftovers }) => ({
  controlPlane: { desired: 1, running: 1, pending: 0 },
  dataPlane: { desired: dpTasks, running: dpTasks, pending: 0, deploymentInProgress: false },
  dataPlaneTasks: Array.from({ length: dpTasks }, (_, i) => task(i + 1)),
  sync: { rows: [...Array.from({ length: dpTasks }, (_, i) => row(i + 1, hash)), ...Array.from({ length: leftovers }, (_, i) => row(50 + i, HASH_A))] },
  errors: [],
}));

const errors: fc.Arbitrary<ReadError[]> = fc.subarray([
  { source: 'ecs', message: 'ThrottlingException' },
  { source: 'rds', message: 'timeout' },
  { source: 'admin-api', message: 'ECONNREFUSED' },
] as ReadError[]);

const anything: fc.Arbitrary<Observation> = fc.record({
  controlPlane: fc.option(counts(2), { nil: undefined }),
  dataPlane: fc.option(fc.record({
    desired: fc.integer({ min: 0, max: 4 }),
    running: fc.integer({ min: 0, max: 5 }),
    pending: fc.integer({ min: 0, max: 2 }),
    deploymentInProgress: fc.boolean(),
  }), { nil: undefined }),
  dataPlaneTasks: fc.option(fc.array(fc.record({
    status: fc.constantFrom('PROVISIONING', 'PENDING', 'RUNNING', 'RUNNING', 'RUNNING'),
    startedAt: fc.constantFrom(1_000, 120_000),
  }), { maxLength: 4 }).map((ts) => ts.map((t, i) => task(i + 1, t.status, t.startedAt))), { nil: undefined }),
  databaseStatus: fc.option(fc.constantFrom('available', 'stopped', 'starting', 'stopping'), { nil: undefined }),
  sync: fc.option(fc.array(fc.record({
    i: fc.integer({ min: 1, max: 5 }),
    hash: fc.constantFrom(HASH_A, HASH_B, EMPTY_CONFIG_HASH),
    lastSeen: fc.constantFrom(60_000, 200_000),
    syncStatus: fc.constantFrom('normal', 'normal', 'unknown', 'kong_version_incompatible'),
  }), { maxLength: 5 }).map((rs) => ({ rows: rs.map((r) => row(r.i, r.hash, r.lastSeen, r.syncStatus)) })), { nil: undefined }),
  errors,
});

/** A calm look with exactly one thing wrong: each of these alone must keep the CP up. */
const disturbed: fc.Arbitrary<Observation> = fc.tuple(calm, fc.integer({ min: 0, max: 11 })).map(([o, which]): Observation => {
  const dp = o.dataPlane!;
  const tasks = o.dataPlaneTasks!;
  const rows = o.sync!.rows;
  const n = tasks.length;
  switch (which) {
    case 0: return { ...o, dataPlane: { ...dp, pending: 1 } };
    case 1: return { ...o, dataPlane: { ...dp, desired: dp.desired + 1 } };
    case 2: return { ...o, dataPlane: { ...dp, deploymentInProgress: true } };
    // One more running task, on another configuration.
    case 3: return { ...o, dataPlane: { ...dp, desired: n + 1, running: n + 1 }, dataPlaneTasks: [...tasks, task(n + 1)], sync: { rows: [...rows, row(n + 1, rows[0]?.configHash === HASH_A ? HASH_B : HASH_A)] } };
    case 4: return { ...o, dataPlane: { ...dp, desired: dp.desired + 1, running: dp.running + 1 } };
    // One more running task that the CP cannot configure.
    case 5: return { ...o, dataPlane: { ...dp, desired: n + 1, running: n + 1 }, dataPlaneTasks: [...tasks, task(n + 1)], sync: { rows: [...rows, row(n + 1, EMPTY_CONFIG_HASH, 60_000, 'plugin_set_incompatible')] } };
    case 6: return { ...o, errors: [{ source: 'ecs', message: 'ThrottlingException' }] };
    // A new running task, not connected: a replaced DP's row is still fresh (the counts agree).
    case 7: return { ...o, dataPlane: { ...dp, desired: n + 1, running: n + 1 }, dataPlaneTasks: [...tasks, task(n + 1)], sync: { rows: [...rows, row(90, rows[0]?.configHash ?? HASH_A)] } };
    // A task the service wants, still PENDING (counted or not).
    case 8: return { ...o, dataPlane: { ...dp, desired: n + 1 }, dataPlaneTasks: [...tasks, task(n + 1, 'PENDING')] };
    // A new task on an address that came back: the old row from it predates the task.
    case 9: return { ...o, dataPlane: { ...dp, desired: n + 1, running: n + 1 }, dataPlaneTasks: [...tasks, task(n + 1, 'RUNNING', 120_000)], sync: { rows: [...rows, row(n + 1, rows[0]?.configHash ?? HASH_A, 60_000)] } };
    case 10: return { ...o, dataPlaneTasks: undefined, errors: [{ source: 'ecs', message: 'ThrottlingException' }] };
    default: return { ...o, sync: undefined, errors: [{ source: 'admin-api', message: 'ECONNREFUSED' }] };
  }
});

/**
 * An oracle written apart from the core: every task ECS wants running runs,
 * with a row from its address seen since it started, compatible, all on one
 * non-empty hash, and the service has as many as it wants.
 */
function everyWantedTaskOnOneConfig(obs: Observation): boolean {
  const tasks = obs.dataPlaneTasks!.filter((t) => t.desiredStatus === 'RUNNING');
  if (tasks.length < obs.dataPlane!.desired) return false;
  const hashes = new Set<string>();
  for (const t of tasks) {
    if (t.lastStatus !== 'RUNNING') return false;
    const mine = obs.sync!.rows.filter((r) => r.ip === t.ip && r.lastSeen >= (t.startedAt ?? 0) - 2_000);
    if (mine.length === 0) return false;
    const latest = mine.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
    if (!['normal', 'unknown'].includes(latest.syncStatus) || latest.configHash === EMPTY_CONFIG_HASH) return false;
    hashes.add(latest.configHash);
  }
  return hashes.size <= 1;
}

const wakeEvents: fc.Arbitrary<ScalerEvent> = fc.oneof(
  fc.record({
    i: fc.integer({ min: 1, max: 6 }),
    version: fc.integer({ min: 1, max: 3 }),
    // What the shell read of the task when the event was late: not read, gone, running, still pending.
    current: fc.constantFrom<'unread' | 'gone' | 'RUNNING' | 'PENDING'>('unread', 'gone', 'RUNNING', 'PENDING'),
    createdAt: fc.constantFrom(0, T0 + 2 * 60 * 60_000),
  }).map(({ i, version, current, createdAt }) => ({
    type: 'wake',
    cause: 'dp-task-starting',
    detail: `task/${i}`,
    delivery: { key: `task:task/${i}`, version },
    task: {
      arn: `task/${i}`,
      status: 'PROVISIONING',
      ...(current === 'unread' ? {} : { current: current === 'gone' ? null : { ...task(i, current), createdAt } }),
    },
  }) as ScalerEvent),
  fc.integer({ min: 1, max: 3 }).map((id) => ({ type: 'wake', cause: 'dp-deployment', detail: `ecs-svc/${id}`, delivery: { key: `deployment:ecs-svc/${id}`, version: 0 } }) as ScalerEvent),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ type: 'wake', cause: 'scale-out-alarm', detail: 'alarm', delivery: { key: `alarm:DpCpuHigh:${n}`, version: 0 } }) as ScalerEvent),
  fc.constant<ScalerEvent>({ type: 'wake', cause: 'operator', detail: 'operator request' }),
);

const events: fc.Arbitrary<ScalerEvent> = fc.oneof(
  { weight: 3, arbitrary: wakeEvents },
  { weight: 1, arbitrary: fc.constant<ScalerEvent>({ type: 'sleep' }) },
  { weight: 1, arbitrary: fc.constant<ScalerEvent>({ type: 'tick' }) },
  { weight: 6, arbitrary: calm.map((observation) => ({ type: 'observed', observation }) as ScalerEvent) },
  { weight: 3, arbitrary: disturbed.map((observation) => ({ type: 'observed', observation }) as ScalerEvent) },
  { weight: 2, arbitrary: anything.map((observation) => ({ type: 'observed', observation }) as ScalerEvent) },
);

/** Steps: an event after some time (often seconds, sometimes half an hour). */
const steps = fc.array(fc.record({
  event: events,
  afterMs: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 40 * 60_000 })),
  // Whether ECS takes a stop decided at this step (it may refuse: throttling).
  stopTaken: fc.boolean(),
  // How long ago a wake event happened when it is delivered (mostly seconds, sometimes minutes: retried).
  lagMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 15 * 60_000 })),
}), { minLength: 1, maxLength: 80 });

interface Trace {
  readonly before: ScalerState;
  readonly event: ScalerEvent;
  readonly now: number;
  readonly after: ScalerState;
  readonly actions: readonly string[];
  readonly metrics: Record<string, number | undefined>;
  readonly decision: string;
}

/** Drives the core through a script; a stop action is followed by its outcome, as the shell feeds it back. */
function run(config: ScalerConfig, script: Array<{ event: ScalerEvent; afterMs: number; stopTaken?: boolean; lagMs?: number }>): Trace[] {
  let state = INITIAL_STATE;
  let now = T0;
  const trace: Trace[] = [];
  const step = (event: ScalerEvent) => {
    const d = decide(state, event, now, config);
    trace.push({ before: state, event, now, after: d.state, actions: d.actions.map((a) => a.type), metrics: d.metrics, decision: d.decision });
    state = d.state;
    return d;
  };
  for (const { event, afterMs, stopTaken = true, lagMs = 0 } of script) {
    now += afterMs;
    const d = step(event.type === 'wake' && event.delivery ? { ...event, occurredAt: now - lagMs } : event);
    if (d.actions.some((a) => a.type === 'stop-control-plane')) step(stopTaken ? { type: 'stop-result', ok: true } : { type: 'stop-result', ok: false, error: 'ThrottlingException' });
  }
  return trace;
}

/** A wake event the core acted on as one (not a duplicate, not a late event found to need nothing). */
const isFreshWake = (t: Trace) => t.event.type === 'wake' && t.decision !== 'duplicate' && t.decision !== 'late-event';
/** When what a wake event reports happened. */
const happenedAt = (t: Trace) => (t.event.type === 'wake' ? Math.min(t.event.occurredAt ?? t.now, t.now) : t.now);

describe('the pure core, over random event sequences', () => {
  test('the CP is only stopped after a clean look: every DP task the service wants runs the one config from its own address, nothing unread', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (!t.actions.includes('stop-control-plane') || t.metrics.NeverHealthy) continue;
        expect(t.event.type).toBe('observed');
        const obs = (t.event as Extract<ScalerEvent, { type: 'observed' }>).observation;
        expect(stopBlockers(obs)).toEqual([]);
        expect(obs.errors.filter((e) => e.source !== 'rds')).toEqual([]);
        expect(obs.dataPlane!.pending).toBe(0);
        expect(obs.dataPlane!.running).toBe(obs.dataPlane!.desired);
        expect(obs.dataPlane!.deploymentInProgress).toBe(false);
        expect(everyWantedTaskOnOneConfig(obs)).toBe(true);
        expect(['cooldown', 'stopping']).toContain(t.before.phase);
        expect(t.after.phase).toBe('stopping');
      }
    }), { numRuns: RUNS });
  });

  test('a stop comes after two clean looks at least the confirm delay apart, with one hash, and no unclean look between', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      let firstClean: { at: number; hash: string } | undefined;
      for (const t of run(config, script)) {
        if (t.event.type === 'observed' && t.decision !== 'confirming-stop' && !t.actions.includes('stop-control-plane')) firstClean = undefined;
        if (t.event.type === 'wake' && t.decision !== 'duplicate' && t.decision !== 'late-event') firstClean = undefined;
        if (t.decision === 'confirming-stop' && t.after.cleanLookAt === t.now) firstClean = { at: t.now, hash: t.after.cleanLookHash! };
        if (!t.actions.includes('stop-control-plane') || t.metrics.NeverHealthy) continue;
        const obs = (t.event as Extract<ScalerEvent, { type: 'observed' }>).observation;
        expect(firstClean).toBeDefined();
        expect(t.now - firstClean!.at).toBeGreaterThanOrEqual(config.confirmDelayMs);
        expect(judge(obs)?.controlPlaneConfigHash ?? '').toBe(firstClean!.hash);
        firstClean = undefined;
      }
    }), { numRuns: RUNS });
  });

  test('a CP is stopped unclean only when its Admin API has not answered once since the wake, the bound ago; then NeverHealthy says so', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      let wokeAt: number | undefined;
      let answered = false;
      for (const t of run(config, script)) {
        if (t.before.phase === 'idle' && t.after.phase === 'waking') {
          wokeAt = t.now;
          answered = false;
        }
        const read = t.event.type === 'observed' && t.event.observation.sync !== undefined;
        if (t.metrics.NeverHealthy) {
          expect(t.actions).toContain('stop-control-plane');
          expect(answered || read).toBe(false);
          expect(t.now - wokeAt!).toBeGreaterThanOrEqual(config.wakeBoundMs);
        }
        if (read && wokeAt !== undefined && t.before.phase !== 'idle') answered = true;
      }
    }), { numRuns: RUNS });
  });

  test('every deferred stop reports how long the stop has been due', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (t.decision !== 'stop-deferred') continue;
        expect(t.metrics.StopDeferredFor).toBe(t.now - t.before.cooldownUntil!);
      }
    }), { numRuns: RUNS });
  });

  test('a stop counts (Stops, idle) only once ECS took it; a refused stop leaves the CP wanted', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (t.metrics.Stops) {
          expect(t.after.phase).toBe('idle');
          expect(t.before.phase).toBe('stopping');
          expect(t.event.type === 'stop-result' ? t.event.ok : t.event.type === 'observed' && t.event.observation.controlPlane?.desired === 0).toBe(true);
        }
        if (t.event.type === 'stop-result' && !t.event.ok) expect(t.after.phase).not.toBe('idle');
        if (t.before.phase !== 'idle' && t.after.phase === 'idle') expect(t.metrics.Stops).toBe(1);
      }
    }), { numRuns: RUNS });
  });

  test('the CP is never stopped inside the cooldown, unless an operator asked to sleep after the last wake', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      let lastWake = -Infinity;
      let lastSleep = -Infinity;
      for (const t of run(config, script)) {
        if (isFreshWake(t)) lastWake = Math.max(lastWake, happenedAt(t));
        if (t.event.type === 'sleep' && t.decision === 'sleep-requested') lastSleep = t.now;
        if (!t.actions.includes('stop-control-plane') || t.metrics.NeverHealthy) continue;
        const operator = lastSleep >= lastWake && t.now - lastSleep <= config.sleepRequestValidMs;
        if (!operator) {
          expect(t.now).toBeGreaterThanOrEqual(t.before.cooldownUntil!);
          // A DP start (or any wake) keeps the CP up at least an extension (less a coalescing burst) or a cooldown.
          expect(t.now - lastWake).toBeGreaterThanOrEqual(Math.min(config.extensionMs - config.extensionCoalesceMs, config.cooldownMs));
        }
      }
    }), { numRuns: RUNS });
  });

  test('every DP start leads to a running CP: the CP is asked to start, and stays wanted until a clean stop', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      let desired = 0; // the CP's desired count, as our actions set it
      for (const t of run(config, script)) {
        for (const a of t.actions) if (a === 'start-control-plane') desired = 1;
        if (t.event.type === 'stop-result' && t.event.ok) desired = 0;
        if (t.event.type === 'stop-result' && t.event.ok && t.after.phase !== 'idle') expect(t.actions).toContain('start-control-plane');
        for (const a of t.actions) if (a === 'start-control-plane') desired = 1;
        // Someone else's CP, seen running, is adopted rather than started.
        if (t.after.phase !== 'idle' && t.after.wakeReason?.startsWith('cp-found-running') && t.before.phase === 'idle') desired = 1;
        if (isFreshWake(t)) {
          expect(t.after.phase).not.toBe('idle');
          expect(desired).toBe(1);
          if (t.before.phase === 'idle') expect(t.actions).toContain('start-control-plane');
        }
        if (t.after.phase !== 'idle' && t.before.phase === 'idle') expect(desired).toBe(1);
      }
    }), { numRuns: RUNS });
  });

  test('an extension adds exactly the configured time to the remaining cooldown; a never-healthy stop ends it; nothing else moves the end', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        const extended = t.metrics.CooldownExtensions === 1;
        // A stop that did not happen goes back to the cooldown it came from.
        const cooling = (phase: string) => phase === 'cooldown' || phase === 'stopping';
        if (t.metrics.NeverHealthy) {
          // A CP that never answered serves nobody: its cooldown is over (a refused stop comes back to an overdue one).
          expect(t.after.cooldownUntil).toBe(Math.min(t.before.cooldownUntil ?? t.now, t.now));
        } else if (extended) {
          expect(cooling(t.before.phase)).toBe(true);
          // From the end of the cooldown, or from when what extends it happened (an overdue cooldown has none left).
          const from = t.event.type === 'wake' ? Math.min(t.event.occurredAt ?? t.now, t.now) : t.now;
          expect(t.after.cooldownUntil).toBe(Math.max(t.before.cooldownUntil!, from) + config.extensionMs);
        } else if (cooling(t.before.phase) && cooling(t.after.phase)) {
          expect(t.after.cooldownUntil).toBe(t.before.cooldownUntil);
        }
      }
    }), { numRuns: RUNS });
  });

  test('a DP task extends the cooldown at most once, whatever its events and their versions', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      const extensions = new Map<string, number>();
      for (const t of run(config, script)) {
        if (t.event.type !== 'wake' || !t.event.delivery || !t.metrics.CooldownExtensions) continue;
        const n = (extensions.get(t.event.delivery.key) ?? 0) + 1;
        extensions.set(t.event.delivery.key, n);
        expect(n).toBe(1);
      }
    }), { numRuns: RUNS });
  });

  test('a duplicated event changes nothing, whenever it comes again', () => {
    fc.assert(fc.property(configs, steps, fc.integer({ min: 0, max: 60 * 60_000 }), (config, script, laterMs) => {
      for (const t of run(config, script)) {
        if (t.event.type !== 'wake' || !t.event.delivery) continue;
        const again = decide(t.after, t.event, t.now + laterMs, config);
        expect(again.decision).toBe('duplicate');
        expect(again.state).toEqual(t.after);
        expect(again.actions).toEqual([]);
        expect(again.metrics).toEqual({});
      }
    }), { numRuns: RUNS });
  });

  test('a look whose ECS or Admin API read failed never stops the CP (fail safe); the database\'s status does not bear on a stop', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (t.event.type === 'observed' && t.event.observation.errors.some((e) => e.source !== 'rds') && !t.metrics.NeverHealthy) {
          expect(t.actions).not.toContain('stop-control-plane');
        }
      }
    }), { numRuns: RUNS });
  });

  test('while the CP is wanted, every look that finds the database stopped starts it, unless it stops the CP', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (t.event.type !== 'observed' || t.event.observation.databaseStatus !== 'stopped') continue;
        if (t.before.phase === 'idle' || t.after.phase === 'idle' || t.actions.includes('stop-control-plane')) continue;
        if (t.decision === 'observe') continue; // a stop in flight
        expect(t.actions).toContain('start-database');
      }
    }), { numRuns: RUNS });
  });

  test('the CP is synced only when every DP task the service wants runs the one config (WakeToSynced is the time to that)', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        if (t.decision !== 'synced') continue;
        const obs = (t.event as Extract<ScalerEvent, { type: 'observed' }>).observation;
        expect(everyWantedTaskOnOneConfig(obs)).toBe(true);
        expect(obs.controlPlane!.running).toBeGreaterThan(0);
        expect(t.metrics.WakeToSynced).toBe(t.now - t.before.wokeAt!);
      }
    }), { numRuns: RUNS });
  });

  test('every state is well formed and survives being stored', () => {
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        expect(parseState(JSON.stringify(t.after))).toEqual(t.after);
        if (t.after.phase !== 'idle') expect(t.after.wokeAt).toBeDefined();
        if (t.after.phase === 'cooldown') expect(t.after.cooldownUntil).toBeDefined();
        expect(Object.keys(t.after.seen).length).toBeLessThanOrEqual(config.maxSeen);
      }
    }), { numRuns: RUNS });
  });

  test('the sequences reach every phase and decision that matters (the generators are not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(configs, steps, (config, script) => {
      for (const t of run(config, script)) {
        seen.add(t.decision);
        for (const [name, value] of Object.entries(t.metrics)) if (value !== undefined) seen.add(`metric:${name}`);
      }
    }), { numRuns: RUNS });
    for (const decision of ['wake', 'synced', 'sync-timeout', 'extend', 'already-extended', 'confirming-stop', 'stop', 'stopped', 'stop-failed', 'stop-deferred', 'duplicate', 'late-event', 'sleep-requested', 'sleep-refused']) {
      expect(seen).toContain(decision);
    }
    for (const metric of ['NeverHealthy', 'StopDeferredFor', 'Stops', 'CooldownExtensions']) expect(seen).toContain(`metric:${metric}`);
  });
});
