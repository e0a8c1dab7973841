import { MIN, SEC, T0, record, runScenario, type ScenarioRun } from './scenario/scenario';

const time = (line: { time: string }) => Date.parse(line.time);
const metric = (run: ScenarioRun, name: string) => run.world.logs.filter((l) => l[name] !== undefined);

/**
 * The scenario suite: the real handler and adapters in a simulated world on a
 * virtual clock (test/scenario/world.ts), with the global invariant checked
 * after every step (test/scenario/invariants.ts). Each scenario's timeline is
 * kept in test-reports/scenarios/.
 */


/** Nothing the invariant forbids happened, and every Admin API exchange kept to our OpenAPI document. */
function expectClean(run: ScenarioRun): void {
  expect(run.violation).toBeUndefined();
  expect(run.world.contractViolations).toEqual([]);
}

describe('scenarios', () => {
  test('GIVEN an idle gateway WHEN the data plane scales out THEN the CP starts, the DPs sync, and the CP stops after the cooldown', async () => {
    const run = await runScenario({
      durationMs: 60 * MIN,
      dataPlaneTasks: 2,
      script: (w, at) => at(2 * MIN + 30 * SEC, 'the data plane scales out to 3 tasks', () => w.scaleDataPlane(3)),
    });
    record('scale-out', run);

    expectClean(run);
    expect(run.world.decisions('wake')).toHaveLength(1);
    expect(run.world.decisions('synced')).toHaveLength(1);
    expect(run.world.cpDesired).toBe(0);
    expect(run.world.dataPlanesOnConfig()).toBe(true);
  });
});

describe('defect 2: Aurora is started by any look while the CP is wanted', () => {
  test('GIVEN the database still stopping at the wake WHEN it reaches stopped after the wait for sync THEN a later look starts it and the DPs get their config', async () => {
    const run = await runScenario({
      durationMs: 45 * MIN,
      script: (w, at) => {
        at(0, 'someone stops the database: stopping for 7 minutes', () => w.stopDatabase(7 * MIN));
        at(30 * SEC, 'the data plane scales out to 3 tasks', () => w.scaleDataPlane(3));
      },
    });
    record('defect-2-database-stopping', run);

    const started = run.world.logs.find((l) => (l.actions as string[] | undefined)?.includes('start-database'));
    expect(started).toBeDefined();
    expect(time(started!)).toBeGreaterThanOrEqual(T0 + 7 * MIN);
    expect(run.world.dbStatus).toBe('available');
    expect(run.world.dataPlanesOnConfig()).toBe(true);
    expectClean(run);
  });
});

describe('defect 3: a stop is recorded only once it happened', () => {
  test('GIVEN ECS throttles the stop\'s UpdateService WHEN the cooldown ends THEN the state is not idle, the stop is retried, and no second wake adopts the CP', async () => {
    const run = await runScenario({
      durationMs: 50 * MIN,
      script: (w, at) => {
        at(2 * MIN + 30 * SEC, 'the data plane scales out to 3 tasks', () => w.scaleDataPlane(3));
        at(33 * MIN, 'ECS will throttle the next UpdateService', () => { w.faults.throttle.UpdateService = 1; });
      },
    });
    record('defect-3-stop-throttled', run);

    expectClean(run);
    expect(metric(run, 'Wakes')).toHaveLength(1);
    const stops = metric(run, 'Stops');
    expect(stops).toHaveLength(1);
    // Recorded after ECS applied it, not before.
    expect(time(stops[0])).toBeGreaterThanOrEqual(run.world.stops[0].at);
    expect(run.world.stops).toHaveLength(1);
    expect(run.world.cpDesired).toBe(0);
  });
});

describe('defect 8: write conflicts back off with jitter', () => {
  test('GIVEN an idle gateway WHEN 25 DP tasks start in lockstep THEN every invocation succeeds, one wake, every task remembered', async () => {
    const run = await runScenario({
      durationMs: 6 * MIN,
      lockstep: true,
      script: (w, at) => at(2 * MIN + 30 * SEC, 'the data plane scales out from 2 to 27 tasks at once', () => w.scaleDataPlane(27)),
    });
    record('defect-8-25-in-lockstep', run);

    expectClean(run);
    expect(run.world.lambdaFailures).toEqual([]);
    expect(run.world.decisions('wake')).toHaveLength(1);
    expect(run.world.logs.some((l) => typeof l.conflicts === 'number' && l.conflicts > 0)).toBe(true);
  });
});
