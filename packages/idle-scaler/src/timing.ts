/**
 * The scaler's timing settings, derived from the figures of
 * `src/timing-figures.ts` (every duration of Kong and AWS, once, with its
 * source; the construct library derives its own settings from the same file).
 * `test/timing.test.ts` asserts the derivations; the simulated world of the
 * scenario suite draws its durations from the same figures, so that the
 * scaler is tested against the world those sources describe.
 */
import { CONFIG_PROPAGATION_SECONDS, FIGURES, WAKE_BOUND_SYNC_TIMEOUTS, type TimingFigure } from './timing-figures';

export { CONFIG_PROPAGATION_SECONDS, FIGURES, WAKE_BOUND_SYNC_TIMEOUTS, simulatedRangeMs, type FigureKind, type TimingFigure } from './timing-figures';

/** A figure in milliseconds. */
export const figureMs = (f: TimingFigure): number => f.seconds * 1000;

/**
 * A data plane is seen recently when its row's `last_seen` is at most three
 * ping intervals old (90 s): one ping lost or late does not count it out, and
 * a data plane that is gone stops counting within 90 s.
 */
export const STALE_AFTER_MS = 3 * figureMs(FIGURES.kongPingInterval);

/**
 * The longest a configuration change takes from the control plane's database
 * to the data planes' rows (CONFIG_PROPAGATION_SECONDS). Two looks this far
 * apart that see the same hash did not miss a change made before the first one.
 */
export const CONFIG_PROPAGATION_MS = CONFIG_PROPAGATION_SECONDS * 1000;

/**
 * The shortest Fargate task start: a DP task created less than this before a
 * stop's final look cannot have been running and in sync in it.
 */
export const SHORTEST_TASK_START_MS = (FIGURES.fargateTaskStart.leastSeconds ?? FIGURES.fargateTaskStart.seconds) * 1000;

/** When Lambda retries a failed asynchronous invocation, after the attempt before. */
export const LAMBDA_ASYNC_RETRY_DELAYS_MS = [figureMs(FIGURES.lambdaAsyncFirstRetry), figureMs(FIGURES.lambdaAsyncSecondRetry)] as const;

/**
 * An event older than this when it arrives was delayed (Lambda's retries of
 * an async invocation come one and two minutes later): the scaler decides
 * from the task's current state, not from the event. Our choice, between
 * EventBridge's delivery and Lambda's first retry.
 */
export const LATE_EVENT_MS = 45_000;

/**
 * How often the scaler asks again for an export of a configuration hash it
 * already asked for, while the data planes stay in sync on it: the exporter
 * skips a hash whose export is already stored (one S3 tag read), so asking
 * again costs little, and it covers an export that failed after Lambda's two
 * retries or an invocation that was lost. Our choice.
 */
export const EXPORT_RETRY_MS = 10 * 60_000;

/**
 * ECS task timestamps and the control plane's `last_seen` (whole seconds)
 * come from different clocks: a row matches a task when it was seen no
 * earlier than this before the task started. Our choice.
 */
export const CLOCK_SKEW_MS = 2_000;

/** The scaler's defaults when its environment sets none (the IdleScaler construct always sets them, from the same figures). */
export const SCALER_DEFAULTS_MS = {
  syncTimeoutMs: figureMs(FIGURES.scalerSyncTimeout),
  cooldownMs: figureMs(FIGURES.scalerCooldown),
  wakeBoundMs: WAKE_BOUND_SYNC_TIMEOUTS * figureMs(FIGURES.scalerSyncTimeout),
  extensionMs: figureMs(FIGURES.scalerCooldownExtension),
  pollIntervalMs: figureMs(FIGURES.scalerPollInterval),
} as const;
