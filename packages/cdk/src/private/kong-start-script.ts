/**
 * The control plane container's start command: bring the database schema up to
 * date, then hand over to the image's own entrypoint.
 *
 * `kong migrations list` says what is needed through its exit code (facts.md):
 * 0 up to date, 3 needs bootstrap, 4 pending `finish`, 5 new migrations (`up`);
 * anything else (1) is a connection or database error, for example while
 * Aurora resumes from 0 ACU (15-30 s, more after a long pause). The loop acts
 * on each state until the schema is current, and retries errors with a pause,
 * up to a bounded number of attempts, after which the task fails and ECS
 * starts a new one. Kong's cluster mutex makes concurrent runs safe.
 */
export interface StartScriptOptions {
  /** Rounds (each a `list` and the step it calls for) before giving up; bounds the loop. */
  readonly maxAttempts: number;
  /** Seconds between failed attempts. */
  readonly retryDelaySeconds: number;
  /** What runs Kong once the schema is current. */
  readonly exec: string;
}

export const KONG_IMAGE_START = '/docker-entrypoint.sh kong docker-start';

export function kongStartScript(options: StartScriptOptions): string {
  return [
    'attempts=0',
    'while true; do',
    '  attempts=$((attempts + 1))',
    `  if [ "$attempts" -gt ${options.maxAttempts} ]; then echo "kong-hybrid: database schema still not ready after ${options.maxAttempts} attempts, giving up" >&2; exit 1; fi`,
    '  kong migrations list >/dev/null 2>&1; state=$?',
    '  case $state in',
    '    0) echo "kong-hybrid: database schema is up to date"; break ;;',
    '    3) echo "kong-hybrid: bootstrapping the database"; kong migrations bootstrap && continue ;;',
    '    5) echo "kong-hybrid: running new migrations (up)"; kong migrations up && continue ;;',
    '    4) echo "kong-hybrid: finishing pending migrations"; kong migrations finish && continue ;;',
    '    *) echo "kong-hybrid: database not ready (kong migrations list exited $state)" ;;',
    '  esac',
    `  sleep ${options.retryDelaySeconds}`,
    'done',
    `exec ${options.exec}`,
  ].join('\n');
}
