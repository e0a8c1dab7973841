/**
 * Every duration the scaler relies on, as data with its source, in one place.
 * The scaler's settings are derived from these below (and `test/timing.test.ts`
 * asserts the derivation); the simulated world of the scenario suite takes its
 * timings from here too, so that the scaler is tested against the world these
 * sources describe.
 *
 * Kong sources are Kong/kong at tag 3.9.3 (file:line); AWS sources are the
 * documentation pages given. Where no source could be found the entry says so,
 * and nothing the scaler decides depends on it being exact.
 */

/** Kong hybrid mode (Kong/kong at 3.9.3). */
export const KONG = {
  /**
   * A data plane pings its control plane every 30 s with the hash of the
   * configuration it runs: `CLUSTERING_PING_INTERVAL = 30`
   * (kong/constants.lua:230; sent by kong/clustering/data_plane.lua:89-98, every
   * PING_INTERVAL by the write thread, data_plane.lua:273-280).
   */
  pingIntervalMs: 30_000,
  /**
   * After applying a configuration pushed by the control plane, a data plane
   * pings at once (`ping_immediately = true`, data_plane.lua:255) from a write
   * thread that wakes every second (`ngx_sleep(1)`, data_plane.lua:289).
   */
  pingAfterApplyMs: 1_000,
  /**
   * The control plane upserts a data plane's row on connection and on every
   * ping, with `last_seen = ngx_time()` and the pinged hash
   * (kong/clustering/control_plane.lua:240-264, 378-380). Rows are kept for
   * `cluster_data_plane_purge_delay` = 1209600 s, 14 days (the row's TTL:
   * control_plane.lua:242 and 264; kong/templates/kong_defaults.lua:39), so
   * the rows of replaced data planes linger long after they are gone.
   */
  dataPlaneRowTtlMs: 1_209_600_000,
  /**
   * The control plane pushes a changed configuration to its data planes from
   * a loop that sleeps `db_update_frequency` (5 s by default,
   * kong/templates/kong_defaults.lua:157) after each push
   * (control_plane.lua:516-580, the sleep at 562-578).
   */
  pushDelayMs: 5_000,
  /**
   * A data plane whose connection to the control plane broke, or that could
   * not connect, retries after `math.random(5, 10)` seconds
   * (kong/clustering/data_plane.lua:152, 159).
   */
  reconnectDelayMs: [5_000, 10_000] as const,
  /**
   * The control plane drops a data plane that has not pinged for 1.5 ping
   * intervals, 45 s (`PING_WAIT`, control_plane.lua:55 and 348-351).
   */
  pingWaitMs: 45_000,
  /**
   * The address in a row is the peer address of the data plane's connection
   * (`ip = ngx_var.remote_addr`, control_plane.lua:193 and 257): the task's own
   * private IP when the data plane reaches the control plane directly, as it
   * does through Cloud Map in this construct library.
   */
  rowIpIsPeerAddress: true,
  /**
   * The hash of an empty configuration, 32 zeros
   * (`DECLARATIVE_EMPTY_CONFIG_HASH`, kong/constants.lua:217): a new data plane
   * reports it until its first configuration arrives (control_plane.lua:239).
   */
  emptyConfigHash: '0'.repeat(32),
  /**
   * Time a data plane takes to apply a pushed configuration before it pings.
   * No source: it grows with the configuration's size (the declarative import
   * of kong/clustering/config_helper.lua). Assumed at most 4 s here; this is
   * the margin in {@link CONFIG_PROPAGATION_MS}.
   */
  applyMarginMs: 4_000,
  /**
   * The label a data plane started from a fallback configuration carries:
   * `fallback-config:<MD5 of the file>`, set by the data plane's start script
   * (@kong-hybrid/cdk, src/private/kong-start-script.ts) through
   * `KONG_CLUSTER_DP_LABELS`. Kong sends a data plane's labels in its first
   * message (`basic_info`, kong/clustering/data_plane.lua:165-186) and the
   * control plane stores them in its row (`labels = data.labels`,
   * kong/clustering/control_plane.lua:260). A data plane loaded from a file
   * reports the file's MD5 as its hash (`new_hash = md5(contents)`,
   * kong/db/declarative/init.lua:149, kept by parse_table (:234) and
   * load_into_cache, kong/init.lua:534 and :584); the control plane's first
   * push replaces it with the control plane's own hash
   * (kong/clustering/config_helper.lua:316-324). So a row whose hash is its
   * own label's runs the fallback, not the control plane's configuration.
   * A label key may not start with `kong` (kong/conf_loader/parse.lua:170).
   */
  fallbackLabel: 'fallback-config',
} as const;

/** AWS behaviour the scaler depends on. */
export const AWS = {
  /**
   * Lambda retries a failed asynchronous invocation (an error or a timeout)
   * twice, one minute and then two minutes later, and keeps an event up to
   * 6 hours. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
   * EventBridge invokes Lambda asynchronously; events can therefore arrive
   * minutes late, and more than once ("it's possible for it to receive the same
   * event from Lambda multiple times", same page).
   */
  lambdaAsyncRetryDelaysMs: [60_000, 120_000] as const,
  lambdaMaxEventAgeMs: 6 * 60 * 60_000,
  /**
   * ECS task state change events carry `detail.version`, incremented on every
   * change of the task; a duplicate has the same version.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
   * and https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
   * No delivery latency is documented; in practice it is seconds.
   */
  ecsEventVersionIncrementsPerChange: true,
  /**
   * Aurora Serverless v2 at 0 ACU resumes in about 15 s (longer after a long
   * pause) when a connection arrives.
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
   */
  auroraResumeMs: 15_000,
  /**
   * A Fargate task's start (PROVISIONING, PENDING, RUNNING: ENI, image pull,
   * container start). No documented figure: assumed 20-60 s for the
   * simulation; the scaler waits for RUNNING and for the data planes' rows, it
   * never assumes a duration.
   */
  fargateStartMs: [20_000, 60_000] as const,
} as const;

/**
 * A data plane is seen recently when its row's `last_seen` is at most three
 * ping intervals old (90 s): one ping lost or late does not count it out, and
 * a data plane that is gone stops counting within 90 s.
 */
export const STALE_AFTER_MS = 3 * KONG.pingIntervalMs;

/**
 * The longest a configuration change takes from the control plane's database
 * to the data planes' rows: the push loop's delay, the data plane's ping tick
 * after applying it, and a margin for applying it. Two looks this far apart
 * that see the same hash did not miss a change made before the first one.
 */
export const CONFIG_PROPAGATION_MS = KONG.pushDelayMs + KONG.pingAfterApplyMs + KONG.applyMarginMs;

/**
 * An event older than this when it arrives was delayed (Lambda's retries of
 * an async invocation come one and two minutes later): the scaler decides
 * from the task's current state, not from the event.
 */
export const LATE_EVENT_MS = 45_000;

/**
 * How often the scaler asks again for an export of a configuration hash it
 * already asked for, while the data planes stay in sync on it: the exporter
 * skips a hash whose export is already stored (one S3 tag read), so asking
 * again costs little, and it covers an export that failed after Lambda's two
 * retries (AWS.lambdaAsyncRetryDelaysMs) or an invocation that was lost. Our
 * choice.
 */
export const EXPORT_RETRY_MS = 10 * 60_000;

/**
 * ECS task timestamps and the control plane's `last_seen` (whole seconds)
 * come from different clocks: a row matches a task when it was seen no
 * earlier than this before the task started.
 */
export const CLOCK_SKEW_MS = 2_000;
