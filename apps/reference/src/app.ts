import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config';
import { ReferenceStack } from './reference-stack';

/** The stack's name in CloudFormation. */
export const STACK_NAME = 'KongHybridReference';

/**
 * The reference app: one stack, checked by cdk-nag's AwsSolutions pack while
 * it synthesizes (an unsuppressed finding is an error, and `cdk synth` fails).
 */
export function createReferenceApp(props: AppProps = {}): { app: App; stack: ReferenceStack } {
  const app = new App(props);
  const config = readConfig(app.node);
  const stack = new ReferenceStack(app, STACK_NAME, {
    description: 'Kong Gateway hybrid mode on ECS Fargate and Aurora Serverless v2 (kong-hybrid reference deployment)',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    config,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
