import { DEFAULT_CONFIG, INITIAL_STATE, decide, type Decision, type ScalerConfig, type ScalerEvent, type ScalerState } from '../src/core';
import { dataPlaneGaps, inferControlPlaneConfigHash, judgeSync } from '../src/sync';
import { EXPORT_RETRY_MS } from '../src/timing';
import { HASH_A, HASH_B, dpRow, dpTasks, observation } from './support/world';

/**
 * Data planes that start from the fallback configuration (an export of the
 * control plane's configuration, issue 12): their row's hash is the export
 * file's MD5, named by their `fallback-config` label, until the CP's first
 * push replaces it. They serve, but not the CP's configuration: never in sync.
 * And the scaler asks for an export whenever the DPs are in sync on a new hash.
 */

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;
/** The MD5 of an export file: what a DP started from it reports. */
const FALLBACK = 'f'.repeat(32);
const config: ScalerConfig = { ...DEFAULT_CONFIG, exportFallback: true };

const wakeEvent: ScalerEvent = { type: 'wake', cause: 'dp-task-starting', detail: 'data plane task task/1 PROVISIONING', delivery: { key: 'task:task/1', version: 1 } };
const observed = (overrides: Parameters<typeof observation>[0] = {}): ScalerEvent => ({ type: 'observed', observation: observation(overrides) });
/** Both DPs on `hash`; those listed in `onFallback` started from the fallback and still serve it. */
const rows = (hash: string, onFallback: number[] = []) => ({
  rows: [1, 2].map((i) => (onFallback.includes(i) ? dpRow(i, { configHash: FALLBACK, fallbackHash: FALLBACK }) : dpRow(i, { configHash: hash }))),
});
const exportActions = (d: Decision) => d.actions.filter((a) => a.type === 'export-config');

function synced(at = T0, cfg = config): Decision {
  const woken = decide(INITIAL_STATE, wakeEvent, at, cfg).state;
  const d = decide(woken, observed(), at + 30_000, cfg);
  expect(d.decision).toBe('synced');
  return d;
}

describe('data planes serving their fallback configuration', () => {
  test('GIVEN a DP whose row reports its own fallback label\'s hash WHEN judged THEN it is on-fallback, and the CP\'s hash comes from the others', () => {
    const j = judgeSync(dpTasks(2), rows(HASH_A, [2]));
    expect(j.dataPlanes.map((d) => d.state)).toEqual(['on-cp-config', 'on-fallback']);
    expect(j.controlPlaneConfigHash).toBe(HASH_A);
    expect(dataPlaneGaps(j)).toEqual([expect.stringContaining('1 data planes serving their fallback configuration')]);
  });

  test('GIVEN every DP on its fallback (all replaced while the CP slept) WHEN judged THEN no hash is the CP\'s: they are not in sync', () => {
    const j = judgeSync(dpTasks(2), rows(HASH_A, [1, 2]));
    expect(j.dataPlanes.map((d) => d.state)).toEqual(['on-fallback', 'on-fallback']);
    expect(j.controlPlaneConfigHash).toBeUndefined();
    expect(inferControlPlaneConfigHash([{ configHash: FALLBACK, fallbackHash: FALLBACK }])).toBeUndefined();
  });

  test('GIVEN a DP started from the fallback WHEN the CP\'s push replaced it THEN its label stays, its hash differs: it runs the CP\'s config', () => {
    const j = judgeSync(dpTasks(2), { rows: [dpRow(1), dpRow(2, { fallbackHash: FALLBACK })] });
    expect(j.dataPlanes.map((d) => d.state)).toEqual(['on-cp-config', 'on-cp-config']);
  });

  test('GIVEN a waking scaler WHEN every DP serves its fallback THEN it keeps waiting: a fallback is no sync', () => {
    const woken = decide(INITIAL_STATE, wakeEvent, T0, config).state;
    const d = decide(woken, observed({ sync: rows(HASH_A, [1, 2]) }), T0 + 30_000, config);
    expect(d.decision).toBe('waiting');
    expect(d.reason).toContain('serving their fallback configuration');
    expect(exportActions(d)).toEqual([]);
  });

  test('GIVEN a cooldown that is over WHEN a DP still serves a (stale) fallback THEN nothing stops: the stop is deferred', () => {
    const cooling = synced().state;
    const d = decide(cooling, observed({ sync: rows(HASH_A, [2]) }), cooling.cooldownUntil! + MIN, config);
    expect(d.decision).toBe('stop-deferred');
    expect(d.reason).toContain('serving their fallback configuration');
    expect(d.actions.map((a) => a.type)).not.toContain('stop-control-plane');
  });
});

describe('exports of the fallback configuration', () => {
  test('GIVEN the DPs in sync on a hash WHEN the wake ends THEN the scaler asks for its export, once', () => {
    const d = synced();
    expect(exportActions(d)).toEqual([{ type: 'export-config', configHash: HASH_A }]);
    expect(d.state).toMatchObject({ exportedHash: HASH_A, exportRequestedAt: T0 + 30_000 });
    expect(d.metrics.ExportRequests).toBe(1);
    const again = decide(d.state, observed(), T0 + 2 * MIN, config);
    expect(again.decision).toBe('cooldown');
    expect(exportActions(again)).toEqual([]);
  });

  test('GIVEN an export asked for WHEN the DPs stay on that hash for the retry interval THEN it is asked for again (the exporter skips a hash already stored)', () => {
    const d = synced();
    const later = decide(d.state, observed(), d.state.exportRequestedAt! + EXPORT_RETRY_MS, config);
    expect(exportActions(later)).toEqual([{ type: 'export-config', configHash: HASH_A }]);
  });

  test('GIVEN a cooldown WHEN a config push reaches every DP THEN the new hash is exported', () => {
    const d = synced();
    const pushed = decide(d.state, observed({ sync: rows(HASH_B) }), T0 + 5 * MIN, config);
    expect(pushed.decision).toBe('extend');
    expect(exportActions(pushed)).toEqual([{ type: 'export-config', configHash: HASH_B }]);
  });

  test.each([
    ['a DP on its fallback', { sync: rows(HASH_A, [2]) }],
    ['a DP on another config', { sync: { rows: [dpRow(1), dpRow(2, { configHash: HASH_B })] } }],
    ['a DP without a row', { sync: { rows: [dpRow(1)] } }],
    ['the Admin API unread', { sync: undefined, errors: [{ source: 'admin-api' as const, message: 'ECONNREFUSED' }] }],
  ])('GIVEN a cooldown WHEN %s THEN nothing is exported: only a configuration every DP runs is', (_, overrides) => {
    const cooling = { ...synced().state, exportedHash: undefined, exportRequestedAt: undefined };
    const d = decide(cooling, observed(overrides), T0 + 5 * MIN, config);
    expect(exportActions(d)).toEqual([]);
  });

  test('GIVEN the cooldown over WHEN the clean looks lead to the stop THEN no export rides with the stop (the exporter reads the CP\'s Admin API)', () => {
    let state: ScalerState = { ...synced().state, exportedHash: undefined, exportRequestedAt: undefined };
    const due = state.cooldownUntil! + 1_000;
    const first = decide(state, observed(), due, config);
    expect(first.decision).toBe('confirming-stop');
    state = first.state;
    const stop = decide(state, observed(), due + config.confirmDelayMs, config);
    expect(stop.decision).toBe('stop');
    expect(exportActions(stop)).toEqual([]);
  });

  test('GIVEN an export asked for WHEN the CP stops and wakes again on the same hash THEN it is not asked for again before the retry interval', () => {
    const d = synced();
    const woken = decide({ phase: 'idle', stoppedAt: T0 + MIN, exportedHash: d.state.exportedHash, exportRequestedAt: d.state.exportRequestedAt, seen: {} }, wakeEvent, T0 + 2 * MIN, config);
    expect(woken.state.exportedHash).toBe(HASH_A);
    const again = decide(woken.state, observed(), T0 + 3 * MIN, config);
    expect(again.decision).toBe('synced');
    expect(exportActions(again)).toEqual([]);
  });

  test('GIVEN no exporter deployed (exportFallback off) WHEN the DPs sync THEN nothing is exported', () => {
    const d = synced(T0, DEFAULT_CONFIG);
    expect(exportActions(d)).toEqual([]);
    expect(d.state.exportedHash).toBeUndefined();
  });
});
