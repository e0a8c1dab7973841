import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { gatewayStack } from '../support/stacks';

/** The major of the Node.js the toolchain installs (the root's `node` devDependency). */
const toolchainMajor = Number(JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')).devDependencies.node.split('.')[0]);

describe('the Lambda runtime', () => {
  test('GIVEN the default gateway WHEN synthesized THEN every function runs the Node.js these tests run on', () => {
    // GIVEN
    const { stack } = gatewayStack();
    // WHEN
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    // THEN: our handlers (the idle scaler, the cluster certificate, the admin bootstrap) and
    // aws-cdk-lib's own (custom resource providers) are all tested where they run.
    const runtimes = new Set(functions.map((f) => f.Properties.Runtime));
    expect(functions.length).toBeGreaterThanOrEqual(3);
    expect([...runtimes]).toEqual([`nodejs${toolchainMajor}.x`]);
    expect(Number(process.versions.node.split('.')[0])).toBe(toolchainMajor);
  });
});
