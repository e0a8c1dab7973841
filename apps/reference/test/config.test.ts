import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, readConfig } from '../src/config';
import { ReferenceStack } from '../src/reference-stack';

const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('readConfig', () => {
  test('GIVEN no context WHEN read THEN the defaults for kong-gw.example.com apply', () => {
    expect(configOf({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.domainName).toBe('kong-gw.example.com');
  });

  test('GIVEN command-line strings WHEN read THEN numbers, flags and lists are parsed', () => {
    const config = configOf({
      domainName: 'api.example.org', dataPlaneMinTasks: '3', controlPlaneAlwaysOn: 'true', adminAllowedCidrs: '198.51.100.0/24, 2001:db8::/48',
    });
    expect(config).toMatchObject({ domainName: 'api.example.org', dataPlaneMinTasks: 3, controlPlaneAlwaysOn: true, adminAllowedCidrs: ['198.51.100.0/24', '2001:db8::/48'] });
  });

  test('GIVEN cdk.json values WHEN read THEN typed values are taken as they are', () => {
    expect(configOf({ egress: 'natGateway', natCount: 1, adminAllowedCidrs: ['192.0.2.0/24'] })).toMatchObject({ egress: 'natGateway', natCount: 1, adminAllowedCidrs: ['192.0.2.0/24'] });
    expect(configOf({ dataPlaneFargateSpot: 'true', dataPlaneOnDemandBaseTasks: '0', dataPlaneCpu: '256' }))
      .toMatchObject({ dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 0, dataPlaneCpu: 256 });
    expect(configOf({})).not.toHaveProperty('dataPlaneOnDemandBaseTasks');
  });

  test.each([
    [{ dataPlaneMinTasks: 'two' }, 'context dataPlaneMinTasks: expected a whole number, got "two"'],
    [{ natCount: -1 }, 'context natCount: expected a whole number, got -1'],
    [{ egress: 'ipv6' }, 'context egress: expected natInstance or natGateway, got "ipv6"'],
    [{ dataPlaneOnDemandBaseTasks: 'one' }, 'context dataPlaneOnDemandBaseTasks: expected a whole number, got "one"'],
    [{ natGateways: 2 }, 'context natGateways was replaced by egress and natCount: use -c egress=natGateway -c natCount=2'],
    [{ controlPlaneAlwaysOn: 'yes' }, 'context controlPlaneAlwaysOn: expected true or false, got "yes"'],
    [{ domainName: ' ' }, 'context domainName: expected a non-empty string, got " "'],
    [{ adminAllowedCidrs: [1] }, 'context adminAllowedCidrs: expected a list of strings (comma-separated on the command line), got [1]'],
  ])('GIVEN %j WHEN read THEN it fails naming the key and the value', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });
});

describe('readConfig: image, alarms, trusted addresses', () => {
  test('GIVEN no context WHEN read THEN Kong 3.9.3 from ECR Public, no cache, no alarm topic, and the VPC\'s own ranges', () => {
    expect(configOf({})).toMatchObject({ kongImage: 'public.ecr.aws/docker/library/kong:3.9.3', kongImagePullThroughCachePrefix: '', alarmTopicArn: '', dataPlaneTrustedCidrs: [] });
  });

  test('GIVEN command-line values WHEN read THEN they are taken', () => {
    expect(configOf({
      kongImagePullThroughCachePrefix: 'ecr-public', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:kong-alarms', dataPlaneTrustedCidrs: '10.0.0.0/16,100.64.0.0/16',
    })).toMatchObject({ kongImagePullThroughCachePrefix: 'ecr-public', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:kong-alarms', dataPlaneTrustedCidrs: ['10.0.0.0/16', '100.64.0.0/16'] });
  });

  test.each([
    [{ alarmTopicArn: 'kong-alarms' }, 'context alarmTopicArn: expected an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:kong-alarms" (or empty), got "kong-alarms"'],
    [{ kongImagePullThroughCachePrefix: 'ECR Public' }, 'context kongImagePullThroughCachePrefix: expected an ECR repository prefix such as "ecr-public" (or empty), got "ECR Public"'],
    [{ kongImage: '' }, 'context kongImage: expected a non-empty string, got ""'],
  ])('GIVEN %j WHEN read THEN it fails naming the key and the value', (context, message) => {
    expect(() => configOf(context)).toThrow(message);
  });

  test('GIVEN an alarm topic WHEN the stack is synthesized THEN every alarm of the gateway notifies it', () => {
    const app = new App();
    const stack = new ReferenceStack(app, 'WithTopic', { env: { region: 'us-east-1' }, config: { ...DEFAULT_CONFIG, alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:kong-alarms' } });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:kong-alarms']);
  });
});
