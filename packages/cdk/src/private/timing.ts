/**
 * Deploy-time and cold-wake timing: every figure the constructs' waits,
 * retries and health checks are derived from, in one place, each with where
 * it comes from. Settings are computed from the figures below (never typed in
 * twice); `test/timing.test.ts` asserts the derivations, and the README's
 * cold-start timeline is printed from {@link coldStartTimeline}.
 *
 * Four kinds of figure:
 * - `kong`: Kong's own source at tag 3.9.3 (file:line);
 * - `aws`: an AWS documentation page;
 * - `setting`: a value we choose, in the construct named;
 * - `estimate`: no published figure exists; our estimate, not measured here
 *   (no AWS account on the build machines). The {@link MARGIN} covers them.
 */

/** Where a figure comes from. */
export type FigureKind = 'kong' | 'aws' | 'setting' | 'estimate';

/** One duration and its source. */
export interface TimingFigure {
  readonly seconds: number;
  readonly what: string;
  readonly kind: FigureKind;
  readonly source: string;
}

const figure = (seconds: number, kind: FigureKind, what: string, source: string): TimingFigure => ({ seconds, kind, what, source });

export const FIGURES = {
  /** EventBridge → idle scaler → UpdateService → ECS schedules the control plane task. */
  wakeSignal: figure(10, 'estimate', 'a data plane task starts; the idle scaler sets the control plane to 1 task',
    'estimate: EventBridge delivery plus one Lambda invocation and UpdateService (packages/idle-scaler)'),
  /** A Fargate task from PROVISIONING to RUNNING, with the image pull (Fargate caches no image). */
  fargateTaskStart: figure(90, 'estimate', 'Fargate provisions the task and pulls the Kong image (no image cache on Fargate)',
    'estimate: AWS publishes no launch time (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-recommendations.html lists what adds to it)'),
  /** Aurora Serverless v2 resuming from 0 ACU on the first connection. */
  auroraResume: figure(15, 'aws', 'Aurora resumes from 0 ACU on the first connection',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html (about 15 s)'),
  /** The same after a pause of more than a day. */
  auroraResumeAfterLongPause: figure(30, 'aws', 'Aurora resumes after more than 24 h paused',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html (30 s or more after 24 h)'),
  /** A stopped (not paused) cluster that StartDBCluster starts. */
  auroraStoppedClusterStart: figure(600, 'estimate', 'a stopped Aurora cluster starts (StartDBCluster, by the idle scaler or the admin bootstrap)',
    'estimate: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-cluster-stop-start.html gives no duration'),
  /** `kong migrations list` and the migration it calls for (bootstrap on a new database, up on a new version). */
  kongMigrations: figure(60, 'estimate', 'kong migrations list, then bootstrap (new database) or up (new Kong version)',
    'estimate: the start script (src/private/kong-start-script.ts); Kong publishes no duration'),
  /** `kong start` to an answering Admin API and cluster listener. */
  kongStart: figure(15, 'estimate', 'Kong starts: Admin API and cluster listener answer',
    'estimate: kong/cmd/start.lua at 3.9.3 (prepare prefix, start nginx)'),
  /** The negative-caching TTL of the namespace's SOA: how long the VPC resolver remembers "no such name". */
  namespaceNegativeTtl: figure(10, 'setting', 'the VPC resolver caches "no such name" for kong-cp (SOA TTL of the namespace)',
    'setting: KongHybridGateway sets the new namespace\'s SOA TTL (https://docs.aws.amazon.com/cloud-map/latest/api/API_SOA.html: "TTL for purposes of negative caching")'),
  /** The TTL of the control plane's A record in Cloud Map. */
  cloudMapRecordTtl: figure(10, 'setting', 'resolvers cache the control plane\'s address (Cloud Map A record TTL)',
    'setting: ControlPlane cloudMapOptions.dnsTtl'),
  /** Kong caches a name error for dns_not_found_ttl. */
  kongDnsNotFoundTtl: figure(30, 'kong', 'a data plane caches "no such name" from before the control plane registered',
    'kong/templates/kong_defaults.lua:170 at 3.9.3 (dns_not_found_ttl = 30), used as emptyTtl by kong/tools/dns.lua:33 for name errors (kong/resty/dns/client.lua:224-226)'),
  /** The data plane's reconnect delay: random 5-10 s after a failed connection. */
  dpReconnectDelayMax: figure(10, 'kong', 'the data plane retries the control plane (random 5-10 s)',
    'kong/clustering/data_plane.lua:152 at 3.9.3 (math.random(5, 10)), retried at :159'),
  /** The control plane pushes its configuration to a data plane that connects. */
  configPush: figure(5, 'estimate', 'the control plane sends its configuration; the data plane loads it',
    'estimate: kong/clustering/data_plane.lua at 3.9.3 applies the first reconfigure frame it receives (:247)'),
  /** The load balancer's health check interval on /status/ready. */
  albHealthCheckInterval: figure(10, 'setting', 'load balancer health check interval (/status/ready)', 'setting: DataPlane target group'),
  /** A data plane task from PROVISIONING to RUNNING (the same Fargate start as the control plane's). */
  dataPlaneTaskStart: figure(90, 'estimate', 'Fargate provisions the data plane task and pulls its images (no image cache on Fargate)',
    'estimate: AWS publishes no launch time (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-recommendations.html lists what adds to it)'),
  /** The fetch container's AWS CLI image: pulled with the task's; whether in parallel with Kong's is not documented, so counted in full. */
  fallbackFetchImagePull: figure(20, 'estimate', 'the fetch container\'s image (AWS CLI) is pulled; counted after Kong\'s, in case Fargate does not pull them in parallel',
    'estimate: no published pull time; ECS documents no order for a task\'s image pulls (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-recommendations.html)'),
  /** The fetch container: the AWS CLI starts and GETs the newest export from S3 (SSE-KMS), then exits. */
  fallbackFetch: figure(5, 'estimate', 'the fetch container gets the newest export from S3 and exits; Kong\'s container starts after it (dependsOn COMPLETE)',
    'estimate: AWS CLI start and one S3 GetObject; COMPLETE waits for it to exit (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html)'),
  /** `kong config parse` of the export, in the Kong container, before Kong starts. */
  fallbackParse: figure(10, 'estimate', 'kong config parse validates the export (the start script)',
    'estimate: kong/cmd/config.lua at 3.9.3 loads the configuration and parses the file (dc:parse_file, :106); Kong publishes no duration'),
  /** Kong starts on a data plane and loads the export into LMDB before /status/ready answers 200. */
  dataPlaneKongStart: figure(20, 'estimate', 'Kong starts, loads the export (declarative_config) and answers /status/ready 200',
    'estimate: kong/init.lua at 3.9.3 parses declarative_config in init() (:713-735) and loads it in init_worker() (:918-943); ready once a non-empty hash is loaded (kong/status/ready.lua:40-50)'),
} as const satisfies Record<string, TimingFigure>;

/**
 * How long a configuration change takes from the control plane's database to
 * the data planes' rows: Kong's push loop sleeps `db_update_frequency` = 5 s
 * after a push (kong/templates/kong_defaults.lua:157, kong/clustering/control_plane.lua:562-578
 * at 3.9.3), a data plane pings within a second of applying it
 * (kong/clustering/data_plane.lua:255, :289), and applying takes a few
 * seconds (estimate: 4 s). The idle scaler's CONFIG_PROPAGATION_MS, in
 * seconds (test/timing.test.ts holds them equal): the exporter's two looks
 * at the data planes are this far apart.
 */
export const CONFIG_PROPAGATION_SECONDS = 5 + 1 + 4;

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
  FIGURES.kongDnsNotFoundTtl, FIGURES.namespaceNegativeTtl, FIGURES.dpReconnectDelayMax, FIGURES.configPush,
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
  FIGURES.dataPlaneTaskStart, FIGURES.fallbackFetchImagePull, FIGURES.fallbackFetch, FIGURES.fallbackParse, FIGURES.dataPlaneKongStart,
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
