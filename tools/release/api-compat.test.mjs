// Release dry run: the API compatibility gate (tools/release/api-compat.mjs),
// with jsii-diff against baselines made from the library's own assembly (no
// release is on npm yet to compare with).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { baselineFor, gate, jsiiDiff } from './api-compat.mjs';
import { CDK, ROOT } from './support.mjs';

/**
 * A baseline assembly folder: the library's current .jsii, changed by `edit`,
 * with the assemblies it depends on resolvable next to it.
 */
function baseline(dir, edit) {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const assembly = JSON.parse(readFileSync(path.join(CDK, '.jsii'), 'utf8'));
  edit(assembly);
  delete assembly.fingerprint;
  writeFileSync(path.join(dir, '.jsii'), JSON.stringify(assembly));
  writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(CDK, 'package.json')));
  for (const dep of ['aws-cdk-lib', 'constructs']) symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
  return dir;
}

describe('release dry run: the API compatibility gate', () => {
  let scratch;
  let same;
  let withMore;
  // jsii-diff loads aws-cdk-lib's assembly on every run (~5 s): each comparison runs once.
  let sameDiff;
  let withMoreDiff;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'kong-api-compat-'));
    same = baseline(path.join(scratch, 'same'), () => undefined);
    // The last release had an optional prop this build no longer has: a removal.
    withMore = baseline(path.join(scratch, 'more'), (a) => {
      a.types['@kong-hybrid/cdk.KongHybridGatewayProps'].properties.push({
        abstract: true, immutable: true, optional: true, name: 'retiredProp',
        docs: { summary: 'A prop the last release had.', stability: 'stable' },
        locationInModule: { filename: 'src/kong-hybrid-gateway.ts', line: 1 },
        type: { primitive: 'string' },
      });
    });
    sameDiff = jsiiDiff(same, CDK);
    withMoreDiff = jsiiDiff(withMore, CDK);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('GIVEN the versions released so far WHEN a new version is built THEN it is compared with the last release of its major only', () => {
    assert.deepEqual(baselineFor('1.0.0', []), { compare: false, reason: '1.0.0 is the first release: nothing to be compatible with' });
    assert.deepEqual(baselineFor('1.2.1', ['1.0.0', '1.1.0', '1.2.0']), { compare: true, baseline: '1.2.0', reason: '1.2.1 must be compatible with 1.2.0' });
    assert.equal(baselineFor('1.3.0', ['1.10.0', '1.2.0']).baseline, '1.2.0', 'versions compare as numbers, and a later release is not a baseline');
    assert.equal(baselineFor('2.0.0', ['1.0.0', '1.4.2']).compare, false);
    assert.match(baselineFor('2.0.0', ['1.4.2']).reason, /new major version \(last release 1\.4\.2\): breaking changes are allowed/);
    assert.equal(baselineFor('2.1.0', ['1.9.0', '2.0.0', '2.1.0-rc.1']).baseline, '2.0.0', 'pre-releases are no baseline');
    assert.throws(() => baselineFor('v1', []), /not a version: "v1"/);
  });

  test('GIVEN the same API as the last release WHEN jsii-diff compares THEN it passes', () => {
    assert.equal(sameDiff.ok, true, sameDiff.output);
  });

  test('GIVEN a stable prop removed since the last release WHEN jsii-diff compares THEN it fails and names it', () => {
    assert.equal(withMoreDiff.ok, false);
    assert.match(withMoreDiff.output, /err\s+- PROP @kong-hybrid\/cdk\.KongHybridGatewayProps\.retiredProp: has been removed \[removed:@kong-hybrid\/cdk\.KongHybridGatewayProps\.retiredProp\]/);
  });

  test('GIVEN that removal WHEN released as a minor version THEN the gate stops the release; as a new major THEN it passes', () => {
    assert.equal(gate({ packageDir: CDK, newVersion: '1.1.0', released: ['1.0.0'], baseline: withMore }), false);
    // A new major version is not compared at all (no jsii-diff run).
    assert.equal(gate({ packageDir: CDK, newVersion: '2.0.0', released: ['1.0.0'], baseline: withMore }), true);
  });
});
