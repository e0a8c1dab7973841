import { Match, Template } from 'aws-cdk-lib/assertions';
import { gatewayStack } from './support/stacks';

// GIVEN the default gateway (its idle scaler is triggered by EventBridge rules), synthesized once
const { stack, gateway } = gatewayStack();
const template = Template.fromStack(stack);
const queue = stack.resolve((gateway.idleScaler!.deadLetterQueue.node.defaultChild as any).logicalId);
const queueArn = { 'Fn::GetAtt': [queue, 'Arn'] };

describe('the idle scaler\'s dead letters', () => {
  test('GIVEN an asynchronous invocation that keeps failing WHEN Lambda gives up THEN the event goes to the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Starts the Kong control plane on demand and stops it when idle',
      DeadLetterConfig: { TargetArn: queueArn },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn })]) },
    });
  });

  test('GIVEN an event EventBridge cannot deliver WHEN its retries are spent THEN it goes to the same queue', () => {
    // The rules that invoke the idle scaler (other rules, such as the admin bootstrap's repairs, target other functions).
    const scaler = stack.resolve((gateway.idleScaler!.function.node.defaultChild as any).logicalId);
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((rule) => rule.Properties.Targets.some((t: any) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [scaler, 'Arn'] })));
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ DeadLetterConfig: { Arn: queueArn } })]);
    }
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
  });

  test('GIVEN a dead letter WHEN it is in the queue THEN an alarm says so, and the queue is encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});
