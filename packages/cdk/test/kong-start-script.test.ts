import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kongStartScript } from '../src/private/kong-start-script';

/**
 * Runs the control plane's start script under /bin/sh with a stand-in `kong`
 * that answers `kong migrations list` with the exit codes given (one per call,
 * the last one repeating) and records every command; `exec` writes "started".
 */
function run(listCodes: number[], failing: string[] = [], maxAttempts = 10): { calls: string[]; started: boolean; status: number; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-start-'));
  writeFileSync(path.join(dir, 'codes'), listCodes.join('\n') + '\n');
  writeFileSync(path.join(dir, 'kong'), [
    '#!/bin/sh',
    `echo "$*" >> "${dir}/calls"`,
    'if [ "$1 $2" = "migrations list" ]; then',
    `  code=$(head -n 1 "${dir}/codes")`,
    `  if [ "$(wc -l < "${dir}/codes")" -gt 1 ]; then sed -i 1d "${dir}/codes"; fi`,
    '  exit "$code"',
    'fi',
    ...failing.map((sub) => `if [ "$1 $2" = "migrations ${sub}" ]; then exit 1; fi`),
    'exit 0',
  ].join('\n'));
  chmodSync(path.join(dir, 'kong'), 0o755);
  const script = kongStartScript({ maxAttempts, retryDelaySeconds: 0, exec: `sh -c 'echo started > "${dir}/started"'` });
  let status = 0;
  let stderr = '';
  try {
    execFileSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error: any) {
    status = error.status;
    stderr = String(error.stderr);
  }
  const read = (f: string) => { try { return readFileSync(path.join(dir, f), 'utf8'); } catch { return ''; } };
  return { calls: read('calls').trim().split('\n').filter(Boolean), started: read('started').trim() === 'started', status, stderr };
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

  test('GIVEN a new Kong version (list exits 5, then 4) WHEN the CP starts THEN it runs up, then finish, then starts Kong', () => {
    const r = run([5, 4, 0]);
    expect(r.calls).toEqual(['migrations list', 'migrations up', 'migrations list', 'migrations finish', 'migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN Aurora resuming (list fails twice) WHEN the CP starts THEN it waits and retries, then proceeds', () => {
    const r = run([1, 1, 3, 0]);
    expect(r.calls).toEqual(['migrations list', 'migrations list', 'migrations list', 'migrations bootstrap', 'migrations list']);
    expect(r.started).toBe(true);
  });

  test('GIVEN a failing bootstrap WHEN the CP starts THEN it retries it rather than starting Kong on an empty database', () => {
    const r = run([3, 3, 3], ['bootstrap'], 3);
    expect(r.calls.filter((c) => c === 'migrations bootstrap')).toHaveLength(3);
    expect(r.started).toBe(false);
    expect(r.status).toBe(1);
  });

  test('GIVEN a database that never answers WHEN the attempts run out THEN the task exits non-zero and says why', () => {
    const r = run([1], [], 4);
    expect(r.calls).toHaveLength(4);
    expect(r.started).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('database schema still not ready after 4 attempts');
  });
});
