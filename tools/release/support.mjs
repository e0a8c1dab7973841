// Shared by the release dry runs (tools/release/*.test.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const CDK = path.join(ROOT, 'packages', 'cdk');
export const ADMIN_CLIENT = path.join(ROOT, 'packages', 'admin-client');
export const CLI = path.join(ROOT, 'packages', 'cli');

/** Runs a command; returns its status and output, never throws on a non-zero exit. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` };
}

/** Like run, but fails with the command's output when it exits non-zero. */
export function ok(command, args, options = {}) {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.output}`);
  return result;
}

/** A tool of the project venv (.venv/bin/NAME, or .venv/checkov/bin/NAME). */
export function venvTool(name, venv = '.venv') {
  const file = path.join(ROOT, venv, 'bin', name);
  if (!existsSync(file)) throw new Error(`${file} not found: run \`npm run venv\` at the repository root`);
  return file;
}

/** The one file in `dir` whose name ends with `suffix`. */
export function only(dir, suffix) {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(suffix)) : [];
  if (files.length !== 1) throw new Error(`expected one *${suffix} in ${dir} (\`npm run package\` builds it), found ${JSON.stringify(files)}`);
  return path.join(dir, files[0]);
}

/**
 * A scratch clone of this repository's committed state, with the root's
 * node_modules linked in: projen's release tasks run there without touching
 * the working copy. Its last `depth` commits only: the changelog tool reads
 * every commit since the last tag, and a first release has none.
 */
export function scratchClone(depth = 10) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-release-'));
  ok('git', ['clone', '--quiet', '--no-tags', `--depth=${depth}`, `file://${ROOT}`, dir]);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [k, v] of Object.entries({ 'user.name': 'release dry run', 'user.email': 'dry-run@example.invalid', 'commit.gpgsign': 'false', 'tag.gpgsign': 'false' })) {
    ok('git', ['config', k, v], { cwd: dir });
  }
  return dir;
}
