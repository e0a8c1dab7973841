import type { DataPlaneTask } from '../src/sync';
import {
  DEFAULT_CONFIG,
  EMPTY_CONFIG_HASH,
  INITIAL_STATE,
  decide,
  type Decision,
  type ScalerEvent,
  type ScalerState,
} from '../src/core';
import { HASH_A, HASH_B, STARTED, cpCounts, dpCounts, dpRow, dpTask, dpTasks, inSync, observation } from './support/world';

const config = DEFAULT_CONFIG;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

const dpTaskStarting = (task = 'task/1', version = 1): ScalerEvent => ({
  type: 'wake',
  cause: 'dp-task-starting',
  detail: `data plane task ${task} PROVISIONING`,
  delivery: { key: `task:${task}`, version },
});
const observed = (overrides: Parameters<typeof observation>[0] = {}): ScalerEvent => ({ type: 'observed', observation: observation(overrides) });

function types(d: Decision): string[] {
  return d.actions.map((a) => a.type);
}

/**
 * The two clean looks a stop needs, the confirm delay apart, from `at`:
 * returns the second look's decision (the stop) and when it was made.
 */
function stopLooks(state: ScalerState, at: number, obs = observed()): Decision & { at: number } {
  const first = decide(state, obs, at, config);
  expect(first.decision).toBe('confirming-stop');
  const second = decide(first.state, obs, at + config.confirmDelayMs, config);
  return { ...second, at: at + config.confirmDelayMs };
}

/** Drives the core through idle → wake → sync and returns the cooldown state. */
function inCooldown(at = T0): ScalerState {
  const woken = decide(INITIAL_STATE, dpTaskStarting(), at, config).state;
  const synced = decide(woken, observed(), at + 30_000, config);
  expect(synced.decision).toBe('synced');
  return synced.state;
}

describe('waking', () => {
  test('GIVEN an idle scaler WHEN a data plane task starts THEN it starts the control plane and looks at once', () => {
    const d = decide(INITIAL_STATE, dpTaskStarting(), T0, config);

    expect(d.decision).toBe('wake');
    expect(d.state.phase).toBe('waking');
    expect(d.state.wokeAt).toBe(T0);
    expect(types(d)).toEqual(['start-control-plane', 'observe']);
    expect(d.actions[1]).toEqual({ type: 'observe', afterMs: 0, scope: { tasks: true, adminApi: true, database: true } });
    expect(d.metrics).toEqual({ Wakes: 1 });
  });

  test.each([
    ['a data plane deployment', { type: 'wake', cause: 'dp-deployment', detail: 'ecs-svc/1', delivery: { key: 'deployment:ecs-svc/1', version: 0 } }],
    ['the scale-out alarm', { type: 'wake', cause: 'scale-out-alarm', detail: 'alarm DpCpuHigh in ALARM', delivery: { key: 'alarm:DpCpuHigh:t', version: 0 } }],
    ['an operator', { type: 'wake', cause: 'operator', detail: 'operator request' }],
  ] as Array<[string, ScalerEvent]>)('GIVEN an idle scaler WHEN %s asks THEN it wakes the control plane', (_, event) => {
    const d = decide(INITIAL_STATE, event, T0, config);

    expect(d.decision).toBe('wake');
    expect(types(d)).toContain('start-control-plane');
  });

  test('GIVEN a waking scaler WHEN the control plane is not running yet THEN it looks again after the poll interval', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed({ controlPlane: cpCounts(0), sync: undefined, errors: [{ source: 'admin-api', message: 'ECONNREFUSED' }] }), T0 + 5_000, config);

    expect(d.decision).toBe('waiting');
    expect(d.reason).toContain('control plane 0 of 1 tasks running');
    expect(d.actions).toEqual([{ type: 'observe', afterMs: config.pollIntervalMs, scope: { tasks: true, adminApi: true, database: true } }]);
    // The Admin API cannot answer while the CP boots: that is not a failure.
    expect(d.metrics.Failures).toBeUndefined();
  });

  test('GIVEN a waking scaler WHEN the control plane runs and every running data plane reports one hash THEN the cooldown starts', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed(), T0 + 42_000, config);

    expect(d.decision).toBe('synced');
    expect(d.state.phase).toBe('cooldown');
    expect(d.state.cooldownUntil).toBe(T0 + 42_000 + config.cooldownMs);
    expect(d.state.configHash).toBe(HASH_A);
    expect(d.metrics).toMatchObject({ WakeToRunning: 42_000, WakeToSynced: 42_000, ControlPlaneRunning: 1 });
  });

  test.each([
    ['a running data plane has not reported', { sync: inSync(1) }, '1 running data plane tasks without a recent row from their address (task0002 10.0.3.12)'],
    ['the data planes disagree', { sync: { rows: [dpRow(1), dpRow(2, { configHash: HASH_B })] } }, 'data planes disagree on the configuration (aaaaaaaa, bbbbbbbb)'],
    ['the data planes have no configuration', { sync: inSync(2, EMPTY_CONFIG_HASH) }, '2 data planes with no configuration yet'],
    ['a data plane is incompatible', { sync: { rows: [dpRow(1), dpRow(2, { syncStatus: 'kong_version_incompatible' })] } }, '1 data planes the control plane cannot configure (task0002)'],
    // Defect 7: a task the service wants that is not running yet.
    ['a wanted task is still pending', { dataPlane: dpCounts({ desired: 3, pending: 1 }), dataPlaneTasks: [...dpTasks(2), dpTask(3, { lastStatus: 'PENDING', startedAt: undefined })] }, '1 data plane tasks starting (task0003 PENDING)'],
    ['ECS has not even launched a wanted task', { dataPlane: dpCounts({ desired: 3 }) }, 'data plane 2 of 3 tasks started'],
    // Defect 1: the row of a replaced DP, still fresh, does not stand in for the new task.
    ['a replaced task\'s row is fresh and the new task has not connected', { dataPlaneTasks: [dpTask(1), dpTask(3)], sync: { rows: [dpRow(1), dpRow(2)] } }, '1 running data plane tasks without a recent row from their address (task0003 10.0.3.13)'],
    // An address that came back: the old task's row from it predates the new task.
    ['the new task has the address of an old one whose row is still fresh', { dataPlaneTasks: [dpTask(1), dpTask(2, { startedAt: STARTED + 120_000 })] }, '1 running data plane tasks without a recent row from their address (task0002 10.0.3.12)'],
  ])('GIVEN a waking scaler WHEN %s THEN it keeps waiting', (_, overrides, reason) => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed(overrides), T0 + 10_000, config);

    expect(d.decision).toBe('waiting');
    expect(d.reason).toContain(reason);
  });

  test('GIVEN a waking scaler WHEN the data planes never sync THEN it gives up after the sync timeout and starts the cooldown anyway', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed({ sync: inSync(1) }), T0 + config.syncTimeoutMs, config);

    expect(d.decision).toBe('sync-timeout');
    expect(d.reason).toContain('gave up waiting for sync after 300 s');
    expect(d.state).toMatchObject({ phase: 'cooldown', syncTimedOut: true, cooldownUntil: T0 + config.syncTimeoutMs + config.cooldownMs });
    expect(d.metrics.SyncTimeouts).toBe(1);
  });

  test('GIVEN a waking scaler WHEN the database cluster is stopped THEN it starts it', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed({ controlPlane: cpCounts(0), databaseStatus: 'stopped' }), T0 + 5_000, config);

    expect(types(d)).toContain('start-database');
  });

  test('GIVEN a waking scaler WHEN the control plane desired count is 0 THEN it starts it again', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, observed({ controlPlane: { desired: 0, running: 0, pending: 0 } }), T0 + 5_000, config);

    expect(types(d)).toEqual(['start-control-plane', 'observe']);
  });
});

describe('cooldown', () => {
  test('GIVEN a cooldown WHEN a data plane task starts THEN the cooldown grows by exactly the extension', () => {
    const cooling = inCooldown();
    const now = T0 + 10 * MIN;

    const d = decide(cooling, dpTaskStarting('task/2'), now, config);

    expect(d.decision).toBe('extend');
    expect(d.state.cooldownUntil).toBe(cooling.cooldownUntil! + config.extensionMs);
    expect(d.metrics.CooldownExtensions).toBe(1);
  });

  test('GIVEN a cooldown WHEN a burst of data plane tasks starts THEN it counts as one extension', () => {
    const cooling = inCooldown();
    const first = decide(cooling, dpTaskStarting('task/2'), T0 + 10 * MIN, config);

    const second = decide(first.state, dpTaskStarting('task/3'), T0 + 10 * MIN + 20_000, config);

    expect(second.decision).toBe('already-extended');
    expect(second.state.cooldownUntil).toBe(first.state.cooldownUntil);
  });

  test('GIVEN a cooldown WHEN the data planes\' config hash changes THEN it is a config push and extends the cooldown', () => {
    const cooling = inCooldown();

    const d = decide(cooling, observed({ sync: inSync(2, HASH_B) }), T0 + 20 * MIN, config);

    expect(d.decision).toBe('extend');
    expect(d.reason).toContain('config push (hash aaaaaaaa → bbbbbbbb)');
    expect(d.state.cooldownUntil).toBe(cooling.cooldownUntil! + config.extensionMs);
    expect(d.state.configHash).toBe(HASH_B);
  });

  test('GIVEN an overdue cooldown WHEN a config push arrives THEN the extension counts from now', () => {
    const cooling = inCooldown();
    const now = cooling.cooldownUntil! + 5 * MIN;

    const d = decide(cooling, observed({ sync: inSync(2, HASH_B) }), now, config);

    expect(d.decision).toBe('extend');
    expect(d.state.cooldownUntil).toBe(now + config.extensionMs);
    expect(types(d)).toEqual([]);
  });

  test('GIVEN a cooldown that is over WHEN the data plane is stable and in sync THEN it stops the control plane', () => {
    const cooling = inCooldown();

    const d = stopLooks(cooling, cooling.cooldownUntil!);

    expect(d.decision).toBe('stop');
    expect(types(d)).toEqual(['stop-control-plane']);
    expect(d.state).toMatchObject({ phase: 'stopping', stoppingSince: d.at, configHash: HASH_A });
    // Not a stop until ECS took it.
    expect(d.metrics.Stops).toBeUndefined();
  });

  test('GIVEN a stop decided WHEN ECS takes it THEN the stop is recorded: idle, Stops', () => {
    const cooling = inCooldown();
    const stop = stopLooks(cooling, cooling.cooldownUntil!);

    const d = decide(stop.state, { type: 'stop-result', ok: true }, stop.at + 80, config);

    expect(d.decision).toBe('stopped');
    // stoppedAt is the decision's time: tasks created after its last look were not in it.
    expect(d.state).toEqual({ phase: 'idle', stoppedAt: stop.at, configHash: HASH_A, seen: cooling.seen });
    expect(d.metrics.Stops).toBe(1);
  });

  test('GIVEN a stop decided WHEN ECS refuses it THEN the CP is still wanted and the next look retries the stop', () => {
    const cooling = inCooldown();
    const stopping = stopLooks(cooling, cooling.cooldownUntil!).state;

    const failed = decide(stopping, { type: 'stop-result', ok: false, error: 'ThrottlingException: Rate exceeded' }, cooling.cooldownUntil! + 80, config);
    // The retry is a stop like any other: two clean looks again.
    const retried = stopLooks(failed.state, cooling.cooldownUntil! + 5_000);

    expect(failed.decision).toBe('stop-failed');
    expect(failed.state.phase).toBe('stopping');
    expect(failed.metrics).toEqual({ Failures: 1 });
    expect(failed.actions).toEqual([{ type: 'observe', afterMs: config.pollIntervalMs, scope: expect.anything() }]);
    expect(retried.decision).toBe('stop');
    expect(types(retried)).toEqual(['stop-control-plane']);
  });

  test('GIVEN a stop decided WHEN a wake is written before ECS took the stop THEN the CP is started again', () => {
    const cooling = inCooldown();
    const stopping = stopLooks(cooling, cooling.cooldownUntil!).state;
    const woken = decide(stopping, dpTaskStarting('task/7'), cooling.cooldownUntil! + 10, config);

    const d = decide(woken.state, { type: 'stop-result', ok: true }, cooling.cooldownUntil! + 80, config);

    expect(woken.decision).toBe('wake');
    expect(d.decision).toBe('restart-after-race');
    expect(types(d)).toEqual(['start-control-plane']);
    expect(d.state.phase).toBe('waking');
  });

  test('GIVEN a stop whose invocation died WHEN a look finds the desired count 0 THEN the stop is recorded', () => {
    const cooling = inCooldown();
    const stopping = stopLooks(cooling, cooling.cooldownUntil!).state;

    const d = decide(stopping, observed({ controlPlane: { desired: 0, running: 1, pending: 0 } }), cooling.cooldownUntil! + MIN, config);

    expect(d.decision).toBe('stopped');
    expect(d.state.phase).toBe('idle');
    expect(d.metrics.Stops).toBe(1);
  });

  test('GIVEN a cooldown that is not over WHEN all is quiet THEN the control plane stays', () => {
    const cooling = inCooldown();

    const d = decide(cooling, observed(), cooling.cooldownUntil! - 1, config);

    expect(d.decision).toBe('cooldown');
    expect(types(d)).toEqual([]);
  });

  test.each([
    ['a data plane task is pending', { dataPlane: dpCounts({ pending: 1 }) }, '1 data plane tasks pending'],
    ['fewer data plane tasks run than desired', { dataPlane: dpCounts({ desired: 3 }) }, 'data plane 2 of 3 tasks running'],
    ['a data plane deployment is in progress', { dataPlane: dpCounts({ deploymentInProgress: true }) }, 'deployment in progress'],
    ['more data plane tasks run than desired (a scale-in draining)', { dataPlane: dpCounts({ desired: 1 }) }, 'data plane 2 tasks running, 1 desired'],
    ['a data plane is out of sync', { sync: { rows: [dpRow(1), dpRow(2, { configHash: HASH_B })] } }, 'disagree'],
    ['a running task has no row from its address (its events lost)', { dataPlaneTasks: [dpTask(1), dpTask(3)] }, 'without a recent row from their address (task0003'],
    ['the tasks cannot be listed', { dataPlaneTasks: undefined, errors: [{ source: 'ecs' as const, message: 'ThrottlingException' }] }, 'data plane tasks not read'],
    ['the Admin API cannot be read', { sync: undefined, errors: [{ source: 'admin-api' as const, message: 'timeout' }] }, 'admin-api unreadable (timeout)'],
    ['ECS cannot be read', { controlPlane: undefined, dataPlane: undefined, errors: [{ source: 'ecs' as const, message: 'ThrottlingException' }] }, 'ecs unreadable'],
  ])('GIVEN a cooldown that is over WHEN %s THEN the control plane stays', (_, overrides, reason) => {
    const cooling = inCooldown();

    const d = decide(cooling, observed(overrides), cooling.cooldownUntil! + MIN, config);

    expect(d.decision).toBe('stop-deferred');
    expect(d.reason).toContain(reason);
    expect(types(d)).not.toContain('stop-control-plane');
    expect(d.state.phase).toBe('cooldown');
  });

  test('GIVEN a cooldown WHEN the Admin API cannot be read THEN it counts as a failure', () => {
    const d = decide(inCooldown(), observed({ sync: undefined, errors: [{ source: 'admin-api', message: 'timeout' }] }), T0 + MIN, config);

    expect(d.metrics.Failures).toBe(1);
  });
});

describe('bounded wakes', () => {
  const unreadable = { sync: undefined, errors: [{ source: 'admin-api' as const, message: 'connect ECONNREFUSED' }] };

  test('GIVEN a CP whose Admin API has never answered since the wake WHEN the bound passes THEN it is stopped and NeverHealthy says so', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;
    const timedOut = decide(woken, observed(unreadable), T0 + config.syncTimeoutMs, config);

    const before = decide(timedOut.state, observed(unreadable), T0 + config.wakeBoundMs - 1, config);
    const d = decide(before.state, observed(unreadable), T0 + config.wakeBoundMs, config);

    expect(timedOut.decision).toBe('sync-timeout');
    expect(before.decision).toBe('cooldown');
    expect(d.decision).toBe('stop');
    expect(types(d)).toEqual(['stop-control-plane']);
    expect(d.metrics.NeverHealthy).toBe(1);
    expect(d.reason).toContain('has not answered once in 900 s since the wake');
  });

  test('GIVEN a CP that answered once WHEN its Admin API then fails past the bound THEN it is a failed read: the CP stays (fail safe), every deferred stop reports how long it has been due', () => {
    const cooling = inCooldown();
    const late = cooling.cooldownUntil! + config.wakeBoundMs;

    const d = decide(cooling, observed(unreadable), late, config);

    expect(d.decision).toBe('stop-deferred');
    expect(types(d)).not.toContain('stop-control-plane');
    expect(d.metrics.NeverHealthy).toBeUndefined();
    expect(d.metrics.StopDeferredFor).toBe(config.wakeBoundMs);
    expect(d.reason).toContain('past the bound of 900 s');
  });

  test('GIVEN a stop due for a minute WHEN it is deferred THEN StopDeferredFor is that minute', () => {
    const cooling = inCooldown();

    const d = decide(cooling, observed({ dataPlane: dpCounts({ pending: 1 }) }), cooling.cooldownUntil! + MIN, config);

    expect(d.metrics.StopDeferredFor).toBe(MIN);
  });
});

describe('two clean looks before a stop', () => {
  test('GIVEN the cooldown is over WHEN the first clean look comes THEN nothing stops yet: it looks again after the propagation delay', () => {
    const cooling = inCooldown();

    const d = decide(cooling, observed(), cooling.cooldownUntil!, config);

    expect(d.decision).toBe('confirming-stop');
    expect(d.actions).toEqual([{ type: 'observe', afterMs: config.confirmDelayMs, scope: expect.objectContaining({ adminApi: true }) }]);
    expect(d.state).toMatchObject({ phase: 'cooldown', cleanLookAt: cooling.cooldownUntil, cleanLookHash: HASH_A });
  });

  test('GIVEN a first clean look WHEN the second comes sooner than the propagation delay THEN it waits the rest', () => {
    const cooling = inCooldown();
    const first = decide(cooling, observed(), cooling.cooldownUntil!, config);

    const d = decide(first.state, observed(), cooling.cooldownUntil! + 4_000, config);

    expect(d.decision).toBe('confirming-stop');
    expect(d.actions).toEqual([{ type: 'observe', afterMs: config.confirmDelayMs - 4_000, scope: expect.anything() }]);
  });

  test('GIVEN a first clean look WHEN the DPs report another hash at the second (a change made just before the first) THEN it is a config push: no stop, an extension', () => {
    const cooling = inCooldown();
    const first = decide(cooling, observed(), cooling.cooldownUntil!, config);

    const d = decide(first.state, observed({ sync: inSync(2, HASH_B) }), cooling.cooldownUntil! + config.confirmDelayMs, config);

    expect(d.decision).toBe('extend');
    expect(types(d)).not.toContain('stop-control-plane');
    expect(d.state.cleanLookAt).toBeUndefined();
  });

  test('GIVEN a first clean look WHEN the second is not clean THEN the first is forgotten', () => {
    const cooling = inCooldown();
    const first = decide(cooling, observed(), cooling.cooldownUntil!, config);

    const d = decide(first.state, observed({ dataPlane: dpCounts({ pending: 1 }) }), cooling.cooldownUntil! + config.confirmDelayMs, config);
    const again = decide(d.state, observed(), cooling.cooldownUntil! + 2 * config.confirmDelayMs, config);

    expect(d.decision).toBe('stop-deferred');
    expect(again.decision).toBe('confirming-stop');
  });

  test('GIVEN the propagation delay WHEN derived THEN it is Kong\'s push delay, the ping tick after applying, and the apply margin', () => {
    expect(config.confirmDelayMs).toBe(5_000 + 1_000 + 4_000);
  });
});

describe('operator', () => {
  test('GIVEN a cooldown WHEN an operator asks to sleep and the data plane is stable THEN it stops before the cooldown is over', () => {
    const cooling = inCooldown();
    const asked = decide(cooling, { type: 'sleep' }, T0 + 2 * MIN, config);
    expect(asked.decision).toBe('sleep-requested');

    const d = stopLooks(asked.state, T0 + 2 * MIN + 1_000);

    expect(d.decision).toBe('stop');
    expect(d.reason).toContain('operator asked to sleep');
  });

  test('GIVEN an operator\'s sleep request WHEN a data plane is pending THEN it is refused and forgotten', () => {
    const asked = decide(inCooldown(), { type: 'sleep' }, T0 + 2 * MIN, config);

    const d = decide(asked.state, observed({ dataPlane: dpCounts({ pending: 1 }) }), T0 + 2 * MIN + 1_000, config);

    expect(d.decision).toBe('sleep-refused');
    expect(d.state.sleepRequestedAt).toBeUndefined();
    expect(d.state.phase).toBe('cooldown');
  });

  test('GIVEN a waking scaler WHEN an operator asks to sleep THEN it is refused', () => {
    const woken = decide(INITIAL_STATE, dpTaskStarting(), T0, config).state;

    const d = decide(woken, { type: 'sleep' }, T0 + 1_000, config);

    expect(d.decision).toBe('sleep-refused');
    expect(d.state).toBe(woken);
  });

  test('GIVEN an operator\'s sleep request WHEN a data plane task starts before the look THEN the request is dropped', () => {
    const asked = decide(inCooldown(), { type: 'sleep' }, T0 + 2 * MIN, config);
    const started = decide(asked.state, dpTaskStarting('task/9'), T0 + 2 * MIN + 500, config);

    const d = decide(started.state, observed(), T0 + 2 * MIN + 1_000, config);

    expect(d.decision).toBe('cooldown');
  });
});

describe('late events', () => {
  const stoppedAfterCooldown = (): ScalerState => {
    const cooling = inCooldown();
    const stopping = stopLooks(cooling, cooling.cooldownUntil!).state;
    return decide(stopping, { type: 'stop-result', ok: true }, cooling.cooldownUntil!, config).state;
  };
  const late = (task: Partial<DataPlaneTask> | null | undefined, occurredAt: number): ScalerEvent => ({
    type: 'wake',
    cause: 'dp-task-starting',
    detail: 'data plane task task0003 PROVISIONING',
    delivery: { key: 'task:arn:aws:ecs:us-east-1:123456789012:task/kong/task0003', version: 1 },
    occurredAt,
    task: { arn: 'arn:aws:ecs:us-east-1:123456789012:task/kong/task0003', status: 'PROVISIONING', ...(task === undefined ? {} : { current: task === null ? null : dpTask(3, task) }) },
  });

  test('GIVEN the CP stopped WHEN a 10-minute-old start event arrives for a task that ran before the stop THEN the CP stays stopped', () => {
    const stopped = stoppedAfterCooldown();
    const now = stopped.stoppedAt! + 10 * MIN;

    const d = decide(stopped, late({ createdAt: stopped.stoppedAt! - 5 * MIN, startedAt: stopped.stoppedAt! - 4 * MIN }, now - 20 * MIN), now, config);

    expect(d.decision).toBe('late-event');
    expect(d.reason).toContain('runs since before the last stop');
    expect(d.actions).toEqual([]);
    expect(d.state.phase).toBe('idle');
  });

  test('GIVEN the CP stopped WHEN a late start event arrives for a task created since the stop THEN it wakes the CP (the task has no config)', () => {
    const stopped = stoppedAfterCooldown();
    const now = stopped.stoppedAt! + 10 * MIN;

    const d = decide(stopped, late({ createdAt: stopped.stoppedAt! + 2 * MIN, startedAt: stopped.stoppedAt! + 3 * MIN }, now - 8 * MIN), now, config);

    expect(d.decision).toBe('wake');
    expect(types(d)).toContain('start-control-plane');
  });

  test('GIVEN any phase WHEN a late start event arrives for a task that is gone THEN nothing happens', () => {
    const d = decide(inCooldown(), late(null, T0 + 5 * MIN), T0 + 15 * MIN, config);

    expect(d.decision).toBe('late-event');
    expect(d.reason).toContain('the task is gone');
    expect(d.metrics).toEqual({});
  });

  test('GIVEN a cooldown WHEN a late start event arrives for a task still PENDING THEN it extends the cooldown, counted from the event\'s time', () => {
    const cooling = inCooldown();
    const occurredAt = cooling.cooldownUntil! + 2 * MIN;

    const d = decide({ ...cooling }, late({ lastStatus: 'PENDING', startedAt: undefined }, occurredAt), occurredAt + 3 * MIN, config);

    expect(d.decision).toBe('extend');
    expect(d.state.cooldownUntil).toBe(occurredAt + config.extensionMs);
  });

  test('GIVEN a cooldown WHEN a late start event arrives for a task that runs THEN no extension: the sync check covers it', () => {
    const d = decide(inCooldown(), late({}, T0 + 5 * MIN), T0 + 15 * MIN, config);

    expect(d.decision).toBe('late-event');
    expect(d.actions).toEqual([{ type: 'observe', afterMs: 0, scope: expect.anything() }]);
    expect(d.metrics.CooldownExtensions).toBeUndefined();
  });

  test('GIVEN the task\'s state could not be read WHEN a late start event arrives THEN it counts as a start (fail safe)', () => {
    const stopped = stoppedAfterCooldown();
    const now = stopped.stoppedAt! + 10 * MIN;

    const d = decide(stopped, late(undefined, now - 8 * MIN), now, config);

    expect(d.decision).toBe('wake');
  });

  test('GIVEN an idle scaler WHEN a late deployment event arrives THEN it looks at the world now instead of waking', () => {
    const d = decide(INITIAL_STATE, { type: 'wake', cause: 'dp-deployment', detail: 'ecs-svc/9', delivery: { key: 'deployment:ecs-svc/9', version: 0 }, occurredAt: T0 - 10 * MIN }, T0, config);

    expect(d.decision).toBe('late-event');
    expect(d.actions).toEqual([{ type: 'observe', afterMs: 0, scope: expect.objectContaining({ tasks: true }) }]);
  });
});

describe('idle', () => {
  test('GIVEN an idle scaler WHEN the schedule ticks THEN it reads ECS only (the services and the DP tasks)', () => {
    const d = decide(INITIAL_STATE, { type: 'tick' }, T0, config);

    expect(d.actions).toEqual([{ type: 'observe', afterMs: 0, scope: { tasks: true, adminApi: false, database: false } }]);
    expect(d.state).toBe(INITIAL_STATE);
  });

  test('GIVEN an idle scaler WHEN a tick finds a data plane task pending THEN it wakes the control plane (a missed event)', () => {
    const d = decide(INITIAL_STATE, observed({ controlPlane: { desired: 0, running: 0, pending: 0 }, dataPlane: dpCounts({ pending: 1 }), sync: undefined }), T0, config);

    expect(d.decision).toBe('wake');
    expect(d.reason).toContain('dp-needs-cp: 1 data plane tasks pending');
    expect(types(d)).toContain('start-control-plane');
  });

  test('GIVEN an idle scaler WHEN a tick finds the control plane started by someone else THEN it adopts it', () => {
    const d = decide(INITIAL_STATE, observed({ controlPlane: cpCounts(1), sync: undefined }), T0, config);

    expect(d.decision).toBe('wake');
    expect(d.state.wakeReason).toContain('cp-found-running');
    expect(types(d)).toEqual(['observe']);
  });

  test('GIVEN a control plane just stopped WHEN a tick still sees it desired THEN that is our own stop in flight', () => {
    const stopping = stopLooks(inCooldown(), inCooldown().cooldownUntil!).state;
    const stopped = decide(stopping, { type: 'stop-result', ok: true }, inCooldown().cooldownUntil!, config).state;

    const d = decide(stopped, observed({ controlPlane: cpCounts(1), sync: undefined }), stopped.stoppedAt! + 10_000, config);

    expect(d.decision).toBe('idle');
  });

  test('GIVEN the CP stopped WHEN an idle look finds a DP task created since, running and the counts stable (its events lost) THEN it wakes the CP', () => {
    const stopping = stopLooks(inCooldown(), inCooldown().cooldownUntil!).state;
    const stopped = decide(stopping, { type: 'stop-result', ok: true }, inCooldown().cooldownUntil!, config).state;
    const later = stopped.stoppedAt! + 10 * MIN;
    const fresh = dpTask(3, { createdAt: later - 2 * MIN, startedAt: later - MIN });

    const d = decide(stopped, observed({ controlPlane: { desired: 0, running: 0, pending: 0 }, dataPlane: dpCounts({ desired: 3, running: 3 }), dataPlaneTasks: [...dpTasks(2), fresh], sync: undefined }), later, config);

    expect(d.decision).toBe('wake');
    expect(d.reason).toContain('1 data plane tasks started since the control plane stopped (task0003 RUNNING)');
    expect(types(d)).toContain('start-control-plane');
  });

  test('GIVEN the CP stopped WHEN an idle look finds only tasks that were in the stop\'s last look THEN it stays idle', () => {
    const stopping = stopLooks(inCooldown(), inCooldown().cooldownUntil!).state;
    const stopped = decide(stopping, { type: 'stop-result', ok: true }, inCooldown().cooldownUntil!, config).state;

    const d = decide(stopped, observed({ controlPlane: { desired: 0, running: 0, pending: 0 }, sync: undefined }), stopped.stoppedAt! + 10 * MIN, config);

    expect(d.decision).toBe('idle');
  });

  test('GIVEN no stop on record (a new deployment, a lost state) WHEN an idle look finds DP tasks running THEN it wakes the CP: nothing vouches for their config', () => {
    const d = decide(INITIAL_STATE, observed({ controlPlane: { desired: 0, running: 0, pending: 0 }, sync: undefined }), T0, config);

    expect(d.decision).toBe('wake');
    expect(d.reason).toContain('no stop on record to vouch for 2 data plane tasks');
  });

  test('GIVEN an idle scaler WHEN ECS cannot be read THEN it stays idle and counts a failure', () => {
    const d = decide(INITIAL_STATE, observed({ controlPlane: undefined, dataPlane: undefined, dataPlaneTasks: undefined, sync: undefined, errors: [{ source: 'ecs', message: 'boom' }] }), T0, config);

    expect(d.decision).toBe('idle');
    expect(d.metrics.Failures).toBe(1);
  });
});

describe('duplicates', () => {
  test('GIVEN a handled task event WHEN it is delivered again THEN nothing changes', () => {
    const first = decide(INITIAL_STATE, dpTaskStarting('task/1', 2), T0, config);

    const again = decide(first.state, dpTaskStarting('task/1', 2), T0 + 1_000, config);

    expect(again.decision).toBe('duplicate');
    expect(again.state).toBe(first.state);
    expect(again.actions).toEqual([]);
  });

  test('GIVEN a handled task event WHEN an older version of it arrives late THEN it is dropped', () => {
    const first = decide(INITIAL_STATE, dpTaskStarting('task/1', 3), T0, config);

    const late = decide(first.state, dpTaskStarting('task/1', 1), T0 + 1_000, config);

    expect(late.decision).toBe('duplicate');
  });

  test('GIVEN a cooldown WHEN one task\'s PROVISIONING and PENDING events arrive 75 s apart THEN only the first extends it', () => {
    const cooling = inCooldown();
    const first = decide(cooling, dpTaskStarting('task/8', 1), T0 + 10 * MIN, config);

    const second = decide(first.state, dpTaskStarting('task/8', 2), T0 + 10 * MIN + 75_000, config);

    expect(first.decision).toBe('extend');
    expect(second.decision).toBe('duplicate');
    expect(second.state).toBe(first.state);
  });

  test('GIVEN many delivered events WHEN more arrive THEN only the newest are remembered', () => {
    let state: ScalerState = INITIAL_STATE;
    const small = { ...config, maxSeen: 3 };
    for (let i = 0; i < 5; i++) state = decide(state, dpTaskStarting(`task/${i}`), T0 + i, small).state;

    expect(Object.keys(state.seen)).toEqual(['task:task/2', 'task:task/3', 'task:task/4']);
  });
});
