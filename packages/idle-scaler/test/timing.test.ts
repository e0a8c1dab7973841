import { readSettings } from '../src/config';
import { DEFAULT_CONFIG } from '../src/core';
import { CONFLICT_BACKOFF } from '../src/scaler';
import { AWS, CLOCK_SKEW_MS, CONFIG_PROPAGATION_MS, KONG, LATE_EVENT_MS, STALE_AFTER_MS } from '../src/timing';

/**
 * The scaler's settings are derived from the timing facts of src/timing.ts
 * (each with its source there); these tests hold the derivations.
 */
describe('timing facts and the settings derived from them', () => {
  test('GIVEN Kong pings every 30 s WHEN a DP counts as seen recently THEN it is within three pings, 90 s', () => {
    expect(KONG.pingIntervalMs).toBe(30_000);
    expect(STALE_AFTER_MS).toBe(3 * KONG.pingIntervalMs);
    // More than the CP's own ping wait (45 s), after which it drops the connection.
    expect(STALE_AFTER_MS).toBeGreaterThan(KONG.pingWaitMs);
    expect(readSettings({ CLUSTER_ARN: 'c', CONTROL_PLANE_SERVICE: 'cp', DATA_PLANE_SERVICE: 'dp', STATE_TABLE: 't', ADMIN_API_URL: 'http://kong-cp:8001' }).staleAfterSeconds).toBe(90);
  });

  test('GIVEN Kong\'s push delay, the DP\'s ping tick after applying and an apply margin WHEN two clean looks are spaced THEN they are their sum apart', () => {
    expect(CONFIG_PROPAGATION_MS).toBe(KONG.pushDelayMs + KONG.pingAfterApplyMs + KONG.applyMarginMs);
    expect(DEFAULT_CONFIG.confirmDelayMs).toBe(CONFIG_PROPAGATION_MS);
    // Shorter than a poll of the wait for sync would be pointless; longer than a tick would delay every stop by a tick.
    expect(DEFAULT_CONFIG.confirmDelayMs).toBeLessThan(60_000);
  });

  test('GIVEN Lambda retries an async event 1 and 2 minutes later and keeps it 6 hours WHEN events are late or duplicates THEN a retried event counts as late and a duplicate is remembered as long as Lambda keeps it', () => {
    expect(LATE_EVENT_MS).toBeLessThan(AWS.lambdaAsyncRetryDelaysMs[0]);
    expect(DEFAULT_CONFIG.lateEventMs).toBe(LATE_EVENT_MS);
    expect(DEFAULT_CONFIG.seenRetentionMs).toBe(AWS.lambdaMaxEventAgeMs);
  });

  test('GIVEN the sync timeout WHEN the wake bound is not set THEN it is three sync timeouts, longer than the wait for sync', () => {
    expect(DEFAULT_CONFIG.wakeBoundMs).toBe(3 * DEFAULT_CONFIG.syncTimeoutMs);
    expect(DEFAULT_CONFIG.wakeBoundMs).toBeGreaterThan(DEFAULT_CONFIG.syncTimeoutMs);
  });

  test('GIVEN ECS and Kong stamp times on different clocks WHEN a row is matched to a task THEN the skew allowed is under a ping interval', () => {
    expect(CLOCK_SKEW_MS).toBeLessThan(KONG.pingIntervalMs);
    // Under the shortest Fargate start: an address that came back cannot be taken for its new task.
    expect(CLOCK_SKEW_MS).toBeLessThan(AWS.fargateStartMs[0]);
  });

  test('GIVEN conflicting state writes WHEN the backoff grows THEN its cap stays under a poll interval', () => {
    expect(CONFLICT_BACKOFF.capMs).toBeLessThan(DEFAULT_CONFIG.pollIntervalMs);
  });
});
