// What `require('@aws/cloudformation-validate')` gives inside a test file (see
// environment.cjs): the copy the jest worker loaded once or, under another test
// environment, the package itself, loaded into the test file's registry as usual
// (by its path: jest would map the package's name back to this file).
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

function ownCopy() {
  for (let dir = path.dirname(require.resolve('aws-cdk-lib/package.json')); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '@aws', 'cloudformation-validate', 'index.js');
    if (existsSync(candidate)) return require(candidate);
    if (path.dirname(dir) === dir) throw new Error('@aws/cloudformation-validate not found above aws-cdk-lib');
  }
}

module.exports = globalThis.__kongHybridCloudFormationValidate ?? ownCopy();
