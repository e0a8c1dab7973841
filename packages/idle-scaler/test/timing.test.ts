import { readSettings } from '../src/config';
import { DEFAULT_CONFIG } from '../src/core';
import { CONFLICT_BACKOFF } from '../src/scaler';
import {
  CLOCK_SKEW_MS, CONFIG_PROPAGATION_MS, FIGURES, figureMs, LAMBDA_ASYNC_RETRY_DELAYS_MS, LATE_EVENT_MS, SCALER_DEFAULTS_MS, SHORTEST_TASK_START_MS, simulatedRangeMs,
  STALE_AFTER_MS, WAKE_BOUND_SYNC_TIMEOUTS,
} from '../src/timing';

/**
 * The scaler's settings are derived from the timing figures of
 * src/timing-figures.ts (each with its source there); these tests hold the
 * derivations.
 */
describe('timing figures and the settings derived from them', () => {
  test('GIVEN the figures WHEN listed THEN each names where it comes from: Kong file:line at 3.9.3, an AWS page, our setting, or says it is an estimate', () => {
    for (const [name, f] of Object.entries(FIGURES)) {
      expect([name, f.seconds > 0]).toEqual([name, true]);
      if (f.kind === 'kong') expect([name, f.source]).toEqual([name, expect.stringMatching(/^kong\/[\w/.]+\.lua:\d+(-\d+)? at 3\.9\.3/)]);
      if (f.kind === 'aws') expect([name, f.source]).toEqual([name, expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//)]);
      if (f.kind === 'setting') expect([name, f.source]).toEqual([name, expect.stringMatching(/^setting: /)]);
      if (f.kind === 'estimate') expect([name, f.source]).toEqual([name, expect.stringMatching(/^estimate(, not measured)?: /)]);
      // A range runs from its low end up to the figure.
      if (f.leastSeconds !== undefined) expect([name, f.leastSeconds > 0 && f.leastSeconds < f.seconds]).toEqual([name, true]);
      expect(simulatedRangeMs(f)).toEqual([(f.leastSeconds ?? f.seconds) * 1000, f.seconds * 1000]);
    }
  });

  test('GIVEN a Fargate task start of 20 s at the least WHEN the scaler asks which tasks started since a stop THEN it counts back the shortest start', () => {
    expect(SHORTEST_TASK_START_MS).toBe(simulatedRangeMs(FIGURES.fargateTaskStart)[0]);
    expect(SHORTEST_TASK_START_MS).toBe(20_000);
  });

  test('GIVEN Kong pings every 30 s WHEN a DP counts as seen recently THEN it is within three pings, 90 s', () => {
    expect(figureMs(FIGURES.kongPingInterval)).toBe(30_000);
    expect(STALE_AFTER_MS).toBe(3 * figureMs(FIGURES.kongPingInterval));
    // More than the CP's own ping wait (45 s), after which it drops the connection.
    expect(STALE_AFTER_MS).toBeGreaterThan(figureMs(FIGURES.kongPingWait));
    expect(readSettings({ CLUSTER_ARN: 'c', CONTROL_PLANE_SERVICE: 'cp', DATA_PLANE_SERVICE: 'dp', STATE_TABLE: 't', ADMIN_API_URL: 'http://kong-cp:8001' }).staleAfterSeconds).toBe(90);
  });

  test('GIVEN Kong\'s push delay, the DP\'s ping tick after applying and an apply margin WHEN two clean looks are spaced THEN they are their sum apart', () => {
    expect(CONFIG_PROPAGATION_MS).toBe(figureMs(FIGURES.kongPushDelay) + figureMs(FIGURES.kongPingAfterApply) + figureMs(FIGURES.configApply));
    expect(DEFAULT_CONFIG.confirmDelayMs).toBe(CONFIG_PROPAGATION_MS);
    // Shorter than a poll of the wait for sync would be pointless; longer than a tick would delay every stop by a tick.
    expect(DEFAULT_CONFIG.confirmDelayMs).toBeLessThan(60_000);
  });

  test('GIVEN Lambda retries an async event 1 and 2 minutes later and keeps it 6 hours WHEN events are late or duplicates THEN a retried event counts as late and a duplicate is remembered as long as Lambda keeps it', () => {
    expect(LAMBDA_ASYNC_RETRY_DELAYS_MS).toEqual([60_000, 120_000]);
    expect(LATE_EVENT_MS).toBeLessThan(LAMBDA_ASYNC_RETRY_DELAYS_MS[0]);
    // Later than EventBridge's delivery at its longest: an event on time is not taken for a late one.
    expect(LATE_EVENT_MS).toBeGreaterThan(figureMs(FIGURES.eventDelivery));
    expect(DEFAULT_CONFIG.lateEventMs).toBe(LATE_EVENT_MS);
    expect(DEFAULT_CONFIG.seenRetentionMs).toBe(figureMs(FIGURES.lambdaMaxEventAge));
  });

  test('GIVEN the sync timeout WHEN the wake bound is not set THEN it is three sync timeouts, longer than the wait for sync', () => {
    expect(DEFAULT_CONFIG.wakeBoundMs).toBe(WAKE_BOUND_SYNC_TIMEOUTS * DEFAULT_CONFIG.syncTimeoutMs);
    expect(DEFAULT_CONFIG).toEqual(expect.objectContaining(SCALER_DEFAULTS_MS));
    expect(SCALER_DEFAULTS_MS.syncTimeoutMs).toBe(figureMs(FIGURES.scalerSyncTimeout));
    expect(DEFAULT_CONFIG.wakeBoundMs).toBeGreaterThan(DEFAULT_CONFIG.syncTimeoutMs);
  });

  test('GIVEN ECS and Kong stamp times on different clocks WHEN a row is matched to a task THEN the skew allowed is under a ping interval', () => {
    expect(CLOCK_SKEW_MS).toBeLessThan(figureMs(FIGURES.kongPingInterval));
    // Under the shortest Fargate start: an address that came back cannot be taken for its new task.
    expect(CLOCK_SKEW_MS).toBeLessThan(SHORTEST_TASK_START_MS);
  });

  test('GIVEN conflicting state writes WHEN the backoff grows THEN its cap stays under a poll interval', () => {
    expect(CONFLICT_BACKOFF.capMs).toBeLessThan(DEFAULT_CONFIG.pollIntervalMs);
  });
});
