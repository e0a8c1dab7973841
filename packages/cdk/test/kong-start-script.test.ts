import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kongStartScript } from '../src/private/kong-start-script';

/**
 * What the stand-in `kong migrations list` answers, one per call (the last
 * one repeating): an exit code, or `4+new` for Kong's "pending migrations
 * from a previous upgrade, and new migrations" (exit 4, kong/cmd/migrations.lua:128-141 at 3.9.3).
 */
type ListAnswer = 0 | 1 | 3 | 4 | 5 | '4+new';

const OUTPUT: Record<string, string> = {
  '0': 'Executed migrations:\ncore: 000_base, …',
  '1': 'Error: [PostgreSQL error] failed to retrieve PostgreSQL server_version_num: timeout',
  '3': 'Database needs bootstrapping or is older than Kong 1.0.',
  '4': 'Executed migrations:\n…\nPending migrations:\ncore: 018_390_to_391\n\nRun \'kong migrations finish\' when ready',
  '4+new': 'Pending migrations:\ncore: 017_380_to_390\n\nNew migrations available:\ncore: 018_390_to_391\n\nRun \'kong migrations finish\' when ready to complete pending migrations',
  '5': 'New migrations available:\ncore: 018_390_to_391\n\nRun \'kong migrations up\' to proceed',
};

/**
 * Runs the control plane's start script under /bin/sh with a stand-in `kong`
 * that answers `kong migrations list` as told and records every command, and
 * a stand-in `date` whose clock advances `secondsPerLook` at every look
 * (so budgets are checked without waiting); `exec` writes "started".
 */
function run(answers: ListAnswer[], options: { failing?: string[]; budgetSeconds?: number; secondsPerLook?: number } = {}):
{ calls: string[]; started: boolean; status: number; stderr: string; stdout: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-start-'));
  writeFileSync(path.join(dir, 'answers'), answers.join('\n') + '\n');
  for (const [key, text] of Object.entries(OUTPUT)) writeFileSync(path.join(dir, `out-${key}`), text + '\n');
  writeFileSync(path.join(dir, 'kong'), [
    '#!/bin/sh',
    `echo "$*" >> "${dir}/calls"`,
    'if [ "$1 $2" = "migrations list" ]; then',
    `  answer=$(head -n 1 "${dir}/answers")`,
    `  if [ "$(wc -l < "${dir}/answers")" -gt 1 ]; then sed -i 1d "${dir}/answers"; fi`,
    `  cat "${dir}/out-$answer"`,
    '  case $answer in 4+new) exit 4 ;; *) exit "$answer" ;; esac',
    'fi',
    ...(options.failing ?? []).map((sub) => `if [ "$1 $2" = "migrations ${sub}" ]; then echo "Error: ${sub} failed" >&2; exit 1; fi`),
    'exit 0',
  ].join('\n'));
  writeFileSync(path.join(dir, 'clock'), '1000\n');
  writeFileSync(path.join(dir, 'date'), [
    '#!/bin/sh',
    `now=$(cat "${dir}/clock")`,
    'echo "$now"',
    `echo $((now + ${options.secondsPerLook ?? 1})) > "${dir}/clock"`,
  ].join('\n'));
  chmodSync(path.join(dir, 'kong'), 0o755);
  chmodSync(path.join(dir, 'date'), 0o755);
  const script = kongStartScript({ budgetSeconds: options.budgetSeconds ?? 600, retryDelaySeconds: 0, exec: `sh -c 'echo started > "${dir}/started"'` });
  const result = spawnSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const read = (f: string) => { try { return readFileSync(path.join(dir, f), 'utf8'); } catch { return ''; } };
  return {
    calls: read('calls').trim().split('\n').filter(Boolean),
    started: read('started').trim() === 'started',
    status: result.status ?? -1,
    stderr: result.stderr,
    stdout: result.stdout,
  };
}

describe('control plane start script', () => {
  test('GIVEN an empty database (list exits 3) WHEN the CP starts THEN it bootstraps once, then starts Kong', () => {
    const r = run([3, 0]);
    expect(r.calls).toEqual(['migrations list', 'migrations bootstrap', 'migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN a current schema (list exits 0) WHEN the CP starts THEN it runs no migration and starts Kong', () => {
    const r = run([0]);
    expect(r.calls).toEqual(['migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN a new Kong version (list exits 5, then 4) WHEN the CP starts THEN it runs up and starts Kong WITHOUT finish, so a rollback finds a schema the old version runs on', () => {
    const r = run([5, 4]);
    expect(r.calls).toEqual(['migrations list', 'migrations up', 'migrations list']);
    expect(r.calls).not.toContain('migrations finish');
    expect(r.started).toBe(true);
    expect(r.stdout).toContain("await 'kong migrations finish'");
  });

  test('GIVEN the previous upgrade was never finished and this version brings new migrations (4 with new) WHEN the CP starts THEN it finishes the previous upgrade, then runs up, then starts Kong', () => {
    const r = run(['4+new', 5, 4]);
    expect(r.calls).toEqual(['migrations list', 'migrations finish', 'migrations list', 'migrations up', 'migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN Aurora resuming (list fails twice) WHEN the CP starts THEN it waits and retries, then proceeds', () => {
    const r = run([1, 1, 3, 0]);
    expect(r.calls).toEqual(['migrations list', 'migrations list', 'migrations list', 'migrations bootstrap', 'migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN a database that does not answer WHEN the CP retries THEN it logs why (the failing command\'s output) on stderr', () => {
    const r = run([1, 0]);
    expect(r.started).toBe(true);
    expect(r.stderr).toContain('kong migrations list exited 1');
    expect(r.stderr).toContain('[PostgreSQL error] failed to retrieve PostgreSQL server_version_num: timeout');
  });

  test('GIVEN a failing bootstrap WHEN the CP starts THEN it retries it rather than starting Kong on an empty database, until the budget runs out', () => {
    const r = run([3], { failing: ['bootstrap'], budgetSeconds: 10, secondsPerLook: 1 });
    expect(r.calls.filter((c) => c === 'migrations bootstrap').length).toBeGreaterThan(1);
    expect(r.started).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: bootstrap failed');
  });

  test('GIVEN a database that never answers WHEN the time budget runs out THEN the task exits non-zero and says why', () => {
    // The clock advances 60 s per look: a 300 s budget allows a handful of attempts, not an endless loop.
    const r = run([1], { budgetSeconds: 300, secondsPerLook: 60 });
    expect(r.calls.length).toBeGreaterThanOrEqual(2);
    expect(r.calls.length).toBeLessThanOrEqual(5);
    expect(r.started).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('database schema still not ready after 300 s');
  });

  test('GIVEN a budget that is not a whole number of seconds WHEN the script is built THEN it refuses', () => {
    expect(() => kongStartScript({ budgetSeconds: 1.5, retryDelaySeconds: 5, exec: 'true' })).toThrow('budgetSeconds must be a whole number of seconds, got 1.5');
  });
});
