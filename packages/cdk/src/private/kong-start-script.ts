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
