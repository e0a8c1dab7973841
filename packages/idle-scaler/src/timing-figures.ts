/**
 * Every duration kong-hybrid relies on, once, each with where it comes from:
 * Kong's behaviour, AWS's, the settings a timeline counts on, and our
 * estimates where nothing is published. Nothing else in the repository types a
 * duration of Kong or AWS in again: the idle scaler's settings
 * (`src/timing.ts`), the construct library's waits, retry budgets and health
 * checks (`@kong-hybrid/cdk`, `src/private/timing.ts`), the README timelines
 * and the scenario suite's simulated world are derived from this file, and
 * their `test/timing.test.ts` assert the derivations.
 *
 * One file, two workspaces. It imports nothing, so that both can compile it
 * as their own source: the idle scaler's esbuild bundle and tsc take it from
 * here; projen writes a copy into the construct library,
 * `packages/cdk/src/private/timing-figures.ts` (committed, read-only, its
 * first line says so), because jsii compiles only a library's own source and
 * a jsii library may not import a non-jsii package at run time. Edit this
 * file and run `npx projen`, never the copy; CI fails while they differ.
 *
 * Four kinds of figure:
 * - `kong`: Kong's own source at tag 3.9.3 (file:line);
 * - `aws`: an AWS documentation page;
 * - `setting`: a value we choose, in the construct named;
 * - `estimate`: no published figure exists; our estimate, not measured here
 *   (no AWS account on the build machines).
 *
 * `seconds` is the figure that budgets count: the longest the step is
 * expected to take. Where the source (or the estimate) is a range,
 * `leastSeconds` is its low end. The scenario suite's simulated world draws
 * each duration from {@link simulatedRangeMs}: `[leastSeconds, seconds]`, or
 * exactly `seconds` for a figure without a range.
 */

/** Where a figure comes from. */
export type FigureKind = 'kong' | 'aws' | 'setting' | 'estimate';

/** One duration and its source. */
export interface TimingFigure {
  /** The figure: the longest the step is expected to take. */
  readonly seconds: number;
  /** The low end, where the source or the estimate is a range. */
  readonly leastSeconds?: number;
  readonly what: string;
  readonly kind: FigureKind;
  readonly source: string;
}

const figure = (seconds: number, kind: FigureKind, what: string, source: string, leastSeconds?: number): TimingFigure =>
  (leastSeconds === undefined ? { seconds, kind, what, source } : { seconds, leastSeconds, kind, what, source });

const TASK_LAUNCH_PAGE = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-recommendations.html';

export const FIGURES = {
  // ------------------------------------------------------------ Kong hybrid mode

  /** A data plane pings its control plane with the hash of the configuration it runs. */
  kongPingInterval: figure(30, 'kong', 'a data plane pings its control plane with the hash of the configuration it runs',
    'kong/constants.lua:230 at 3.9.3 (CLUSTERING_PING_INTERVAL = 30), sent by kong/clustering/data_plane.lua:89-98 every PING_INTERVAL (:273-280)'),
  /** The control plane drops a data plane that has not pinged for 1.5 ping intervals. */
  kongPingWait: figure(45, 'kong', 'the control plane drops a data plane that has not pinged for 1.5 ping intervals',
    'kong/clustering/control_plane.lua:55 at 3.9.3 (PING_WAIT), checked at :348-351'),
  /** After applying a pushed configuration a data plane pings at once, from a write thread that wakes every second. */
  kongPingAfterApply: figure(1, 'kong', 'a data plane pings at once after applying a configuration (its write thread wakes every second)',
    'kong/clustering/data_plane.lua:255 at 3.9.3 (ping_immediately = true), the write thread\'s ngx_sleep(1) at :289'),
  /**
   * The control plane upserts a data plane's row on connection and on every
   * ping, and keeps it for `cluster_data_plane_purge_delay`: the rows of
   * replaced data planes linger long after they are gone.
   */
  kongDataPlaneRowTtl: figure(1_209_600, 'kong', 'the control plane keeps a data plane\'s row (its TTL, cluster_data_plane_purge_delay: 14 days)',
    'kong/templates/kong_defaults.lua:39 at 3.9.3 (cluster_data_plane_purge_delay = 1209600), the row\'s TTL at kong/clustering/control_plane.lua:242 and :264'),
  /** The control plane's push loop sleeps `db_update_frequency` after each push. */
  kongPushDelay: figure(5, 'kong', 'the control plane pushes a changed configuration at most every db_update_frequency',
    'kong/templates/kong_defaults.lua:157 at 3.9.3 (db_update_frequency = 5), slept after each push in kong/clustering/control_plane.lua:562-578'),
  /** A data plane that lost, or could not open, its connection retries after a random 5-10 s. */
  dpReconnectDelay: figure(10, 'kong', 'the data plane retries the control plane (random 5-10 s)',
    'kong/clustering/data_plane.lua:152 at 3.9.3 (math.random(5, 10)), retried at :159', 5),
  /** Kong caches a name error for dns_not_found_ttl. */
  kongDnsNotFoundTtl: figure(30, 'kong', 'a data plane caches "no such name" from before the control plane registered',
    'kong/templates/kong_defaults.lua:170 at 3.9.3 (dns_not_found_ttl = 30), used as emptyTtl by kong/tools/dns.lua:33 for name errors (kong/resty/dns/client.lua:224-226)'),
  /**
   * A data plane applies a configuration the control plane sent (on
   * connection and on every push), before it can ping its hash. Grows with
   * the configuration's size.
   */
  configApply: figure(4, 'estimate', 'the control plane sends its configuration; the data plane applies it',
    'estimate: grows with the configuration\'s size; kong/clustering/data_plane.lua at 3.9.3 applies each reconfigure frame it receives (:247) through the declarative import of kong/clustering/config_helper.lua; Kong publishes no duration', 0.2),
  /** `kong migrations list` and the migration it calls for (bootstrap on a new database, up on a new Kong version). */
  kongMigrations: figure(60, 'estimate', 'kong migrations list, then bootstrap (new database) or up (new Kong version)',
    'estimate: the start script (@kong-hybrid/cdk src/private/kong-start-script.ts); Kong publishes no duration'),
  /** `kong start` until a control plane's Admin API and cluster listener answer, or a data plane connects. */
  kongStart: figure(15, 'estimate', 'Kong starts: Admin API and cluster listener answer',
    'estimate: kong/cmd/start.lua at 3.9.3 (prepare prefix, start nginx); Kong publishes no duration', 3),
  /** Kong starts on a data plane and loads the export into LMDB before /status/ready answers 200. */
  dataPlaneKongStart: figure(20, 'estimate', 'Kong starts, loads the export (declarative_config) and answers /status/ready 200',
    'estimate: kong/init.lua at 3.9.3 parses declarative_config in init() (:713-735) and loads it in init_worker() (:918-943); ready once a non-empty hash is loaded (kong/status/ready.lua:40-50)'),
  /** `kong config parse` of the export, in the Kong container, before Kong starts. */
  fallbackParse: figure(10, 'estimate', 'kong config parse validates the export (the start script)',
    'estimate: kong/cmd/config.lua at 3.9.3 loads the configuration and parses the file (dc:parse_file, :106); Kong publishes no duration'),
  /** After the stop signal, a control plane's Admin API stops answering. */
  kongStopAnswering: figure(5, 'estimate', 'a stopping control plane\'s Admin API stops answering',
    'estimate: docker-kong stops Kong with SIGQUIT (ubuntu/Dockerfile:63 at 3.9.3), nginx\'s graceful shutdown, which closes its listening sockets first (https://nginx.org/en/docs/control.html)', 1),

  // ------------------------------------------------------------ AWS

  /** EventBridge → idle scaler → UpdateService → ECS schedules the control plane task. */
  wakeSignal: figure(10, 'estimate', 'a data plane task starts; the idle scaler sets the control plane to 1 task',
    'estimate: EventBridge delivery plus one Lambda invocation and UpdateService (packages/idle-scaler)'),
  /** EventBridge delivers an ECS task state change to the idle scaler. */
  eventDelivery: figure(3, 'estimate', 'EventBridge delivers an ECS task state change to the idle scaler',
    'estimate: no delivery latency is documented (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html); seconds in practice', 0.3),
  /**
   * A Fargate task from PROVISIONING to RUNNING: ENI, image pull (Fargate
   * caches no image), container start. The same for the control plane's
   * and the data plane's tasks.
   */
  fargateTaskStart: figure(90, 'estimate', 'Fargate provisions the task and pulls its images (no image cache on Fargate)',
    'estimate, not measured: AWS documents no launch time, only that the image pull (no cache on Fargate) adds directly to it '
    + '(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-pull-behavior.html; '
    + `${TASK_LAUNCH_PAGE} lists the other steps: the ENI, the container start); `
    + 'an AWS re:Post answer calls 30-45 s "or longer" normal (https://repost.aws/questions/QUjZAzJd27SZWxXM7MgyxOZw); 20 s at the least, 90 s budgeted for Kong\'s image', 20),
  /** A stopping task: ECS sends SIGTERM (the image's STOPSIGNAL), then SIGKILL after stopTimeout. */
  ecsStopTimeout: figure(30, 'aws', 'a stopping task is killed after stopTimeout (DEACTIVATING to STOPPED)',
    'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (stopTimeout: 30 s by default on Fargate)'),
  /** Aurora Serverless v2 resuming from 0 ACU on the first connection. */
  auroraResume: figure(15, 'aws', 'Aurora resumes from 0 ACU on the first connection',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html (about 15 s)'),
  /** The same after a pause of more than a day. */
  auroraResumeAfterLongPause: figure(30, 'aws', 'Aurora resumes after more than 24 h paused',
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html (30 s or more after 24 h)'),
  /** A stopped (not paused) cluster that StartDBCluster starts. */
  auroraStoppedClusterStart: figure(600, 'estimate', 'a stopped Aurora cluster starts (StartDBCluster, by the idle scaler or the admin bootstrap)',
    'estimate: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-cluster-stop-start.html gives no duration; a few minutes at the least', 120),
  /** A stopping cluster reaching `stopped` (StopDBCluster, or AWS stopping it). */
  auroraClusterStop: figure(180, 'estimate', 'a stopping Aurora cluster reaches stopped',
    'estimate: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-cluster-stop-start.html gives no duration', 60),
  /** Lambda's first retry of a failed asynchronous invocation (an error or a timeout). */
  lambdaAsyncFirstRetry: figure(60, 'aws', 'Lambda retries a failed asynchronous invocation a first time',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html (one minute after the first attempt)'),
  /** Lambda's second and last retry. */
  lambdaAsyncSecondRetry: figure(120, 'aws', 'Lambda retries it a second and last time',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html (two minutes after the first retry)'),
  /** Lambda keeps an asynchronous event this long; EventBridge's events may arrive late, and more than once. */
  lambdaMaxEventAge: figure(6 * 3600, 'aws', 'Lambda keeps an asynchronous event (events arrive late, and more than once)',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html (6 hours; "it\'s possible for it to receive the same event from Lambda multiple times")'),
  /** The fetch container's AWS CLI image: pulled with the task's; whether in parallel with Kong's is not documented, so counted in full. */
  fallbackFetchImagePull: figure(20, 'estimate', 'the fetch container\'s image (AWS CLI) is pulled; counted after Kong\'s, in case Fargate does not pull them in parallel',
    `estimate: no published pull time; ECS documents no order for a task's image pulls (${TASK_LAUNCH_PAGE})`),
  /** The fetch container: the AWS CLI starts and GETs the newest export from S3 (SSE-KMS), then exits. */
  fallbackFetch: figure(5, 'estimate', 'the fetch container gets the newest export from S3 and exits; Kong\'s container starts after it (dependsOn COMPLETE)',
    'estimate: AWS CLI start and one S3 GetObject; COMPLETE waits for it to exit (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html)'),

  // ------------------------------------------------------------ our settings

  /** The negative-caching TTL of the namespace's SOA: how long the VPC resolver remembers "no such name". */
  namespaceNegativeTtl: figure(10, 'setting', 'the VPC resolver caches "no such name" for kong-cp (SOA TTL of the namespace)',
    'setting: KongHybridGateway sets the new namespace\'s SOA TTL (https://docs.aws.amazon.com/cloud-map/latest/api/API_SOA.html: "TTL for purposes of negative caching")'),
  /** The TTL of the control plane's A record in Cloud Map. */
  cloudMapRecordTtl: figure(10, 'setting', 'resolvers cache the control plane\'s address (Cloud Map A record TTL)',
    'setting: ControlPlane cloudMapOptions.dnsTtl'),
  /** The load balancer's health check interval on /status/ready. */
  albHealthCheckInterval: figure(10, 'setting', 'load balancer health check interval (/status/ready)', 'setting: DataPlane target group'),
  /** Aurora pauses at 0 ACU after this long without a connection. */
  auroraAutoPause: figure(300, 'setting', 'Aurora pauses at 0 ACU after this long without a connection',
    'setting: KongDatabase autoPause default (SecondsUntilAutoPause, https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html)'),
  /** The architecture's "wait 5 min for DP tasks to sync configuration". */
  scalerSyncTimeout: figure(5 * 60, 'setting', 'the idle scaler waits for the data planes to sync after a wake',
    'setting: IdleScaler syncTimeout default (the architecture\'s flow: "wait 5 min for DP tasks to sync configuration")'),
  /** The architecture's "30 min cooldown timer". */
  scalerCooldown: figure(30 * 60, 'setting', 'the control plane stays up after the data planes synced',
    'setting: IdleScaler cooldown default (the architecture\'s flow: "start 30 min cooldown timer")'),
  /** The architecture's "extend cooldown + 15 min". */
  scalerCooldownExtension: figure(15 * 60, 'setting', 'a data plane start or a config push extends the cooldown',
    'setting: IdleScaler cooldownExtension default (the architecture\'s flow: "extend cooldown + 15 min")'),
  /** How often the scaler looks while it waits (the CP waking, the second clean look). */
  scalerPollInterval: figure(5, 'setting', 'the idle scaler looks again while it waits',
    'setting: IdleScaler pollInterval default (the most it adds to a wake; at most 15 s)'),
  /** The schedule that invokes the scaler when no event does. */
  scalerTickInterval: figure(60, 'setting', 'a schedule invokes the idle scaler when no event does',
    'setting: IdleScaler tickInterval default (the shortest it allows)'),
} as const satisfies Record<string, TimingFigure>;

/**
 * How long a configuration change takes from the control plane's database to
 * the data planes' rows: the push loop's delay, the data plane applying it,
 * and its ping tick after applying. The idle scaler's two clean looks before
 * a stop, and the fallback exporter's two looks at the data planes, are this
 * far apart.
 */
export const CONFIG_PROPAGATION_SECONDS = FIGURES.kongPushDelay.seconds + FIGURES.configApply.seconds + FIGURES.kongPingAfterApply.seconds;

/**
 * The wake bound's default, in sync timeouts: a control plane still silent
 * after three times the wait for sync is not slow, it is broken. Our choice
 * (IdleScaler wakeBound).
 */
export const WAKE_BOUND_SYNC_TIMEOUTS = 3;

/** The simulated world draws a figure's duration from this range, in milliseconds: `[leastSeconds, seconds]`, or exactly `seconds`. */
export function simulatedRangeMs(f: TimingFigure): readonly [number, number] {
  return [(f.leastSeconds ?? f.seconds) * 1000, f.seconds * 1000];
}
