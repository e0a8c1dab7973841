import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FallbackConfig } from '../src';
import { DEFAULT_FALLBACK_FETCH_IMAGE } from '../src/data-plane';
import { FALLBACK_DIR } from '../src/private/kong-start-script';
import { bringEverythingStack, gatewayStack, synthesized, testApp } from './support/stacks';

// GIVEN the default gateway (fallback on by default), one with everything brought (a customer-managed key), and one without it
const def = gatewayStack();
const template = Template.fromStack(def.stack);
const bring = bringEverythingStack();
const { template: brought, annotations: broughtAnnotations } = synthesized(bring.stack);
const off = gatewayStack({ fallbackConfig: false }, 'NoFallback');
const offTemplate = Template.fromStack(off.stack);

const idOf = (c: any) => Stack.of(c).getLogicalId(c.node.defaultChild);
const resources = (t: Template) => Object.entries<any>(t.toJSON().Resources);
const ofType = (t: Template, type: string) => resources(t).filter(([, r]) => r.Type === type);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const objectArn = (bucketId: string) => ({ 'Fn::Join': ['', [arnOf(bucketId), '/kong/declarative.json']] });
const taskDefinition = (t: Template, g: typeof def) => t.toJSON().Resources[idOf(g.gateway.dataPlane.taskDefinition)].Properties;
const container = (t: Template, g: typeof def, name: string) => taskDefinition(t, g).ContainerDefinitions.find((c: any) => c.Name === name);

/** Every IAM statement (identity policies) that names the bucket, with the roles it is attached to. */
function statementsOnBucket(t: Template, bucketId: string): Array<{ roles: string[]; actions: string[]; resource: unknown; effect: string }> {
  return ofType(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement
    .filter((s: any) => JSON.stringify(s.Resource).includes(`"${bucketId}"`))
    .map((s: any) => ({ roles: p.Properties.Roles.map((r: any) => r.Ref), actions: [s.Action].flat(), resource: s.Resource, effect: s.Effect })));
}

describe('fallback configuration: the bucket (issue 12)', () => {
  const fallback = def.gateway.fallbackConfig!;
  const bucketId = idOf(fallback.bucket);

  test('GIVEN the default gateway WHEN synthesized THEN the exports live in a versioned, SSE-KMS (aws/s3), private, ACL-less bucket that keeps the last 10 exports and is retained', () => {
    const [, bucket] = resources(template).find(([id]) => id === bucketId)!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toEqual({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{
          Id: 'KeepTheLastExports', Status: 'Enabled',
          NoncurrentVersionExpiration: { NewerNoncurrentVersions: 9, NoncurrentDays: 1 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf(def.gateway.sharedLoadBalancer.accessLogBucket) }, LogFilePrefix: 'fallback-config/' },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the bucket policy denies plain HTTP, every write but the exporter\'s and every read but the data plane task role\'s', () => {
    const [, policy] = ofType(template, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    const objects = { 'Fn::Join': ['', [arnOf(bucketId), '/*']] };
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: [arnOf(bucketId), objects] },
      {
        Sid: 'OnlyTheExporterWrites', Effect: 'Deny', Principal: { AWS: '*' }, Resource: objects,
        Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:RestoreObject'],
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': arnOf(idOf(fallback.exporter.role!)) } },
      },
      {
        Sid: 'OnlyTheReadersRead', Effect: 'Deny', Principal: { AWS: '*' }, Resource: objects,
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [arnOf(idOf(def.gateway.dataPlane.taskDefinition.taskRole))] } },
      },
    ]);
    if (process.env.PRINT_BUCKET_POLICY) console.log(JSON.stringify(policy.Properties.PolicyDocument, null, 2));
    // The README shows this policy, as synthesized.
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const shown = /As synthesized for the default configuration:\n\n```json\n([\s\S]*?)\n```/.exec(readme);
    expect(JSON.parse(shown![1])).toEqual(policy.Properties.PolicyDocument);
  });

  test('GIVEN the default gateway WHEN synthesized THEN only the data plane task role may read the export and only the exporter write it (identity policies, the object only)', () => {
    const taskRole = idOf(def.gateway.dataPlane.taskDefinition.taskRole);
    const exporterRole = idOf(fallback.exporter.role!);
    expect(statementsOnBucket(template, bucketId).sort((a, b) => a.roles[0].localeCompare(b.roles[0]))).toEqual([
      { roles: [taskRole], actions: ['s3:GetObject', 's3:GetObjectVersion'], resource: objectArn(bucketId), effect: 'Allow' },
      // The exporter reads tags (the stored hash), never the export itself.
      { roles: [exporterRole], actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:GetObjectTagging'], resource: objectArn(bucketId), effect: 'Allow' },
    ].sort((a, b) => a.roles[0].localeCompare(b.roles[0])));
    // The execution role (image pulls, the cluster certificate) gets nothing of it.
    const executionRole = idOf(def.gateway.dataPlane.taskDefinition.executionRole!);
    expect(statementsOnBucket(template, bucketId).filter((s) => s.roles.includes(executionRole))).toEqual([]);
    // No s3:* anywhere, no bucket-wide grant.
    expect(JSON.stringify(ofType(template, 'AWS::IAM::Policy'))).not.toMatch(/"s3:\*"|"s3:List/);
  });

  test('GIVEN the default gateway WHEN synthesized THEN S3 may write the bucket\'s access logs into the load balancer\'s log bucket, under its own prefix only', () => {
    const logs = idOf(def.gateway.sharedLoadBalancer.accessLogBucket);
    const [, policy] = ofType(template, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === logs)!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Sid: 'FallbackConfigServerAccessLogs', Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [arnOf(logs), '/fallback-config/*']] },
      Condition: { ArnLike: { 'aws:SourceArn': arnOf(bucketId) }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the stack outputs the bucket\'s name, and no export, key or credential is in the template', () => {
    const outputs = Object.entries<any>(template.toJSON().Outputs).filter(([id]) => id.includes('FallbackConfigBucket'));
    expect(outputs.map(([, o]) => o.Value)).toEqual([{ Ref: bucketId }]);
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/KONG_DECLARATIVE_CONFIG_STRING|_format_version|keyauth_credentials/);
  });
});

describe('fallback configuration: the exporter', () => {
  const fallback = def.gateway.fallbackConfig!;

  test('GIVEN the default gateway WHEN synthesized THEN the exporter runs in the VPC with the Admin API\'s URL, the bucket and the object, and may reach the control plane\'s 8001 only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('fallback'),
      Timeout: 300,
      Environment: {
        Variables: {
          ADMIN_API_URL: 'http://kong-cp.kong.internal:8001', BUCKET: { Ref: idOf(fallback.bucket) }, EXPORT_OBJECT: 'kong/declarative.json',
          CONFIRM_DELAY_SECONDS: '10', METRICS_NAMESPACE: 'KongHybrid/FallbackConfig',
        },
      },
      VpcConfig: Match.objectLike({ SecurityGroupIds: [{ 'Fn::GetAtt': [idOf(fallback.connections.securityGroups[0]), 'GroupId'] }] }),
    });
  });

  test('GIVEN the idle scaler WHEN synthesized THEN it may invoke the exporter, and nothing else of it, and knows its name', () => {
    const scalerPolicy = resources(template).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('KongIdleScalerFunctionServiceRoleDefaultPolicy'))![1];
    const invoke = scalerPolicy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('lambda:'));
    expect(invoke).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(idOf(fallback.exporter)) })]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EXPORTER_FUNCTION: { Ref: idOf(fallback.exporter) } }) },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN an alarm watches the exporter\'s errors and one its refusals', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(fallback.exporter) } }] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExportRefused', Namespace: 'KongHybrid/FallbackConfig', Threshold: 1 });
  });

  test('GIVEN an always-on control plane WHEN synthesized THEN no scaler asks for exports: a schedule invokes the exporter every 5 minutes', () => {
    const g = gatewayStack({ controlPlaneAlwaysOn: true }, 'AlwaysOn');
    const t = Template.fromStack(g.stack);
    expect(g.gateway.idleScaler).toBeUndefined();
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: arnOf(idOf(g.gateway.fallbackConfig!.exporter)), Input: '{"action":"export"}' })],
    });
    // The default gateway has no such schedule: the scaler asks.
    expect(ofType(template, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.Targets ?? []).includes(idOf(def.gateway.fallbackConfig!.exporter)))).toEqual([]);
  });
});

describe('fallback configuration: the data plane task', () => {
  test('GIVEN the default gateway WHEN synthesized THEN an init container (the AWS CLI) fetches the export into a task-local volume, and Kong waits for it, reads it read-only and starts through the start script', () => {
    const td = taskDefinition(template, def);
    expect(td.Volumes).toEqual([{ Name: 'fallback-config' }]);
    const fetch = container(template, def, 'fallback-config-fetch');
    expect(fetch).toEqual(expect.objectContaining({
      Image: DEFAULT_FALLBACK_FETCH_IMAGE,
      Essential: false,
      EntryPoint: ['/bin/sh', '-c'],
      MountPoints: [{ ContainerPath: FALLBACK_DIR, SourceVolume: 'fallback-config', ReadOnly: false }],
      Environment: [
        { Name: 'FALLBACK_BUCKET', Value: { Ref: idOf(def.gateway.fallbackConfig!.bucket) } },
        { Name: 'FALLBACK_OBJECT', Value: 'kong/declarative.json' },
        { Name: 'AWS_REGION', Value: 'us-east-1' },
        { Name: 'AWS_MAX_ATTEMPTS', Value: '3' },
      ],
    }));
    expect(fetch.Secrets).toBeUndefined();
    expect(fetch.Command).toHaveLength(1);
    expect(fetch.Command[0]).toContain('aws s3api get-object --bucket "$FALLBACK_BUCKET" --key "$FALLBACK_OBJECT"');
    expect(fetch.LogConfiguration.Options['awslogs-stream-prefix']).toBe('fallback-fetch');
    const kong = container(template, def, 'kong');
    expect(kong.DependsOn).toEqual([{ ContainerName: 'fallback-config-fetch', Condition: 'COMPLETE' }]);
    expect(kong.MountPoints).toEqual([{ ContainerPath: FALLBACK_DIR, SourceVolume: 'fallback-config', ReadOnly: true }]);
    expect(kong.Command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(kong.Command[2]).toContain(`kong config parse ${FALLBACK_DIR}/kong.json >/dev/null 2>&1`);
    expect(kong.Command[2]).toMatch(/\nexec \/docker-entrypoint\.sh kong docker-start$/);
    // The start script sets them; the environment does not.
    expect(kong.Environment.map((e: any) => e.Name)).not.toEqual(expect.arrayContaining(['KONG_DECLARATIVE_CONFIG']));
  });

  test('GIVEN an image for the fetch WHEN synthesized THEN the init container uses it', () => {
    const g = gatewayStack({ fallbackConfigFetchImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-cli:2.33.0' }, 'FetchImage');
    expect(container(Template.fromStack(g.stack), g, 'fallback-config-fetch').Image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/aws-cli:2.33.0');
  });

  test('GIVEN the fallback configuration WHEN the data plane environment sets the declarative configuration or too many labels THEN the gateway refuses, naming the prop', () => {
    expect(() => gatewayStack({ dataPlaneEnvironment: { KONG_DECLARATIVE_CONFIG: '/kong.yml' } }, 'OwnDeclarative'))
      .toThrow('dataPlaneEnvironment must not set KONG_DECLARATIVE_CONFIG with fallbackConfig: the fallback configuration is the data plane\'s declarative configuration (got "KONG_DECLARATIVE_CONFIG")');
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}:v`).join(',');
    expect(() => gatewayStack({ dataPlaneEnvironment: { KONG_CLUSTER_DP_LABELS: ten } }, 'TenLabels')).toThrow(/^dataPlaneEnvironment KONG_CLUSTER_DP_LABELS may hold at most 9 labels with fallbackConfig/);
    expect(() => gatewayStack({ dataPlaneEnvironment: { KONG_CLUSTER_DP_LABELS: 'team:a,fallback-config:x' } }, 'OwnLabel')).toThrow(/must not hold the label fallback-config/);
    // Nine labels of the user's, and the fallback's tenth: accepted.
    const nine = Array.from({ length: 9 }, (_, i) => `l${i}:v`).join(',');
    expect(() => gatewayStack({ dataPlaneEnvironment: { KONG_CLUSTER_DP_LABELS: nine } }, 'NineLabels')).not.toThrow();
    // Without the fallback, the declarative configuration is the user's to set.
    expect(() => gatewayStack({ fallbackConfig: false, dataPlaneEnvironment: { KONG_DECLARATIVE_CONFIG: '/kong.yml' } }, 'OwnDeclarativeNoFallback')).not.toThrow();
  });
});

describe('fallback configuration: with a customer-managed key', () => {
  test('GIVEN a key WHEN synthesized THEN the bucket encrypts with it, and the exporter may encrypt and the data plane decrypt with it through S3 only', () => {
    const key = bring.gateway.encryptionKey!;
    const byKey = arnOf(idOf(key));
    const fallback = bring.gateway.fallbackConfig!;
    const [, bucket] = resources(brought).find(([id]) => id === idOf(fallback.bucket))!;
    expect(bucket.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: byKey } }] });
    expect(JSON.stringify(bucket.Metadata ?? {})).not.toContain('CKV_AWS_145');
    brought.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ KMS_KEY_ARN: byKey }) } });
    // In the key's policy (the key is the app's): each role, one action, through S3 of this region only.
    const keyPolicy = resources(brought).find(([id]) => id === idOf(key))![1].Properties.KeyPolicy.Statement;
    const viaS3 = keyPolicy.filter((st: any) => st.Condition?.StringEquals?.['kms:ViaService'] === 's3.us-east-1.amazonaws.com');
    expect(viaS3).toEqual([
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Principal: { AWS: arnOf(idOf(fallback.exporter.role!)) }, Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Principal: { AWS: arnOf(idOf(bring.gateway.dataPlane.taskDefinition.taskRole)) }, Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ]);
  });

  test('GIVEN a log bucket of the user WHEN synthesized THEN the access logs go there, and a warning says its policy must let S3 deliver them', () => {
    const [, bucket] = resources(brought).find(([id]) => id === idOf(bring.gateway.fallbackConfig!.bucket))!;
    expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: 'my-alb-logs', LogFilePrefix: 'fallback-config/' });
    broughtAnnotations.hasWarning('*', Match.stringLikeRegexp('server access logs go to my-alb-logs/fallback-config/.*logging.s3.amazonaws.com'));
  });
});

describe('fallback configuration: off', () => {
  test('GIVEN fallbackConfig false WHEN synthesized THEN there is no bucket but the logs\', no exporter, no fetch container, and the data plane starts Kong as before', () => {
    expect(off.gateway.fallbackConfig).toBeUndefined();
    expect(ofType(offTemplate, 'AWS::S3::Bucket').map(([id]) => id)).toEqual([idOf(off.gateway.sharedLoadBalancer.accessLogBucket)]);
    expect(ofType(offTemplate, 'AWS::Lambda::Function').filter(([, f]) => JSON.stringify(f.Properties.Environment ?? {}).includes('EXPORT_OBJECT'))).toEqual([]);
    const td = taskDefinition(offTemplate, off);
    expect(td.ContainerDefinitions.map((c: any) => c.Name)).toEqual(['kong']);
    expect(td.Volumes).toBeUndefined();
    expect(JSON.stringify(td)).not.toMatch(/fallback|config parse/);
    expect(JSON.stringify(offTemplate.toJSON())).not.toContain('EXPORTER_FUNCTION');
    const scalerPolicy = resources(offTemplate).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('KongIdleScalerFunctionServiceRoleDefaultPolicy'))![1];
    expect(JSON.stringify(scalerPolicy)).not.toContain('lambda:');
    expect(Object.keys(offTemplate.toJSON().Outputs).filter((id) => id.includes('FallbackConfig'))).toEqual([]);
  });

  test('GIVEN fallbackConfig false WHEN a fallback prop is set too THEN the gateway refuses, naming both', () => {
    expect(() => gatewayStack({ fallbackConfig: false, fallbackConfigExportsKept: 5 }, 'OffKept'))
      .toThrow('fallbackConfigExportsKept needs the fallback configuration, but fallbackConfig is false (got fallbackConfigExportsKept 5)');
    expect(() => gatewayStack({ fallbackConfig: false, fallbackConfigFetchImage: 'x' }, 'OffImage')).toThrow(/^fallbackConfigFetchImage needs the fallback configuration, but fallbackConfig is false/);
  });

  test('GIVEN a number of exports out of range WHEN synthesized THEN the gateway refuses, naming its prop', () => {
    expect(() => gatewayStack({ fallbackConfigExportsKept: 1 }, 'KeepOne')).toThrow(/^fallbackConfigExportsKept must be/);
    expect(() => gatewayStack({ fallbackConfigExportsKept: 101 }, 'KeepMany')).toThrow(/^fallbackConfigExportsKept must be/);
    const g = gatewayStack({ fallbackConfigExportsKept: 3 }, 'KeepThree');
    Template.fromStack(g.stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NewerNoncurrentVersions: 2, NoncurrentDays: 1 } })] },
    });
  });
});

describe('FallbackConfig on its own', () => {
  const standalone = () => {
    const stack = new Stack(testApp(), 'Standalone', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const fallback = new FallbackConfig(stack, 'Fallback', { vpc, adminApiUrl: 'http://kong-cp.example.internal:8001' });
    return { stack, fallback };
  };

  test('GIVEN no reader WHEN synthesized THEN it refuses: nobody could read the exports', () => {
    const { stack } = standalone();
    expect(() => Template.fromStack(stack)).toThrow(/nobody may read the exports: give this FallbackConfig to the DataPlane \(fallbackConfig\), or call grantRead/);
  });

  test('GIVEN an operator role given grantRead WHEN synthesized THEN the role may read the object and is the bucket policy\'s one reader', () => {
    const { stack, fallback } = standalone();
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    fallback.grantRead(operator);
    fallback.grantRead(operator); // twice: listed once
    const t = Template.fromStack(stack);
    const [, policy] = ofType(t, 'AWS::S3::BucketPolicy')[0];
    const readers = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'OnlyTheReadersRead');
    expect(readers.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([arnOf(idOf(operator))]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(operator) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: objectArn(idOf(fallback.bucket)) })]) },
    });
    // No access log bucket given: acknowledged, with its reason.
    expect(JSON.stringify(t.toJSON().Resources[idOf(fallback.bucket)].Metadata)).toContain('CKV_AWS_18');
  });
});
