/**
 * Deploy-time and cold-wake timing: the constructs' waits, retries and health
 * checks, derived from the figures of `./timing-figures` (every duration of
 * Kong and AWS, once, each with where it comes from; never typed in twice).
 * That file is the idle scaler's `src/timing-figures.ts`, copied here by the
 * compile task (a jsii library may not import a non-jsii package at run time):
 * edit it there. `test/timing.test.ts` asserts the derivations, and the
 * README's cold-start timeline is printed from {@link coldStartTimeline}.
 *
 * The figures' estimates are not measured here (no AWS account on the build
 * machines): the {@link MARGIN} covers them.
 */
import { FIGURES, type TimingFigure } from './timing-figures';

export { CONFIG_PROPAGATION_SECONDS, FIGURES, WAKE_BOUND_SYNC_TIMEOUTS, type FigureKind, type TimingFigure } from './timing-figures';

/** Load balancer health check on the data plane's /status/ready (settings, DataPlane). */
export const ALB_HEALTH_CHECK = {
  intervalSeconds: FIGURES.albHealthCheckInterval.seconds,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/**
 * What the estimates could be off by: every budget below is the sum of its
 * path times this, rounded up to a whole minute. Our choice.
 */
export const MARGIN = 1.5;

/**
 * ECS's limits on a container health check
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html):
 * interval 5-300 s, timeout 2-120 s, retries 1-10, start period 0-300 s.
 */
export const ECS_HEALTH_CHECK_LIMITS = { intervalSeconds: [5, 300], timeoutSeconds: [2, 120], retries: [1, 10], startPeriodSeconds: [0, 300] } as const;

const sum = (figures: readonly TimingFigure[]) => figures.reduce((total, f) => total + f.seconds, 0);
const withMargin = (seconds: number) => Math.ceil((seconds * MARGIN) / 60) * 60;

/** The control plane woken from sleep, until its Admin API and cluster listener answer. */
export const CONTROL_PLANE_WAKE_PATH: readonly TimingFigure[] = [
  FIGURES.wakeSignal, FIGURES.fargateTaskStart, FIGURES.auroraResumeAfterLongPause, FIGURES.kongMigrations, FIGURES.kongStart,
];

/** From the control plane answering until a data plane that started meanwhile holds its configuration. */
export const DATA_PLANE_SYNC_PATH: readonly TimingFigure[] = [
  FIGURES.kongDnsNotFoundTtl, FIGURES.namespaceNegativeTtl, FIGURES.dpReconnectDelay, FIGURES.configApply,
];

/** The load balancer seeing a data plane with configuration as healthy. */
export const ALB_HEALTHY_SECONDS = ALB_HEALTH_CHECK.intervalSeconds * ALB_HEALTH_CHECK.healthyThreshold;

/**
 * A data plane task started while the control plane sleeps, with a fallback
 * configuration to start from: it needs nothing of the control
 * plane. The scaler still wakes the control plane; its push replaces the
 * fallback later.
 */
export const FALLBACK_START_PATH: readonly TimingFigure[] = [
  FIGURES.fargateTaskStart, FIGURES.fallbackFetchImagePull, FIGURES.fallbackFetch, FIGURES.fallbackParse, FIGURES.dataPlaneKongStart,
];

/** From a data plane task's start to the load balancer seeing it healthy, with a fallback configuration. */
export const FALLBACK_START_SECONDS = sum(FALLBACK_START_PATH) + ALB_HEALTHY_SECONDS;

/**
 * How long the fetch container may take before the data plane's start
 * script gives up waiting for it (the AWS CLI's own timeouts bound each
 * attempt): the fetch with the margin, rounded up to a minute. A fetch that
 * fails or times out leaves no export, and Kong starts as it does without a fallback.
 */
export const FALLBACK_FETCH_TIMEOUT_SECONDS = withMargin(FIGURES.fallbackFetch.seconds);

/** The whole cold start: a data plane task starts while the control plane and the database sleep. */
export const COLD_START_SECONDS = sum(CONTROL_PLANE_WAKE_PATH) + sum(DATA_PLANE_SYNC_PATH) + ALB_HEALTHY_SECONDS;

/**
 * The data plane service's health check grace period: ECS ignores the load
 * balancer's verdict on a new task for this long, so a task started while the
 * control plane sleeps is not replaced (and counted by the circuit breaker)
 * before it could possibly have its configuration.
 */
export const DATA_PLANE_GRACE_SECONDS = withMargin(COLD_START_SECONDS);

/**
 * How long the control plane's start script keeps retrying a database that
 * does not answer before the task gives up (and ECS starts another): a
 * stopped cluster being started, then resuming.
 */
export const START_SCRIPT_BUDGET_SECONDS = withMargin(FIGURES.auroraStoppedClusterStart.seconds + FIGURES.auroraResumeAfterLongPause.seconds);

/** Pause between two attempts of the start script. */
export const START_SCRIPT_RETRY_DELAY_SECONDS = 5;

/**
 * The control plane container's health check (`kong health`): it must not
 * declare the task unhealthy while the start script is still within its
 * budget and Kong then starts, so start period + interval x retries covers
 * the budget plus the migrations and the start. ECS caps start period and
 * retries, so the interval takes the rest.
 */
export const CONTROL_PLANE_HEALTH_CHECK = (() => {
  const mustTolerate = START_SCRIPT_BUDGET_SECONDS + FIGURES.kongMigrations.seconds + FIGURES.kongStart.seconds;
  const startPeriodSeconds = ECS_HEALTH_CHECK_LIMITS.startPeriodSeconds[1];
  const retries = ECS_HEALTH_CHECK_LIMITS.retries[1];
  const intervalSeconds = Math.ceil((mustTolerate - startPeriodSeconds) / retries / 5) * 5;
  return { startPeriodSeconds, retries, intervalSeconds, timeoutSeconds: 10, mustTolerateSeconds: mustTolerate };
})();

/** The least the admin bootstrap should wait for the Admin API after waking the control plane. */
export const ADMIN_API_MIN_WAIT_SECONDS = withMargin(sum(CONTROL_PLANE_WAKE_PATH));

/**
 * Both paths from a data plane task's start to `/status/ready` 200 while the
 * control plane sleeps, as Markdown tables (README, bench): without the fallback,
 * the control plane's wake (the cold start), with it the fallback.
 */
export function dataPlaneReadyTimelines(): { before: string; after: string } {
  const table = (figures: readonly TimingFigure[], total: string) => {
    const rows: string[] = ['| Step | Seconds | At | Source |', '|---|---:|---:|---|'];
    let at = 0;
    for (const f of figures) {
      at += f.seconds;
      rows.push(`| ${f.what} | ${f.seconds} | ${at} | ${f.source} |`);
    }
    at += ALB_HEALTHY_SECONDS;
    rows.push(`| the load balancer sees the data plane healthy (${ALB_HEALTH_CHECK.healthyThreshold} checks, ${ALB_HEALTH_CHECK.intervalSeconds} s apart) | ${ALB_HEALTHY_SECONDS} | ${at} | setting: DataPlane target group |`);
    rows.push(`| **${total}** | **${at}** | | sum of the above |`);
    return rows.join('\n');
  };
  return {
    before: table([...CONTROL_PLANE_WAKE_PATH, ...DATA_PLANE_SYNC_PATH], 'ready, through the control plane'),
    after: table(FALLBACK_START_PATH, 'ready, from the fallback'),
  };
}

/** The cold-start timeline as a Markdown table (README). */
export function coldStartTimeline(): string {
  const rows: string[] = ['| Step | Seconds | At | Source |', '|---|---:|---:|---|'];
  let at = 0;
  const row = (what: string, seconds: number, source: string) => {
    at += seconds;
    rows.push(`| ${what} | ${seconds} | ${at} | ${source} |`);
  };
  for (const f of [...CONTROL_PLANE_WAKE_PATH, ...DATA_PLANE_SYNC_PATH]) row(f.what, f.seconds, f.source);
  row(`the load balancer sees the data plane healthy (${ALB_HEALTH_CHECK.healthyThreshold} checks, ${ALB_HEALTH_CHECK.intervalSeconds} s apart)`, ALB_HEALTHY_SECONDS, 'setting: DataPlane target group');
  rows.push(`| **cold start** | **${COLD_START_SECONDS}** | | sum of the above |`);
  rows.push(`| **data plane health check grace** | **${DATA_PLANE_GRACE_SECONDS}** | | cold start x ${MARGIN}, rounded up to a minute |`);
  return rows.join('\n');
}
