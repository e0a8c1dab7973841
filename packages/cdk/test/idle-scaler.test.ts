import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IdleScaler } from '../src';

function synth() {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }) });
  new IdleScaler(stack, 'Scaler', { cluster, controlPlaneServiceName: 'kong-cp' });
  return { app, template: Template.fromStack(stack) };
}

describe('IdleScaler', () => {
  test('GIVEN the library WHEN built THEN it ships the scaler bundle as an asset', () => {
    const bundle = path.join(__dirname, '..', 'assets', 'idle-scaler', 'index.js');
    expect(fs.statSync(bundle).size).toBeGreaterThan(1000);
    expect(fs.readFileSync(bundle, 'utf8')).toContain('DescribeServices');
  });

  test('GIVEN a cluster WHEN synthesized THEN the function runs the bundled handler on Node.js 22 ARM64', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: { Variables: { CONTROL_PLANE_SERVICE: 'kong-cp', CLUSTER_ARN: Match.anyValue() } },
    });
  });

  test('GIVEN a cluster WHEN synthesized THEN the function may describe only the control plane service', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: 'ecs:DescribeServices',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':service/'), '/kong-cp'])] },
        }],
      },
    });
  });
});
