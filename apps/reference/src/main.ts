import { App } from 'aws-cdk-lib';
import { ReferenceStack } from './reference-stack';

const app = new App();
new ReferenceStack(app, 'KongHybridReference', {
  description: 'Kong Gateway hybrid mode on ECS Fargate and Aurora Serverless v2 (kong-hybrid reference deployment)',
});
app.synth();
