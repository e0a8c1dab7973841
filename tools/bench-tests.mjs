#!/usr/bin/env node
// The TypeScript test suite's time, per workspace and in total: figures, never
// assertions (2 cores shared with other engineers make any wall time a sample).
//
// Runs each workspace's `test` task (the one `npm test` has turbo run: jest)
// and the root's `test:types` (the tests' type check, every workspace in one
// process: tools/typecheck-tests.mjs) from a warm build, all at once as turbo
// does, and prints per workspace its wall time, the CPU time it used (user +
// system, its child processes included: moto, cfn-lint, checkov) and its test
// count, then the whole run's wall time and CPU time, and the machine's load.
// CPU time is the figure to compare across runs: wall time depends on what
// else the machine is doing. A jest worker's shared moto server ends just after
// the worker (tools/jest/moto.cjs), not waited for by it, so `times` does not
// count it: each server records its own CPU time (KONG_HYBRID_MOTO_RUSAGE,
// tools/moto-server.py), added to its workspace's figure once it has ended.
//
// Usage: node tools/bench-tests.mjs [--concurrency N] [workspace-dir ...]
//   --concurrency N  run at most N workspaces at once (default: all, as turbo does)
// The Python and Java binding tests and the release dry runs are not part of it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let concurrency = Infinity;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--concurrency') concurrency = Number(args[++i]);
  else only.push(args[i].replace(/\/$/, ''));
}
if (!(concurrency >= 1)) throw new Error(`--concurrency must be a number of workspaces, 1 or more, got "${args[args.indexOf('--concurrency') + 1]}"`);

const all = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const workspaces = only.length > 0 ? only : all;
for (const w of workspaces) {
  if (!all.includes(w)) throw new Error(`not a workspace: "${w}" (one of ${all.join(', ')})`);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// A warm build: what `npm test` would build first (cached by turbo when nothing changed).
const build = spawnSync('npx', ['turbo', 'run', 'compile', '//#venv', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** The row of the tests' type check (the root's `test:types`). */
const TYPES = 'test types (all above)';

/** Whether a process that was given `file` as KONG_HYBRID_MOTO_RUSAGE still runs (Linux's /proc). */
function motoRunning(file) {
  const needle = `KONG_HYBRID_MOTO_RUSAGE=${file}\0`;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) return true;
    } catch {
      // gone, or not ours to read
    }
  }
  return false;
}

/**
 * The CPU time the moto servers given `file` recorded, in ms, once they have all
 * ended (at most 30 s): those that outlived their jest worker only (`stdin`); a
 * server a test stopped was waited for by the worker, and `times` counts it.
 */
async function motoCpuMs(file) {
  for (let waited = 0; motoRunning(file) && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)
    .map((line) => line.split(' '))
    .filter(([, , , , ended]) => ended === 'stdin')
    .reduce((ms, [, user, sys]) => ms + (Number(user) + Number(sys)) * 1000, 0);
}

/** Runs one workspace's test task, or the type check; bash's `times` gives its children's CPU time, moto's servers their own. */
function run(workspace) {
  return new Promise((resolve) => {
    const types = workspace === TYPES;
    const dir = types ? root : join(root, workspace);
    rmSync(join(dir, 'test-reports', types ? 'bench-types.log' : ''), { recursive: true, force: true });
    mkdirSync(join(dir, 'test-reports'), { recursive: true });
    const command = types
      ? `node tools/typecheck-tests.mjs ${workspaces.join(' ')} > test-reports/bench-types.log 2>&1`
      : 'npx projen test > test-reports/bench.log 2>&1';
    const start = Date.now();
    const rusage = join(dir, 'test-reports', 'bench-moto-rusage.txt');
    rmSync(rusage, { force: true });
    const child = spawn('bash', ['-c', `${command}; rc=$?; times; exit $rc`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KONG_HYBRID_MOTO_RUSAGE: rusage },
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', async (code) => {
      const wallMs = Date.now() - start;
      const motoMs = await motoCpuMs(rusage);
      // `times`: the shell's own user/system times, then its children's.
      const [, children = ''] = out.trim().split('\n');
      const [user, sys] = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const report = join(dir, 'test-reports', 'junit.xml');
      const tests = types ? 0 : existsSync(report) ? Number(readFileSync(report, 'utf8').match(/<testsuites[^>]*\stests="(\d+)"/)?.[1] ?? NaN) : NaN;
      resolve({ workspace, code, wallMs, cpuMs: ((user ?? NaN) + (sys ?? NaN)) * 1000 + motoMs, tests });
    });
  });
}

console.log(`test suite bench: ${workspaces.length} workspaces and their type check, ${Number.isFinite(concurrency) ? concurrency : 'all'} at once, ${cpus().length} CPUs, load average before ${load()}`);
const started = Date.now();
const queue = [TYPES, ...workspaces];
const results = [];
await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
  while (queue.length > 0) {
    const r = await run(queue.shift());
    results.push(r);
    console.log(`  ${r.workspace.padEnd(24)} ${seconds(r.wallMs).padStart(8)} wall ${seconds(r.cpuMs).padStart(8)} CPU ${String(r.tests).padStart(5)} tests${r.code === 0 ? '' : `  FAILED (exit ${r.code}, see ${r.workspace === TYPES ? 'test-reports/bench-types.log' : `${r.workspace}/test-reports/bench.log`})`}`);
  }
}));
const wallMs = Date.now() - started;
const cpuMs = results.reduce((n, r) => n + r.cpuMs, 0);
const tests = results.reduce((n, r) => n + r.tests, 0);
console.log(`  ${'total'.padEnd(24)} ${seconds(wallMs).padStart(8)} wall ${seconds(cpuMs).padStart(8)} CPU ${String(tests).padStart(5)} tests`);
console.log(`load average after ${load()}`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
