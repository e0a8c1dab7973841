// Release dry run: versions and changelogs from conventional commits.
//
// projen's `bump` task (the first step of each workspace's release) runs in a
// scratch clone of this repository, where the test plays a release history:
// tags as the release workflow leaves them, then commits of each kind. Only
// commits under a workspace's release paths count for it (the construct
// library's include the idle scaler and the admin client it bundles).
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ok, scratchClone } from './support.mjs';

let clone;
const cdk = () => path.join(clone, 'packages', 'cdk');
const adminClient = () => path.join(clone, 'packages', 'admin-client');

/** Runs a projen task of a workspace, as `npx projen TASK` does, on this Node.js. */
function projen(task, cwd) {
  const env = { ...process.env, PATH: `${path.join(clone, 'node_modules', '.bin')}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
  return ok(process.execPath, [path.join(clone, 'node_modules', 'projen', 'bin', 'projen'), task], { cwd, env });
}

/** `projen bump` in a workspace: the version, tag and changelog it decided. */
function bump(workspaceDir, { unbump = false } = {}) {
  const bumped = projen('bump', workspaceDir);
  const read = (f) => readFileSync(path.join(workspaceDir, 'dist', f), 'utf8').trim();
  const result = { version: read('version.txt'), tag: read('releasetag.txt'), changelog: read('changelog.md'), log: bumped.output };
  if (process.env.PRINT_CHANGELOG) console.log(`--- ${path.basename(workspaceDir)} ${result.tag}\n${result.changelog}`);
  if (unbump) {
    projen('unbump', workspaceDir);
    assert.equal(JSON.parse(readFileSync(path.join(workspaceDir, 'package.json'), 'utf8')).version, '0.0.0', 'unbump restores 0.0.0');
  }
  return result;
}

/** A commit that touches one file of the repository. */
function commit(file, message) {
  // bump leaves the new version in package.json (release's unbump resets it): commit only the file.
  appendFileSync(path.join(clone, file), `\n<!-- ${message} -->\n`);
  ok('git', ['add', file], { cwd: clone });
  ok('git', ['commit', '--quiet', '-m', message], { cwd: clone });
}

describe('release dry run: versions and changelogs from conventional commits', () => {
  before(() => { clone = scratchClone(); });
  after(() => rmSync(clone, { recursive: true, force: true }));

  test('GIVEN no release yet WHEN the library and the admin client are bumped THEN their first versions are 1.0.0 (stable) and 0.1.0', () => {
    const lib = bump(cdk(), { unbump: true });
    assert.equal(lib.version, '1.0.0');
    assert.equal(lib.tag, '@kong-hybrid/cdk@v1.0.0');
    assert.match(lib.changelog, /^## 1\.0\.0/m);
    const client = bump(adminClient());
    assert.equal(client.version, '0.1.0');
    assert.equal(client.tag, '@kong-hybrid/admin-client@v0.1.0');
  });

  test('GIVEN the library released as 1.0.0 WHEN only the reference app changes THEN there is no new version to publish', () => {
    ok('git', ['tag', '@kong-hybrid/cdk@v1.0.0'], { cwd: clone });
    commit('apps/reference/README.md', 'feat(reference): a change the library does not ship');
    const lib = bump(cdk());
    // The tag exists already: the release workflow sees it and publishes nothing.
    assert.equal(lib.version, '1.0.0');
    assert.equal(lib.tag, '@kong-hybrid/cdk@v1.0.0');
  });

  test('GIVEN a fix in the idle scaler the library bundles WHEN bumped THEN a patch release lists it, and not the app\'s change', () => {
    commit('packages/idle-scaler/README.md', 'fix(idle-scaler): a fix inside the bundled Lambda');
    const lib = bump(cdk());
    assert.equal(lib.version, '1.0.1');
    assert.match(lib.changelog, /### Bug Fixes[\s\S]*a fix inside the bundled Lambda/);
    assert.doesNotMatch(lib.changelog, /a change the library does not ship/);
  });

  test('GIVEN a feature of the library WHEN bumped THEN a minor release lists the feature and the fix', () => {
    commit('packages/cdk/README.md', 'feat(cdk): a new optional prop');
    const lib = bump(cdk());
    assert.equal(lib.version, '1.1.0');
    assert.match(lib.changelog, /### Features[\s\S]*a new optional prop/);
    assert.match(lib.changelog, /a fix inside the bundled Lambda/);
  });

  test('GIVEN a breaking change WHEN bumped THEN it is a major release (and the API gate then allows the break)', () => {
    commit('packages/cdk/README.md', 'feat(cdk)!: a prop renamed');
    const lib = bump(cdk());
    assert.equal(lib.version, '2.0.0');
    assert.match(lib.changelog, /BREAKING CHANGES|⚠ BREAKING/);
  });
});
