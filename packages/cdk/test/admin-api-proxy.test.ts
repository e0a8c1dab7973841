import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPAIR_STACK_STATUSES } from '../lambda/admin-api-proxy/events';
import { AdminApiProxy, REPAIR_AFTER_STACK_STATUSES, type AdminApiProxyProps } from '../src';
import { gatewayStack, once, testApp } from './support/stacks';

/** A stack with what the bootstrap needs on its own: a VPC, a cluster, a control plane service, an Aurora cluster. */
function fixture() {
  const app = testApp();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'ControlPlaneTask');
  taskDefinition.addContainer('kong', { image: ecs.ContainerImage.fromRegistry('kong:3.9.1') });
  const controlPlane = new ecs.FargateService(stack, 'ControlPlane', { cluster, taskDefinition });
  const database = new rds.DatabaseCluster(stack, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_11 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0,
    vpc,
  });
  return { app, stack, vpc, cluster, controlPlane, database };
}

function synth(props: Partial<AdminApiProxyProps> = {}) {
  const f = fixture();
  const proxy = new AdminApiProxy(f.stack, 'Proxy', {
    controlPlaneService: f.controlPlane,
    adminApiUrl: 'http://kong-cp.kong.internal:8001',
    database: f.database,
    ...props,
  });
  f.controlPlane.connections.allowFrom(proxy, ec2.Port.tcp(8001));
  return { ...f, proxy, template: Template.fromStack(f.stack) };
}

/** The construct with its defaults, synthesized once for the file: the tests that only read it share it. */
const standard = once(() => synth());

const idOf = (c: any) => Stack.of(c).getLogicalId(c.node.defaultChild);
const ref = (template: Template, type: string, pattern: RegExp) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
};

describe('AdminApiProxy', () => {
  test('GIVEN the library WHEN built THEN it ships the bootstrap bundle as an asset, under 400 KiB', () => {
    const bundle = path.join(__dirname, '..', 'assets', 'admin-api-proxy', 'index.js');
    expect(fs.statSync(bundle).size).toBeLessThan(400 * 1024);
    expect(fs.readFileSync(bundle, 'utf8')).toContain('kong-hybrid-admin-proxy');
  });

  test('GIVEN a control plane WHEN synthesized THEN a Node.js 24 ARM64 function in the private subnets runs the bundle, with only the repair settings as environment, two minutes longer than the wait', () => {
    const { template } = standard();
    const fn = template.toJSON().Resources[ref(template, 'AWS::Lambda::Function', /^ProxyHandler/)];
    expect(fn.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 720,
    });
    expect(fn.Properties.VpcConfig.SubnetIds.map((s: { Ref: string }) => s.Ref)).toEqual([expect.stringMatching(/^VpcPrivateSubnet1/), expect.stringMatching(/^VpcPrivateSubnet2/)]);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(['ADMIN_PROXY_SETTINGS']);
  });

  test('GIVEN a control plane WHEN synthesized THEN the repair settings are exactly the custom resource\'s properties (no key, only its secret\'s ARN)', () => {
    const { template } = standard();
    const resources = template.toJSON().Resources;
    const env = resources[ref(template, 'AWS::Lambda::Function', /^ProxyHandler/)].Properties.Environment.Variables.ADMIN_PROXY_SETTINGS;
    // The JSON text is an Fn::Join of literal text and references: render each reference as a marker, then parse.
    const marker = (v: unknown) => `<${JSON.stringify(v).replace(/"/g, "'")}>`;
    const rendered = JSON.parse(env['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : marker(part))).join(''));
    const props = { ...(Object.values(template.findResources('Custom::KongAdminApiProxy'))[0] as any).Properties };
    delete props.ServiceToken;
    const asMarkers = JSON.parse(JSON.stringify(props, (k, v) => (k !== '' && v && typeof v === 'object' && !Array.isArray(v) ? marker(v) : v)));
    expect(rendered).toEqual(asMarkers);
  });

  test('GIVEN a control plane WHEN synthesized THEN a rule repairs /kong-admin when a control plane task starts, and one after every stack update', () => {
    const { template } = standard();
    const fnId = ref(template, 'AWS::Lambda::Function', /^ProxyHandler/);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        'detail': {
          clusterArn: [{ 'Fn::GetAtt': [ref(template, 'AWS::ECS::Cluster', /^Cluster/), 'Arn'] }],
          group: [{ 'Fn::Join': ['', ['service:', { 'Fn::GetAtt': [ref(template, 'AWS::ECS::Service', /^ControlPlane/), 'Name'] }]] }],
          lastStatus: ['RUNNING'],
          desiredStatus: ['RUNNING'],
        },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        'detail': { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } })],
    });
    template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] } }, 2);
  });

  test('GIVEN the construct and the handler WHEN compared THEN they agree on the stack statuses a repair follows', () => {
    expect(REPAIR_AFTER_STACK_STATUSES).toEqual(REPAIR_STACK_STATUSES);
  });

  test('GIVEN the same app synthesized twice WHEN compared THEN the templates are identical (no timestamp or random value triggers the repair)', () => {
    expect(JSON.stringify(synth().template.toJSON())).toBe(JSON.stringify(standard().template.toJSON()));
  });

  test('GIVEN a control plane and a database WHEN synthesized THEN the custom resource gets the settings, the secret by ARN and never a key', () => {
    const { template } = standard();
    expect((Object.values(template.findResources('Custom::KongAdminApiProxy'))[0] as any).Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [ref(template, 'AWS::Lambda::Function', /^ProxyHandler/), 'Arn'] },
      AdminApiUrl: 'http://kong-cp.kong.internal:8001',
      RoutePath: '/kong-admin',
      AllowedCidrs: [],
      ManagerOrigins: [],
      ApiKeySecretId: { Ref: ref(template, 'AWS::SecretsManager::Secret', /^ProxyApiKey/) },
      ApiKeyGeneration: '1',
      Cluster: { 'Fn::GetAtt': [ref(template, 'AWS::ECS::Cluster', /^Cluster/), 'Arn'] },
      ControlPlaneService: { 'Fn::GetAtt': [ref(template, 'AWS::ECS::Service', /^ControlPlane/), 'Name'] },
      DatabaseCluster: { Ref: ref(template, 'AWS::RDS::DBCluster', /^Database/) },
      WaitSeconds: '600',
    });
  });

  test('GIVEN the API key WHEN synthesized THEN Secrets Manager generates it: 40 letters and digits, no value in the template', () => {
    const { template } = standard();
    const secret = template.toJSON().Resources[ref(template, 'AWS::SecretsManager::Secret', /^ProxyApiKey/)].Properties;
    expect(secret.GenerateSecretString).toEqual({ PasswordLength: 40, ExcludePunctuation: true, IncludeSpace: false });
    expect(secret.SecretString).toBeUndefined();
  });

  test('GIVEN the options WHEN synthesized THEN CIDRs, origins, path, generation and wait reach the resource and the function\'s timeout', () => {
    const { template } = synth({
      allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'],
      kongManagerOrigins: ['http://localhost:8002', 'https://manager.example.com'],
      routePath: '/admin',
      apiKeyGeneration: 3,
      waitTimeout: Duration.minutes(13),
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    template.hasResourceProperties('Custom::KongAdminApiProxy', {
      AllowedCidrs: ['203.0.113.0/24', '2001:db8::/48'],
      ManagerOrigins: ['http://localhost:8002', 'https://manager.example.com'],
      RoutePath: '/admin',
      ApiKeyGeneration: '3',
      WaitSeconds: '780',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('GIVEN the control plane and database WHEN synthesized THEN the function may wake this service, start this cluster and use this secret, nothing else', () => {
    const { template } = standard();
    const cp = ref(template, 'AWS::ECS::Service', /^ControlPlane/);
    const db = ref(template, 'AWS::RDS::DBCluster', /^Database/);
    const secret = ref(template, 'AWS::SecretsManager::Secret', /^ProxyApiKey/);

    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as any[];
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'WakeControlPlane', Action: ['ecs:DescribeServices', 'ecs:UpdateService'], Effect: 'Allow', Resource: { Ref: cp } },
      {
        Sid: 'StartDatabase',
        Action: ['rds:DescribeDBClusters', 'rds:StartDBCluster'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:us-east-1:123456789012:cluster:', { Ref: db }]] },
      },
      { Sid: 'ApiKey', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'], Effect: 'Allow', Resource: { Ref: secret } },
    ]);
    expect(JSON.stringify(policies)).not.toContain('"*"');
  });

  test('GIVEN no database WHEN synthesized THEN no RDS permission and no database property', () => {
    const { template } = synth({ database: undefined });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('rds:');
    template.hasResourceProperties('Custom::KongAdminApiProxy', { DatabaseCluster: Match.absent() });
  });

  test('GIVEN the control plane allows it WHEN synthesized THEN the function reaches HTTPS and the Admin API port only, and the resource waits for those rules and its permissions', () => {
    const { template } = standard();
    const sg = ref(template, 'AWS::EC2::SecurityGroup', /^ProxySecurityGroup/);
    const cpSg = ref(template, 'AWS::EC2::SecurityGroup', /^ControlPlaneSecurityGroup/);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Kong admin bootstrap'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'ECS, RDS and Secrets Manager APIs' }],
    });
    const egress = ref(template, 'AWS::EC2::SecurityGroupEgress', /^ProxySecurityGroup/);
    expect(template.toJSON().Resources[egress].Properties).toMatchObject({
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [cpSg, 'GroupId'] }, FromPort: 8001, ToPort: 8001,
    });
    const resource = Object.values(template.findResources('Custom::KongAdminApiProxy'))[0] as any;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([sg, egress, ref(template, 'AWS::IAM::Policy', /^ProxyHandler/)]));
  });

  test('GIVEN a grantee WHEN granted read of the key THEN it may read this secret', () => {
    const f = fixture();
    const proxy = new AdminApiProxy(f.stack, 'Proxy', { controlPlaneService: f.controlPlane, adminApiUrl: 'http://kong-cp.kong.internal:8001' });
    const role = new iam.Role(f.stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    proxy.grantReadApiKey(role);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(role) }],
      PolicyDocument: { Statement: [{ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: idOf(proxy.apiKeySecret) } }] },
    });
  });

  test('GIVEN the standalone construct WHEN cdk-nag AwsSolutions checks it THEN there is no finding but what it acknowledges with reasons', () => {
    const { proxy } = standard();
    const report = new AwsSolutionsChecks().validateScope(proxy);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acknowledged = proxy.node.findAll().flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object).map((id) => id.replace(/^annotation::/i, '')))
      .filter((id) => id.startsWith('AwsSolutions-'));
    expect(acknowledged.sort()).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AwsSolutions-SMG4',
    ]);
  });

  test.each([
    [{ allowedCidrs: ['203.0.113.0/33'] }, 'allowedCidrs[0] must be an IPv4 or IPv6 CIDR block such as "203.0.113.0/24", got "203.0.113.0/33"'],
    [{ kongManagerOrigins: ['*'] }, 'kongManagerOrigins[0] must be an origin such as "http://localhost:8002" (scheme, host, optional port; no path, no wildcard), got "*"'],
    [{ kongManagerOrigins: ['http://localhost:8002', 'http://localhost:8002/manager'] }, 'kongManagerOrigins[1] must be an origin'],
    [{ routePath: '/kong/admin' }, 'routePath must be one path segment such as "/kong-admin", got "/kong/admin"'],
    [{ apiKeyGeneration: 0 }, 'apiKeyGeneration must be between 1 and'],
    [{ apiKeyGeneration: 1.5 }, 'apiKeyGeneration must be a whole number, got 1.5'],
    [{ waitTimeout: Duration.seconds(30) }, 'waitTimeout must be between 60 and 780 seconds, got "30 s"'],
    [{ waitTimeout: Duration.minutes(14) }, 'waitTimeout must be between 60 and 780 seconds, got "840 s"'],
    [{ adminApiUrl: 'http://kong-cp.kong.internal:8001/admin' }, 'adminApiUrl must be an http(s) URL without a path, such as "http://kong-cp.kong.internal:8001", got "http://kong-cp.kong.internal:8001/admin"'],
  ])('GIVEN %p WHEN synthesized THEN it fails naming the prop and the value', (props, message) => {
    expect(() => synth(props as Partial<AdminApiProxyProps>)).toThrow(message);
  });
});

describe('KongHybridGateway and its admin bootstrap', () => {
  const def = gatewayStack();
  const template = Template.fromStack(def.stack);

  test('GIVEN the default gateway WHEN synthesized THEN the bootstrap points Kong at the control plane by its Cloud Map name, watches its database, and denies every address (no admin CIDRs)', () => {
    const g = def.gateway;
    expect(g.adminApiProxy).toBeDefined();
    template.hasResourceProperties('Custom::KongAdminApiProxy', {
      AdminApiUrl: 'http://kong-cp.kong.internal:8001',
      RoutePath: '/kong-admin',
      AllowedCidrs: [],
      ManagerOrigins: [],
      ControlPlaneService: { 'Fn::GetAtt': [idOf(g.controlPlane.service), 'Name'] },
      DatabaseCluster: { Ref: idOf(g.database.cluster) },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the bootstrap runs after the rule that lets it into the control plane', () => {
    const ingress = Object.entries(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(([, r]: [string, any]) =>
      r.Properties.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] === idOf(def.gateway.adminApiProxy!.connections.securityGroups[0]));
    expect(ingress).toHaveLength(1);
    expect(ingress[0][1].Properties).toMatchObject({ FromPort: 8001, ToPort: 8001 });
    const resource = Object.values(template.findResources('Custom::KongAdminApiProxy'))[0] as any;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([ingress[0][0]]));
  });

  test('GIVEN the default gateway WHEN synthesized THEN the key\'s secret is a handle and an output, to read the key', () => {
    const g = def.gateway;
    expect(g.adminApiKeySecret).toBe(g.adminApiProxy!.apiKeySecret);
    const outputs = template.toJSON().Outputs;
    const output = Object.entries(outputs).find(([id]) => id.includes('AdminApiKeySecretArn'))![1] as any;
    expect(output).toEqual({
      Value: { Ref: idOf(g.adminApiKeySecret) },
      Description: 'The admin API key: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
    });
  });

  test('GIVEN admin CIDRs, Kong Manager origins and a key generation WHEN synthesized THEN they reach the bootstrap', () => {
    const g = gatewayStack({ adminAllowedCidrs: ['198.51.100.0/24'], kongManagerOrigins: ['http://localhost:8002'], adminApiKeyGeneration: 2 }, 'WithOrigins');
    Template.fromStack(g.stack).hasResourceProperties('Custom::KongAdminApiProxy', {
      AllowedCidrs: ['198.51.100.0/24'], ManagerOrigins: ['http://localhost:8002'], ApiKeyGeneration: '2',
    });
  });

  test('GIVEN adminApiProxy false WHEN synthesized THEN there is no bootstrap, no key, no security group of its own and no output', () => {
    const g = gatewayStack({ adminApiProxy: false }, 'NoProxy');
    const t = Template.fromStack(g.stack);
    expect([g.gateway.adminApiProxy, g.gateway.adminApiKeySecret]).toEqual([undefined, undefined]);
    t.resourceCountIs('Custom::KongAdminApiProxy', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroup', 6); // ALB, DP, CP, DB, the idle scaler, the fallback exporter
    t.resourceCountIs('AWS::SecretsManager::Secret', 2); // cluster certificate, database
    expect(Object.keys(t.toJSON().Outputs).filter((id) => id.includes('AdminApiKey'))).toEqual([]);
    // No admin URL either: nothing answers there (no route in Kong).
    expect(Object.keys(t.toJSON().Outputs).filter((id) => id.includes('AdminUrl'))).toEqual([]);
    expect(Object.keys(t.toJSON().Outputs).filter((id) => id.includes('Endpoint'))).toHaveLength(1);
    // No repair rule without a bootstrap.
    t.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.cloudformation'] }) }, 0);
  });

  test.each([
    [{ kongManagerOrigins: ['http://localhost:8002'] }, 'kongManagerOrigins needs the admin API proxy, but adminApiProxy is false (got kongManagerOrigins ["http://localhost:8002"])'],
    [{ adminApiKeyGeneration: 2 }, 'adminApiKeyGeneration needs the admin API proxy, but adminApiProxy is false (got adminApiKeyGeneration 2)'],
  ])('GIVEN adminApiProxy false and %p WHEN synthesized THEN it fails naming the prop', (props, message) => {
    expect(() => gatewayStack({ adminApiProxy: false, ...props }, 'Conflict')).toThrow(message);
  });

  test('GIVEN a wrong Kong Manager origin on the gateway WHEN synthesized THEN the bootstrap refuses it by name', () => {
    expect(() => gatewayStack({ kongManagerOrigins: ['localhost:8002'] }, 'BadOrigin')).toThrow('kongManagerOrigins[0] must be an origin');
  });
});
