// Release dry run: the API reference the release ships is the committed one.
//
// `npm run docgen` (turbo's docgen task, which this suite runs after; projen's
// post-compile in the release build) writes the construct library's API
// reference from its compiled assembly. Anything git does not have as
// committed means the change that altered the API did not bring its docs; the
// release workflow would stop on it too (projen's anti-tamper check).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CDK, ok } from './support.mjs';

const API_FILES = ['API.md', 'docs/API.python.md', 'docs/API.java.md'];

describe('release dry run: the API reference', () => {
  test('GIVEN `npm run docgen` WHEN it has written the API reference THEN git has it as committed', () => {
    const tracked = ok('git', ['ls-files', '--', ...API_FILES], { cwd: CDK }).stdout.trim().split('\n');
    assert.deepEqual(tracked.sort(), [...API_FILES].sort());
    const status = ok('git', ['status', '--porcelain', '--', ...API_FILES], { cwd: CDK }).stdout;
    assert.equal(status, '', 'run `npm run docgen` and commit what it writes');
  });
});
