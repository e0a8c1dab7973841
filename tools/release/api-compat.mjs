#!/usr/bin/env node
// The API compatibility gate of a jsii library's release (its `compat` task,
// the last step of projen's `release` task, after bump and build).
//
// It compares the assembly just built with the last release of the same major
// version, with jsii-diff, and fails on a breaking change: a breaking change
// needs a new major version (a `feat!:`/`fix!:` commit or a BREAKING CHANGE
// footer, which projen's bump turns into one). A first release, or a new major
// version, has nothing to be compatible with and passes.
//
// Usage, in the library's folder, after `projen bump` and the build:
//   node ../../tools/release/api-compat.mjs
// Reads dist/version.txt (the new version), the package name and the git tags
// `<name>@v<version>` of earlier releases; the baseline comes from the npm
// registry (`npm:<name>@<version>`, as jsii-diff fetches it). `.compatignore`
// lists the keys (`jsii-diff --keys`) of accepted breaking changes, one a line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** Parses `1.2.3` (pre-release suffixes kept apart); undefined for anything else. */
export function parseVersion(text) {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-(.+))?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4], text: text.trim() } : undefined;
}

function compare(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || (a.pre === b.pre ? 0 : a.pre ? -1 : 1);
}

/**
 * What the new version must be compatible with, given the versions released
 * before it: the newest earlier release of the same major version, or nothing
 * (first release, new major version) with the reason.
 */
export function baselineFor(newVersion, released) {
  const next = parseVersion(newVersion);
  if (!next) throw new Error(`not a version: ${JSON.stringify(newVersion)}`);
  const earlier = released.map(parseVersion).filter((v) => v && !v.pre && compare(v, next) < 0).sort(compare);
  if (earlier.length === 0) return { compare: false, reason: `${next.text} is the first release: nothing to be compatible with` };
  const sameMajor = earlier.filter((v) => v.major === next.major);
  if (sameMajor.length === 0) {
    return { compare: false, reason: `${next.text} is a new major version (last release ${earlier[earlier.length - 1].text}): breaking changes are allowed` };
  }
  const baseline = sameMajor[sameMajor.length - 1].text;
  return { compare: true, baseline, reason: `${next.text} must be compatible with ${baseline}` };
}

/** The versions released so far, from the git tags `<prefix>v<version>`. */
export function releasedVersions(tagPrefix, cwd) {
  const out = spawnSync('git', ['tag', '--list', `${tagPrefix}v*`], { cwd, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`git tag failed: ${out.stderr}`);
  return out.stdout.split('\n').filter(Boolean).map((t) => t.slice(`${tagPrefix}v`.length));
}

/**
 * Runs jsii-diff: `original` is an assembly folder, a .jsii file or
 * `npm:<name>@<version>`; `updated` the library's folder. Errors on stable and
 * deprecated APIs (the library is stable), with suppression keys shown.
 */
export function jsiiDiff(original, updated, { ignoreFile } = {}) {
  const args = [original, updated, '--keys', ...(ignoreFile ? ['--ignore-file', ignoreFile] : [])];
  // On the Node.js that runs this script (the toolchain's), whatever `node` the PATH has.
  const bin = createRequire(import.meta.url).resolve('jsii-diff/bin/jsii-diff');
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { ok: run.status === 0, status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** The gate: prints what it decided and why; true when the release may go on. */
export function gate({ packageDir, newVersion, released, baseline }) {
  const { name } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const decision = baselineFor(newVersion, released);
  console.log(`api-compat: ${name} ${decision.reason}`);
  if (!decision.compare) return true;
  const original = baseline ?? `npm:${name}@${decision.baseline}`;
  const ignoreFile = path.join(packageDir, '.compatignore');
  const result = jsiiDiff(original, packageDir, { ignoreFile });
  console.log(result.output);
  if (!result.ok) {
    console.error(`api-compat: ${name} ${newVersion} breaks the API of ${decision.baseline} (above). Make it a major release (a \`feat!:\` commit or a BREAKING CHANGE footer), or list the keys you accept in .compatignore.`);
  }
  return result.ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packageDir = process.cwd();
  const versionFile = path.join(packageDir, 'dist', 'version.txt');
  if (!existsSync(versionFile)) {
    console.error('api-compat: no dist/version.txt: run it after `projen bump` and the build (projen\'s release task does)');
    process.exit(1);
  }
  const { name } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const newVersion = readFileSync(versionFile, 'utf8').trim();
  const ok = gate({ packageDir, newVersion, released: releasedVersions(`${name}@`, packageDir) });
  process.exit(ok ? 0 : 1);
}
