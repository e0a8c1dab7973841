import { MIN, SEC, record, runScenario, type ScenarioRun } from './scenario/scenario';

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
