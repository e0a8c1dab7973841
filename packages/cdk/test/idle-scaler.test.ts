import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IdleScaler, type IdleScalerProps } from '../src';
import { cfnLint } from './support/cfn-lint';
import { once, testApp } from './support/stacks';

/** A stack with what the scaler needs: a VPC, a cluster, the CP and DP services and an Aurora cluster. */
function fixture(options: { envAgnostic?: boolean } = {}) {
  const app = testApp();
  const stack = new Stack(app, 'Test', options.envAgnostic ? {} : { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const service = (id: string) => {
    const taskDefinition = new ecs.FargateTaskDefinition(stack, `${id}Task`);
    taskDefinition.addContainer('kong', { image: ecs.ContainerImage.fromRegistry('kong:3.9.1') });
    return new ecs.FargateService(stack, id, { cluster, taskDefinition });
  };
  const controlPlane = service('ControlPlane');
  const dataPlane = service('DataPlane');
  const database = new rds.DatabaseCluster(stack, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_11 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0,
    vpc,
  });
  return { app, stack, vpc, cluster, controlPlane, dataPlane, database };
}

function synth(props: Partial<IdleScalerProps> = {}, options: { envAgnostic?: boolean } = {}) {
  const f = fixture(options);
  const scaler = new IdleScaler(f.stack, 'Scaler', {
    controlPlaneService: f.controlPlane,
    dataPlaneService: f.dataPlane,
    controlPlaneConnections: f.controlPlane,
    database: f.database,
    adminApiUrl: 'http://kong-cp.kong.local:8001',
    ...props,
  });
  return { ...f, scaler, template: Template.fromStack(f.stack) };
}

/** The scaler with its defaults, synthesized once for the file: the tests that only read it share it. */
const standard = once(() => synth());

const ref = (template: Template, type: string, pattern: RegExp) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe('IdleScaler', () => {
  test('GIVEN the library WHEN built THEN it ships the scaler bundle as an asset', () => {
    const bundle = path.join(__dirname, '..', 'assets', 'idle-scaler', 'index.js');
    expect(fs.statSync(bundle).size).toBeGreaterThan(1000);
    expect(fs.readFileSync(bundle, 'utf8')).toContain('clustering/data-planes');
  });

  test('GIVEN the services WHEN synthesized THEN the function runs the bundle on Node.js 22 ARM64 with its settings, polling through the sync timeout', () => {
    const { template } = standard();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 360,
      Environment: {
        Variables: {
          CLUSTER_ARN: Match.anyValue(),
          CONTROL_PLANE_SERVICE: Match.anyValue(),
          DATA_PLANE_SERVICE: Match.anyValue(),
          DATABASE_CLUSTER: Match.anyValue(),
          STATE_TABLE: Match.anyValue(),
          ADMIN_API_URL: 'http://kong-cp.kong.local:8001',
          SYNC_TIMEOUT_SECONDS: '300',
          COOLDOWN_SECONDS: '1800',
          WAKE_BOUND_SECONDS: '900',
          EXTENSION_SECONDS: '900',
          POLL_INTERVAL_SECONDS: '5',
          METRICS_NAMESPACE: 'KongHybrid/IdleScaler',
        },
      },
    });
  });

  test('GIVEN custom timings WHEN synthesized THEN they reach the function', () => {
    const { template } = synth({ syncTimeout: Duration.minutes(10), cooldown: Duration.hours(2), cooldownExtension: Duration.minutes(5), pollInterval: Duration.seconds(15), tickInterval: Duration.minutes(5) });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 660,
      Environment: { Variables: Match.objectLike({ SYNC_TIMEOUT_SECONDS: '600', COOLDOWN_SECONDS: '7200', EXTENSION_SECONDS: '300', POLL_INTERVAL_SECONDS: '15' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  test('GIVEN the services WHEN synthesized THEN the function may touch only the two services, the database cluster, its state table and its dead-letter queue', () => {
    const { template } = standard();
    const deadLetters = ref(template, 'AWS::SQS::Queue', /^ScalerDeadLetterQueue/);
    const cp = ref(template, 'AWS::ECS::Service', /^ControlPlane/);
    const dp = ref(template, 'AWS::ECS::Service', /^DataPlane/);
    const table = ref(template, 'AWS::DynamoDB::Table', /^ScalerState/);
    const db = ref(template, 'AWS::RDS::DBCluster', /^Database/);

    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
          { Sid: 'ReadKongServices', Action: 'ecs:DescribeServices', Effect: 'Allow', Resource: [{ Ref: cp }, { Ref: dp }] },
          {
            Sid: 'ReadKongTasks',
            Action: ['ecs:ListTasks', 'ecs:DescribeTasks'],
            Effect: 'Allow',
            Resource: '*',
            Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [ref(template, 'AWS::ECS::Cluster', /^Cluster/), 'Arn'] } } },
          },
          { Sid: 'ScaleControlPlane', Action: 'ecs:UpdateService', Effect: 'Allow', Resource: { Ref: cp } },
          {
            Sid: 'StartDatabase',
            Action: ['rds:DescribeDBClusters', 'rds:StartDBCluster'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:us-east-1:123456789012:cluster:', { Ref: db }]] },
          },
          { Sid: 'State', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
        ],
      },
    });
    // Nothing else: one inline policy; its one wildcard is the task reads', conditioned on the cluster.
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy')).match(/"\*"/g)).toHaveLength(1);
  });

  test('GIVEN no database WHEN synthesized THEN the function gets no RDS permission and no database setting', () => {
    const { template } = synth({ database: undefined });

    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('rds:');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DATABASE_CLUSTER: Match.absent() }) } });
  });

  test('GIVEN the services WHEN synthesized THEN a starting DP task, a DP deployment and the schedule invoke the function', () => {
    const { template } = standard();
    const cluster = ref(template, 'AWS::ECS::Cluster', /^Cluster/);
    const dp = ref(template, 'AWS::ECS::Service', /^DataPlane/);
    const fn = { 'Fn::GetAtt': [ref(template, 'AWS::Lambda::Function', /^ScalerFunction/), 'Arn'] };

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        'detail': {
          clusterArn: [{ 'Fn::GetAtt': [cluster, 'Arn'] }],
          group: [{ 'Fn::Join': ['', ['service:', { 'Fn::GetAtt': [dp, 'Name'] }]] }],
          lastStatus: ['PROVISIONING', 'PENDING'],
        },
      },
      Targets: [Match.objectLike({ Arn: fn })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        'resources': [{ Ref: dp }],
        'detail': { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'] },
      },
      Targets: [Match.objectLike({ Arn: fn })],
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', Targets: [Match.objectLike({ Arn: fn })] });
    template.resourceCountIs('AWS::Events::Rule', 3);
  });

  test('GIVEN a scale-out alarm WHEN synthesized THEN its ALARM state invokes the function', () => {
    const f = fixture();
    const alarm = new cloudwatch.Alarm(f.stack, 'DpCpuHigh', { metric: f.dataPlane.metricCpuUtilization(), threshold: 70, evaluationPeriods: 1 });
    new IdleScaler(f.stack, 'Scaler', { controlPlaneService: f.controlPlane, dataPlaneService: f.dataPlane, adminApiUrl: 'http://kong-cp.kong.local:8001', scaleOutAlarms: [alarm] });
    const template = Template.fromStack(f.stack);

    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': [{ 'Fn::GetAtt': [ref(template, 'AWS::CloudWatch::Alarm', /^DpCpuHigh/), 'Arn'] }],
        'detail': { state: { value: ['ALARM'] } },
      },
    });
  });

  test('GIVEN the control plane\'s connections WHEN synthesized THEN the scaler reaches its Admin API port and HTTPS, nothing else', () => {
    const { template } = synth({ adminApiUrl: 'http://kong-cp.kong.local:8444' });
    const scalerSg = ref(template, 'AWS::EC2::SecurityGroup', /^ScalerSecurityGroup/);
    const cpSg = ref(template, 'AWS::EC2::SecurityGroup', /^ControlPlaneSecurityGroup/);

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Kong idle scaler'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'ECS, RDS and DynamoDB APIs' }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [scalerSg, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [cpSg, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 8444,
      ToPort: 8444,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [cpSg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [scalerSg, 'GroupId'] },
      FromPort: 8444,
      ToPort: 8444,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [scalerSg, 'GroupId'] }], SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet') }]) },
    });
  });

  test('GIVEN the scaler WHEN synthesized THEN an alarm watches its failures and errors', () => {
    const { template, scaler } = standard();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 3,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failures, 0) + FILL(errors, 0)' }),
        Match.objectLike({ Id: 'failures', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'KongHybrid/IdleScaler', MetricName: 'Failures' }) }) }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/Lambda', MetricName: 'Errors' }) }) }),
      ]),
    });
    expect(scaler.failureAlarm).toBeDefined();
    expect(scaler.metricWakeToSynced().metricName).toBe('WakeToSynced');
  });

  test('GIVEN the scaler WHEN synthesized THEN an alarm fires when a stop has been deferred for the wake bound, and one when a CP never became healthy', () => {
    const { template, scaler } = synth({ syncTimeout: Duration.minutes(4) });

    // Three sync timeouts by default.
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WAKE_BOUND_SECONDS: '720' }) } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KongHybrid/IdleScaler',
      MetricName: 'StopDeferredFor',
      Statistic: 'Maximum',
      Threshold: 720_000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KongHybrid/IdleScaler',
      MetricName: 'NeverHealthy',
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    expect(scaler.deferredStopAlarm).toBeDefined();
    expect(scaler.neverHealthyAlarm).toBeDefined();
    expect(scaler.metricStopDeferredFor().metricName).toBe('StopDeferredFor');
  });

  test('GIVEN a wake bound WHEN synthesized THEN it reaches the function and the deferred-stop alarm', () => {
    const { template } = synth({ wakeBound: Duration.hours(1) });

    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ WAKE_BOUND_SECONDS: '3600' }) } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StopDeferredFor', Threshold: 3_600_000 });
  });

  test.each([
    [{ syncTimeout: Duration.minutes(20) }, 'syncTimeout must be between 10 seconds and 14 minutes, got 20 minutes'],
    [{ pollInterval: Duration.seconds(30) }, 'pollInterval must be between 1 second and 15 seconds, got 30 seconds'],
    [{ cooldown: Duration.seconds(10) }, 'cooldown must be between 1 minute and 1 day, got 10 seconds'],
    [{ cooldownExtension: Duration.days(2) }, 'cooldownExtension must be between 2 minutes and 1 day, got 2 days'],
    [{ tickInterval: Duration.seconds(30) }, 'tickInterval must be between 1 minute and 15 minutes, got 30 seconds'],
    [{ wakeBound: Duration.minutes(4) }, 'wakeBound must be longer than syncTimeout (5 minutes), got 4 minutes'],
    [{ wakeBound: Duration.days(2) }, 'wakeBound must be between 1 minute and 1 day, got 2 days'],
    [{ syncTimeout: Duration.seconds(15) }, 'the default wakeBound (three times syncTimeout) must be between 1 minute and 1 day, got 45 seconds'],
    [{ adminApiUrl: 'kong-cp.kong.local:8001' }, 'adminApiUrl must be an http(s) URL such as http://kong-cp.kong.local:8001, got "kong-cp.kong.local:8001"'],
  ] as Array<[Partial<IdleScalerProps>, string]>)('GIVEN %o WHEN constructed THEN the error names the prop and the value', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('GIVEN the services of two clusters WHEN constructed THEN it refuses', () => {
    const f = fixture();
    const other = new ecs.Cluster(f.stack, 'Other', { vpc: f.vpc, clusterName: 'other' });
    const cp = ecs.FargateService.fromFargateServiceAttributes(f.stack, 'Cp', { cluster: new ecs.Cluster(f.stack, 'Main', { vpc: f.vpc, clusterName: 'main' }), serviceName: 'kong-cp' });
    const dp = ecs.FargateService.fromFargateServiceAttributes(f.stack, 'Dp', { cluster: other, serviceName: 'kong-dp' });

    expect(() => new IdleScaler(f.stack, 'Scaler', { controlPlaneService: cp, dataPlaneService: dp, adminApiUrl: 'http://kong-cp.kong.local:8001' }))
      .toThrow('dataPlaneService must run in the control plane\'s cluster (Test/Main), got a service of cluster Test/Other');
  });

  test('GIVEN the scaler WHEN checked by cdk-nag (AWS Solutions) THEN there are no findings but what it acknowledges with reasons', () => {
    const { scaler } = standard();

    const report = new AwsSolutionsChecks().validateScope(scaler);

    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${(r as { constructPath?: string }).constructPath}`));
    expect(findings).toEqual([]);
    const acknowledged = scaler.node.findAll().flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object));
    expect(acknowledged.sort()).toEqual([
      'AwsSolutions-DDB3',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SQS3',
    ]);
  });

  test('GIVEN the scaler WHEN its template is linted by cfn-lint THEN there are no findings', () => {
    // Environment-agnostic: no placeholder availability zones in the template.
    const { app } = synth({}, { envAgnostic: true });
    const assembly = app.synth();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idle-scaler-')), 'template.json');
    fs.writeFileSync(file, JSON.stringify(assembly.getStackByName('Test').template));
    // Nothing printed: no finding of any level (each would also make cfn-lint exit non-zero).
    expect(cfnLint([file], { args: ['--regions', 'us-east-1'] }).trim()).toBe('');
  });
});
