import { App } from 'aws-cdk-lib';
import { ReferenceStack } from './reference-stack';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key);
new ReferenceStack(app, 'KongHybridReference', {
  description: 'Kong Gateway hybrid mode on ECS Fargate and Aurora Serverless v2 (kong-hybrid reference deployment)',
  // The load balancer's access logs need the region at synth time.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: context('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  domainName: context('domainName'),
  zoneName: context('zoneName'),
  hostedZoneId: context('hostedZoneId'),
  adminAllowedCidrs: context('adminAllowedCidrs')?.split(',').map((c) => c.trim()).filter(Boolean),
});
app.synth();
