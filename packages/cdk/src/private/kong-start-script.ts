/**
 * The control plane container's start command: bring the database schema up to
 * date, then hand over to the image's own entrypoint.
 *
 * `kong migrations list` says what is needed through its exit code
 * (kong/cmd/migrations.lua:105-151 at 3.9.3): 0 up to date, 3 needs bootstrap,
 * 5 new migrations (`up`), 4 pending migrations (`finish`), alone or with new
 * ones (then it also prints "New migrations available", :123-124); anything
 * else (1) is a connection or database error, for example while Aurora
 * resumes from 0 ACU or a stopped cluster starts.
 *
 * Upgrades stay reversible: the script runs `up` but never finishes the
 * migrations of the version it starts. `kong start` accepts pending
 * migrations (kong/cmd/start.lua:82-96, kong/cmd/utils/migrations.lua:13-23
 * refuse only "needs bootstrap" and "new migrations"), and an older Kong
 * ignores migrations it does not know (kong/db/migrations/state.lua:240-285),
 * so a rollback (ECS circuit breaker or CloudFormation) lands on a schema the
 * previous version still runs on. `kong migrations finish` makes the schema
 * "incompatible with the previous Kong version" (kong/cmd/migrations.lua:137-139):
 * the operator runs it once the new version is accepted (README: upgrades),
 * or the next upgrade does, before its own `up` (pending + new: the pending
 * ones belong to the previous, accepted, version).
 *
 * Errors are retried with a pause until a time budget runs out (derived in
 * timing.ts), after which the task fails and ECS starts a new one. The output
 * of the failing `kong migrations list` is logged (its last 20 lines): Kong
 * prints the database error there, never the password, which reaches the
 * container only as an ECS secret. Kong's cluster mutex makes concurrent runs
 * safe.
 */
export interface StartScriptOptions {
  /** Seconds after which a database that still does not answer fails the task. */
  readonly budgetSeconds: number;
  /** Seconds between failed attempts. */
  readonly retryDelaySeconds: number;
  /** What runs Kong once the schema is current. */
  readonly exec: string;
}

export const KONG_IMAGE_START = '/docker-entrypoint.sh kong docker-start';

export function kongStartScript(options: StartScriptOptions): string {
  if (!Number.isInteger(options.budgetSeconds) || options.budgetSeconds < 0) throw new Error(`budgetSeconds must be a whole number of seconds, got ${options.budgetSeconds}`);
  return [
    `deadline=$(( $(date +%s) + ${options.budgetSeconds} ))`,
    'while true; do',
    '  out=$(kong migrations list 2>&1); state=$?',
    '  case $state in',
    '    0) echo "kong-hybrid: database schema is up to date"; break ;;',
    '    3) echo "kong-hybrid: bootstrapping the database"; kong migrations bootstrap && continue ;;',
    '    5) echo "kong-hybrid: running new migrations (up)"; kong migrations up && continue ;;',
    '    4) case $out in',
    '         *"New migrations available"*) echo "kong-hybrid: finishing the previous upgrade (kong migrations finish) before this version\'s migrations"; kong migrations finish && continue ;;',
    '         *) echo "kong-hybrid: this version\'s migrations await \'kong migrations finish\' (run it once this version is accepted); starting Kong"; break ;;',
    '       esac ;;',
    '    *) echo "kong-hybrid: database not ready (kong migrations list exited $state):" >&2; printf \'%s\\n\' "$out" | tail -n 20 >&2 ;;',
    '  esac',
    `  if [ "$(date +%s)" -ge "$deadline" ]; then echo "kong-hybrid: database schema still not ready after ${options.budgetSeconds} s, giving up" >&2; exit 1; fi`,
    `  sleep ${options.retryDelaySeconds}`,
    'done',
    `exec ${options.exec}`,
  ].join('\n');
}

/**
 * The data plane's fallback configuration: where the fetch
 * container leaves it for Kong's, on a volume of the task (a bind mount with
 * no host path: the task's own ephemeral storage, which only this task's
 * containers see, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html).
 */
export const FALLBACK_DIR = '/kong-hybrid/fallback';
/** The export, once fetched whole (JSON: Kong reads a `.json` file as JSON, kong/db/declarative/init.lua:120). */
export const FALLBACK_FILE = `${FALLBACK_DIR}/kong.json`;
/**
 * The label a data plane started from the fallback carries, with the file's
 * MD5 as its value: the hash it reports until the control plane's first push
 * (the idle scaler reads it, packages/idle-scaler src/sync.ts
 * `FALLBACK_LABEL`). A label key may not start with `kong`
 * (kong/conf_loader/parse.lua:170 at 3.9.3); a value is at most 63
 * characters of `[a-z0-9]` and `.:_-` (:162-171): an MD5 hex fits.
 */
export const FALLBACK_LABEL = 'fallback-config';

/** Options of {@link fallbackFetchScript}. */
export interface FallbackFetchOptions {
  /** The whole fetch's bound, in seconds: a fetch still running then is abandoned, and Kong starts without the export. */
  readonly timeoutSeconds: number;
  /** Where the export goes (tests use a temporary folder). @default FALLBACK_DIR */
  readonly dir?: string;
}

/**
 * The fetch container's command (the AWS CLI image, which has a shell, the
 * CLI and coreutils' `timeout`): get the newest export of the bucket's object
 * (`FALLBACK_BUCKET`, `FALLBACK_OBJECT`) into the task volume, whole or not at
 * all (a temporary name, then a rename), with the configuration hash it came
 * from (its `kong-config-hash` metadata). It always exits 0: no export (the
 * first deploy), an S3 or permission error, or a timeout leaves no file and
 * one line saying why, and Kong's container starts either way (it waits for
 * this one to complete, whatever its exit code). The export holds
 * credentials and keys: its content is never printed; the AWS CLI's error
 * messages name the bucket and key, not the object's content.
 */
export function fallbackFetchScript(options: FallbackFetchOptions): string {
  if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds <= 0) throw new Error(`timeoutSeconds must be a whole number of seconds, got ${options.timeoutSeconds}`);
  const dir = options.dir ?? FALLBACK_DIR;
  return [
    `rm -f ${dir}/kong.json ${dir}/kong.json.part ${dir}/config-hash ${dir}/fetch-error`,
    // The CLI's own timeouts bound each attempt; `timeout` bounds them all.
    `if out=$(timeout ${options.timeoutSeconds} aws s3api get-object --bucket "$FALLBACK_BUCKET" --key "$FALLBACK_OBJECT" --cli-connect-timeout 5 --cli-read-timeout 20 --query 'Metadata."kong-config-hash"' --output text ${dir}/kong.json.part 2>&1); then`,
    `  mv ${dir}/kong.json.part ${dir}/kong.json`,
    `  printf '%s\\n' "$out" > ${dir}/config-hash`,
    `  echo "kong-hybrid: fetched the fallback configuration (the export of control plane configuration $out)"`,
    'else',
    '  status=$?',
    `  rm -f ${dir}/kong.json.part`,
    '  case $out in',
    '    *NoSuchKey*|*"does not exist"*) reason="no export yet: the control plane\'s configuration has not been exported (a first deploy)" ;;',
    '    *AccessDenied*|*Forbidden*) reason="access denied to the export (the data plane task role may read it: check the bucket policy)" ;;',
    `    *) if [ "$status" -eq 124 ]; then reason="the fetch took longer than ${options.timeoutSeconds} s"; else reason="the fetch failed (exit $status): $(printf '%s' "$out" | tail -n 1 | cut -c 1-300)"; fi ;;`,
    '  esac',
    `  printf '%s\\n' "$reason" > ${dir}/fetch-error`,
    '  echo "kong-hybrid: no fallback configuration fetched: $reason" >&2',
    'fi',
    'exit 0',
  ].join('\n');
}

/** Options of {@link dataPlaneStartScript}. */
export interface DataPlaneStartOptions {
  /** What runs Kong once the fallback is settled. */
  readonly exec: string;
  /** Where the fetch container left the export (tests use a temporary folder). @default FALLBACK_DIR */
  readonly dir?: string;
}

/**
 * The data plane container's start command with a fallback configuration.
 *
 * A data plane (`database = off`) parses `declarative_config` when it starts
 * and loads it when its LMDB holds no configuration
 * (kong/init.lua at 3.9.3: parsed in init(), :713-735; loaded in
 * init_worker(), :918-943; a new Fargate task's LMDB is empty). Nothing in
 * the data plane checks of kong/conf_loader/parse.lua (:761-797) forbids it,
 * and the control plane's first push replaces it: the data plane applies a
 * configuration whose hash differs from its own
 * (kong/clustering/config_helper.lua:316-324, applied at
 * kong/clustering/data_plane.lua:252).
 *
 * A file that does not parse stops Kong in init() (kong/init.lua:730-732), so
 * the export is checked first with `kong config parse` (kong/cmd/config.lua,
 * the same parser: dc:parse_file, :106); only a file that parses is given
 * to Kong, with the `fallback-config:<MD5>` label (`KONG_CLUSTER_DP_LABELS`,
 * added to any the user set), the hash Kong reports for a file
 * (`md5(contents)`, kong/db/declarative/init.lua:149, in unserialize, kept by parse_table at :234). With no export,
 * an export that does not parse, or no `md5sum`, Kong starts exactly as it
 * did before, with no configuration until the control plane's, and the log
 * says why. The parser's output is never printed: its messages may quote
 * credentials (kong/db/schema/others/declarative_config.lua:359-362 quotes a
 * duplicate key).
 */
export function dataPlaneStartScript(options: DataPlaneStartOptions): string {
  const dir = options.dir ?? FALLBACK_DIR;
  const file = `${dir}/kong.json`;
  const without = 'this data plane serves nothing until the control plane sends its configuration';
  return [
    `if [ ! -s ${file} ]; then`,
    `  reason=$(cat ${dir}/fetch-error 2>/dev/null || echo "the fetch container left nothing")`,
    `  echo "kong-hybrid: starting without a fallback configuration ($reason): ${without}"`,
    `elif ! kong config parse ${file} >/dev/null 2>&1; then`,
    `  echo "kong-hybrid: the fallback configuration does not parse (kong config parse failed; its message is not logged, it may quote credentials: run kong config parse on the export to see it); starting without it: ${without}" >&2`,
    `elif ! hash=$(md5sum ${file} 2>/dev/null | cut -d ' ' -f 1) || [ \${#hash} -ne 32 ]; then`,
    `  echo "kong-hybrid: cannot hash the fallback configuration (md5sum); starting without it: ${without}" >&2`,
    'else',
    `  export KONG_DECLARATIVE_CONFIG=${file}`,
    `  export KONG_CLUSTER_DP_LABELS="\${KONG_CLUSTER_DP_LABELS:+\${KONG_CLUSTER_DP_LABELS},}${FALLBACK_LABEL}:$hash"`,
    `  echo "kong-hybrid: starting from the fallback configuration (the export of control plane configuration $(cat ${dir}/config-hash 2>/dev/null || echo unknown); its hash $hash); the control plane's first push replaces it"`,
    'fi',
    `exec ${options.exec}`,
  ].join('\n');
}
