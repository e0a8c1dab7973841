import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ClusterCertificate, ControlPlane, GatewayFirewall, GatewayNetwork } from '../src';
import { bringEverythingStack, gatewayStack, pkiStack, synthesized, testApp } from './support/stacks';

// GIVEN the default gateway and the "bring everything" one, each synthesized once for the file
const def = gatewayStack();
const { template, annotations } = synthesized(def.stack);
const bring = bringEverythingStack();
const { template: brought, annotations: broughtAnnotations } = synthesized(bring.stack);

const containerOf = (t: Template, role: string) => {
  const defs = t.findResources('AWS::ECS::TaskDefinition');
  const match = Object.values(defs).map((d: any) => d.Properties).find((p: any) =>
    p.ContainerDefinitions[0].Environment.some((e: any) => e.Name === 'KONG_ROLE' && e.Value === role));
  return { task: match, container: match.ContainerDefinitions[0], env: Object.fromEntries(match.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value])) };
};
const idOf = (c: any) => Stack.of(c).getLogicalId(c.node.defaultChild);

describe('1. network', () => {
  test('GIVEN no VPC WHEN synthesized THEN a 10.0.0.0/16 VPC with public and private subnets in 2 AZs and one NAT gateway', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  test('GIVEN natGateways 2 WHEN synthesized THEN one NAT gateway per AZ', () => {
    const t = Template.fromStack(gatewayStack({ natGateways: 2 }, 'TwoNat').stack);
    t.resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('GIVEN a VPC of the user WHEN synthesized THEN no VPC, subnet or NAT gateway is created and tasks use its private subnets', () => {
    brought.resourceCountIs('AWS::EC2::VPC', 0);
    brought.resourceCountIs('AWS::EC2::Subnet', 0);
    brought.resourceCountIs('AWS::EC2::NatGateway', 0);
    brought.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'], AssignPublicIp: 'DISABLED' } },
    });
  });
});

describe('2. shared load balancer', () => {
  test('GIVEN the default gateway WHEN synthesized THEN an internet-facing ALB in the public subnets that drops invalid headers and logs to S3', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.prefix', Value: 'kong-alb' },
      ]),
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN HTTPS 443 with a TLS 1.2+ policy forwards to the data plane target group only', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('Certificate') } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: idOf(def.gateway.dataPlane.targetGroup) } }],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
  });

  test('GIVEN the default gateway WHEN synthesized THEN HTTP 80 only redirects to HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  test('GIVEN no certificate WHEN synthesized THEN an ACM certificate for the domain, DNS-validated in the hosted zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'kong-gw.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'kong-gw.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN an alias A record for the domain points at the ALB', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'kong-gw.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: { DNSName: Match.anyValue(), HostedZoneId: { 'Fn::GetAtt': [idOf(def.gateway.loadBalancer), 'CanonicalHostedZoneID'] } },
    });
  });

  test('GIVEN no bucket WHEN synthesized THEN the access log bucket is encrypted, TLS-only, private and expires logs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('GIVEN a certificate and a bucket of the user WHEN synthesized THEN neither is created and both are used', () => {
    brought.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    // The one bucket left is the data planes' fallback configuration (issue 12), never the access logs.
    expect(Object.keys(brought.findResources('AWS::S3::Bucket'))).toEqual([idOf(bring.gateway.fallbackConfig!.bucket)]);
    brought.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555' }],
    });
    brought.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.bucket', Value: 'my-alb-logs' }]),
    });
    brought.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.org.' });
  });
});

describe('3. data plane', () => {
  const dp = containerOf(template, 'data_plane');

  test('GIVEN the default gateway WHEN synthesized THEN both planes run Kong 3.9.3 from the Docker official-image mirror on ECR Public (no Docker Hub pull limit) on ARM64', () => {
    expect(dp.container.Image).toBe('public.ecr.aws/docker/library/kong:3.9.3');
    expect(containerOf(template, 'control_plane').container.Image).toBe('public.ecr.aws/docker/library/kong:3.9.3');
    expect(dp.task.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
  });

  test('GIVEN a digest-pinned image WHEN synthesized THEN the task pulls exactly that digest; a malformed digest is refused by name', () => {
    const digest = `sha256:${'a1'.repeat(32)}`;
    const t = Template.fromStack(gatewayStack({ kongImage: `public.ecr.aws/docker/library/kong:3.9.3@${digest}` }, 'Digest').stack);
    expect(containerOf(t, 'data_plane').container.Image).toBe(`public.ecr.aws/docker/library/kong:3.9.3@${digest}`);
    expect(() => gatewayStack({ kongImage: 'public.ecr.aws/docker/library/kong:3.9.3@sha256:abc' }, 'BadDigest'))
      .toThrow('kongImage must pin a digest as @sha256:<64 hex digits>, got "public.ecr.aws/docker/library/kong:3.9.3@sha256:abc"');
  });

  test('GIVEN an ECR pull-through cache prefix WHEN synthesized THEN the image comes through the cache in this account and region, and the execution role may import it', () => {
    const { stack } = gatewayStack({ kongImagePullThroughCachePrefix: 'ecr-public' }, 'Cache');
    const t = Template.fromStack(stack);
    expect(JSON.stringify(containerOf(t, 'data_plane').container.Image)).toContain('.dkr.ecr.');
    expect(JSON.stringify(containerOf(t, 'data_plane').container.Image)).toContain('/ecr-public/docker/library/kong:3.9.3');
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
        Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':repository/ecr-public/docker/library/kong$')])] },
      })]) },
    });
    expect(() => gatewayStack({ kongImage: 'quay.io/kong/kong:3.9.3', kongImagePullThroughCachePrefix: 'quay' }, 'BadCache'))
      .toThrow('kongImagePullThroughCachePrefix needs an image from public.ecr.aws or Docker Hub, got kongImage "quay.io/kong/kong:3.9.3"');
  });

  test('GIVEN the default gateway WHEN synthesized THEN the DP is a DB-less data plane of the CP found through Cloud Map on 8005', () => {
    expect(dp.env).toMatchObject({
      KONG_ROLE: 'data_plane',
      KONG_DATABASE: 'off',
      KONG_CLUSTER_CONTROL_PLANE: 'kong-cp.kong.internal:8005',
      KONG_CLUSTER_MTLS: 'shared',
      KONG_PROXY_LISTEN: '0.0.0.0:8000',
      KONG_STATUS_LISTEN: '0.0.0.0:8100',
      KONG_ADMIN_LISTEN: 'off',
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN ip-restriction sees the client: X-Forwarded-For, recursive, trusting only the VPC', () => {
    expect(dp.env).toMatchObject({ KONG_REAL_IP_HEADER: 'X-Forwarded-For', KONG_REAL_IP_RECURSIVE: 'on' });
    expect(dp.env.KONG_TRUSTED_IPS).toEqual({ 'Fn::GetAtt': [idOf(def.gateway.network!.vpc), 'CidrBlock'] });
    expect(containerOf(brought, 'data_plane').env.KONG_TRUSTED_IPS).toBe('10.20.0.0/16');
  });

  test('GIVEN a VPC whose public subnets (the load balancer\'s nodes) are in a secondary CIDR WHEN synthesized THEN Kong trusts that range too, or ip-restriction would see load-balancer addresses', () => {
    const t = Template.fromStack(gatewayStack((stack) => ({
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        vpcCidrBlock: '10.20.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        publicSubnetIpv4CidrBlocks: ['100.64.0.0/24', '100.64.1.0/24'],
        privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
      }),
    }), 'SecondaryCidr').stack);
    expect(containerOf(t, 'data_plane').env.KONG_TRUSTED_IPS).toBe('10.20.0.0/16,100.64.0.0/24,100.64.1.0/24');
  });

  test('GIVEN an imported VPC whose public subnets have no known CIDR WHEN synthesized THEN a warning says Kong trusts only the primary block and names the prop', () => {
    broughtAnnotations.hasWarning('*', Match.stringLikeRegexp('Kong trusts only the VPC\'s primary CIDR block.*set dataPlaneTrustedCidrs'));
    expect(annotations.findWarning('*', Match.stringLikeRegexp('dataPlaneTrustedCidrs'))).toEqual([]);
  });

  test('GIVEN a VPC with a secondary CIDR block declared in the app WHEN synthesized THEN Kong trusts every one of its blocks', () => {
    const { stack } = gatewayStack((s) => {
      const vpc = new ec2.Vpc(s, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.30.0.0/16'), maxAzs: 2, natGateways: 1 });
      new ec2.CfnVPCCidrBlock(s, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '100.64.0.0/16' });
      return { vpc };
    }, 'DeclaredSecondary');
    expect(containerOf(Template.fromStack(stack), 'data_plane').env.KONG_TRUSTED_IPS).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'CidrBlock'] }, ',100.64.0.0/16']],
    });
  });

  test('GIVEN dataPlaneTrustedCidrs WHEN synthesized THEN Kong trusts exactly those, and a bad CIDR is refused by name', () => {
    const t = Template.fromStack(gatewayStack({ dataPlaneTrustedCidrs: ['10.0.0.0/8', '2001:db8::/32'] }, 'Trusted').stack);
    expect(containerOf(t, 'data_plane').env.KONG_TRUSTED_IPS).toBe('10.0.0.0/8,2001:db8::/32');
    expect(() => gatewayStack({ dataPlaneTrustedCidrs: ['10.0.0.0/33'] }, 'BadTrusted')).toThrow('dataPlaneTrustedCidrs[0] must be an IPv4 or IPv6 CIDR block such as "203.0.113.0/24", got "10.0.0.0/33"');
  });

  test('GIVEN environment maps whose keys are not in order WHEN synthesized THEN both planes list the user\'s variables in key order (the template does not follow the map\'s order)', () => {
    for (const [role, given] of [['data_plane', ['KONG_NGINX_WORKER_PROCESSES', 'KONG_LOG_LEVEL', 'KONG_PLUGINS']], ['control_plane', ['KONG_PLUGINS', 'KONG_LOG_LEVEL']]] as const) {
      const names: string[] = containerOf(brought, role).container.Environment.map((e: any) => e.Name);
      const users = names.filter((name) => (given as readonly string[]).includes(name));
      expect({ role, users }).toEqual({ role, users: [...given].sort() });
      // They come first, then the construct's own, in code order.
      expect(names.slice(0, given.length)).toEqual([...given].sort());
    }
    expect(containerOf(brought, 'data_plane').env.KONG_LOG_LEVEL).toBe('info');
  });

  test('GIVEN the default gateway WHEN synthesized THEN the DP opens no Kong Manager listener, and the variable is the construct\'s', () => {
    expect(dp.env.KONG_ADMIN_GUI_LISTEN).toBe('off');
    expect(() => gatewayStack({ dataPlaneEnvironment: { KONG_ADMIN_GUI_LISTEN: '0.0.0.0:8002' } }, 'Gui')).toThrow(/^dataPlaneEnvironment must not set KONG_ADMIN_GUI_LISTEN/);
  });

  test('GIVEN the default gateway WHEN synthesized THEN the target group health check is /status/ready on the status port', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/status/ready',
      HealthCheckPort: '8100',
      Matcher: { HttpCode: '200' },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the DP service runs in private subnets without public IP and its count is left to autoscaling', () => {
    const svc = template.toJSON().Resources[idOf(def.gateway.dataPlane.service)].Properties;
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(svc.LaunchType).toBe('FARGATE');
    expect(svc).not.toHaveProperty('DesiredCount');
    expect(svc.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
  });

  test('GIVEN the default gateway WHEN synthesized THEN autoscaling keeps 2..10 tasks and tracks CPU and ALB requests per target', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10, ScalableDimension: 'ecs:service:DesiredCount' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 50 },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' }, TargetValue: 1000 },
    });
  });

  test('GIVEN x86 and another image WHEN synthesized THEN the task runs that image on X86_64', () => {
    const b = containerOf(brought, 'data_plane');
    expect(b.container.Image).toBe('kong/kong-gateway:3.10.0.2');
    expect(b.task.RuntimePlatform.CpuArchitecture).toBe('X86_64');
    brought.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 12 });
  });

  test('GIVEN an ECR image WHEN synthesized THEN the execution role may pull from that repository', () => {
    const t = Template.fromStack(gatewayStack({ kongImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/platform/kong:3.9.1' }, 'Ecr').stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: Match.arrayWith(['ecr:BatchGetImage']),
        Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/platform/kong',
      })]) },
    });
  });
});

describe('4. control plane', () => {
  const cp = containerOf(template, 'control_plane');

  test('GIVEN the default gateway WHEN synthesized THEN the CP is registered in a private namespace as kong-cp with short-lived A records', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'kong.internal' });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'kong-cp',
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] },
    });
    expect(def.gateway.controlPlane.adminApiUrl).toBe('http://kong-cp.kong.internal:8001');
  });

  test('GIVEN the default gateway WHEN synthesized THEN the CP listens on 8001 (admin) and 8005 (cluster) and proxies nothing', () => {
    expect(cp.env).toMatchObject({
      KONG_ROLE: 'control_plane',
      KONG_ADMIN_LISTEN: '0.0.0.0:8001',
      KONG_CLUSTER_LISTEN: '0.0.0.0:8005',
      KONG_PROXY_LISTEN: 'off',
    });
    expect(cp.container.PortMappings.map((p: any) => p.ContainerPort)).toEqual([8001, 8005]);
  });

  test('GIVEN the default gateway WHEN synthesized THEN the CP is never attached to the load balancer', () => {
    const svc = template.toJSON().Resources[idOf(def.gateway.controlPlane.service)].Properties;
    expect(svc).not.toHaveProperty('LoadBalancers');
    expect(svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
  });

  test('GIVEN the default gateway WHEN synthesized THEN the CP desired count is absent (a redeploy keeps it) and not under Application Auto Scaling', () => {
    const svc = template.toJSON().Resources[idOf(def.gateway.controlPlane.service)].Properties;
    expect(svc).not.toHaveProperty('DesiredCount');
    template.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalableTarget', {
      ResourceId: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [idOf(def.gateway.controlPlane.service), 'Name'] })])]) }),
    }, 0);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
  });

  test('GIVEN the default gateway WHEN synthesized THEN the CP runs migrations before Kong, from the exit codes of kong migrations list', () => {
    expect(cp.container.Command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const script: string = cp.container.Command[2];
    expect(script).toContain('kong migrations list');
    expect(script).toMatch(/3\)[^\n]*kong migrations bootstrap/);
    expect(script).toMatch(/5\)[^\n]*kong migrations up/);
    // finish only completes a previous upgrade before this version's up; this version's migrations stay reversible (item 6).
    expect(script).toMatch(/\*"New migrations available"\*\)[^\n]*kong migrations finish/);
    expect(script).not.toMatch(/^\s*4\)[^\n]*kong migrations finish/m);
    expect(script.trim().split('\n').pop()).toBe('exec /docker-entrypoint.sh kong docker-start');
  });

  test('GIVEN the default gateway WHEN synthesized THEN the CP talks to PostgreSQL over TLS, waits out an Aurora resume, and gets credentials only as ECS secrets', () => {
    expect(cp.env).toMatchObject({ KONG_DATABASE: 'postgres', KONG_PG_SSL: 'on', KONG_PG_TIMEOUT: '60000', KONG_PG_DATABASE: 'kong', KONG_PG_PORT: '5432' });
    expect(cp.env).not.toHaveProperty('KONG_PG_PASSWORD');
    const secrets = Object.fromEntries(cp.container.Secrets.map((s: any) => [s.Name, JSON.stringify(s.ValueFrom)]));
    expect(secrets.KONG_PG_USER).toContain(':username::');
    expect(secrets.KONG_PG_PASSWORD).toContain(':password::');
  });

  test('GIVEN the default gateway WHEN synthesized THEN replacing the CP stops the old task first (two Kong versions never share the database)', () => {
    const svc = template.toJSON().Resources[idOf(def.gateway.controlPlane.service)].Properties;
    expect(svc.DeploymentConfiguration).toMatchObject({ MinimumHealthyPercent: 0, MaximumPercent: 100 });
  });

  test('GIVEN the control plane WHEN read THEN it exposes its ports and name for the idle scaler and the admin bootstrap', () => {
    const c = def.gateway.controlPlane;
    expect([c.adminApiPort, c.clusterPort, ControlPlane.ADMIN_API_PORT, ControlPlane.CLUSTER_PORT]).toEqual([8001, 8005, 8001, 8005]);
    expect(c.hostname).toBe('kong-cp.kong.internal');
    expect(c.clusterEndpoint).toBe('kong-cp.kong.internal:8005');
  });
});

describe('5. database', () => {
  test('GIVEN the default gateway WHEN synthesized THEN Aurora PostgreSQL 16 serverless v2 at 0..2 ACU pauses after 5 minutes, encrypted', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^16\\.'),
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 300 },
      StorageEncrypted: true,
      DeletionProtection: true,
      DatabaseName: 'kong',
      BackupRetentionPeriod: 7,
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', Engine: 'aurora-postgresql' });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the credentials are generated in Secrets Manager, never in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"kong"}', GenerateStringKey: 'password' }),
    });
    const cluster = Object.values(template.findResources('AWS::RDS::DBCluster'))[0] as any;
    expect(JSON.stringify(cluster.Properties.MasterUserPassword)).toContain('resolve:secretsmanager');
  });

  test('GIVEN other capacity, pause and removal props WHEN synthesized THEN the cluster follows them', () => {
    brought.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 1800 },
      DeletionProtection: false,
    });
    brought.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
  });
});

describe('6. cluster certificate', () => {
  test('GIVEN the default gateway WHEN synthesized THEN a custom resource generates the shared certificate (CN kong_clustering) into a secret', () => {
    template.hasResourceProperties('Custom::KongClusterCertificate', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterCertificateHandler'), 'Arn'] },
      Mode: 'shared',
      ControlPlaneCommonName: 'kong_clustering',
      ControlPlaneSecretId: { Ref: idOf(def.gateway.clusterCertificate.controlPlaneSecret) },
      ValidityDays: '1095',
      RenewBeforeDays: '30',
      Generation: '1',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  test('GIVEN the default gateway WHEN synthesized THEN CP and DP get the certificate and key as ECS secrets pinned to the version the custom resource wrote', () => {
    for (const role of ['control_plane', 'data_plane']) {
      const secrets = Object.fromEntries(containerOf(template, role).container.Secrets.map((s: any) => [s.Name, s.ValueFrom]));
      for (const [name, field] of [['KONG_CLUSTER_CERT', ':cert::'], ['KONG_CLUSTER_CERT_KEY', ':key::']]) {
        expect(secrets[name]).toEqual({ 'Fn::Join': ['', [
          { Ref: idOf(def.gateway.clusterCertificate.controlPlaneSecret) },
          field,
          { 'Fn::GetAtt': [idOf(def.gateway.clusterCertificate.node.findChild('Resource')), 'ControlPlaneVersionId'] },
        ]] });
      }
    }
  });

  test('GIVEN the handler WHEN synthesized THEN it may read and write only the certificate secret and write only its own log group', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((p: any) => p.Properties)
      .filter((p: any) => p.Roles.some((r: any) => r.Ref?.includes('ClusterCertificateHandlerRole')));
    expect(policies).toHaveLength(1);
    const statements = policies[0].PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: { Ref: idOf(def.gateway.clusterCertificate.controlPlaneSecret) } }),
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
    ]));
    expect(statements).toHaveLength(2);
    const handlerRoles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.includes('ClusterCertificateHandlerRole'));
    expect(handlerRoles).toHaveLength(1);
    expect(handlerRoles[0][1].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('GIVEN a certificate secret of the user WHEN synthesized THEN nothing is generated and the tasks use that secret unpinned', () => {
    brought.resourceCountIs('Custom::KongClusterCertificate', 0);
    // The idle scaler, the admin bootstrap, the fallback exporter and the expiry check (which only reads the secret) are the only functions left.
    expect(Object.keys(brought.findResources('AWS::Lambda::Function')).sort())
      .toEqual([idOf(bring.gateway.idleScaler!.function), idOf(bring.gateway.adminApiProxy!.function), idOf(bring.gateway.fallbackConfig!.exporter), idOf(bring.gateway.clusterCertificate.node.findChild('ExpiryCheck'))].sort());
    brought.resourceCountIs('Custom::KongClusterCertificate', 0);
    const secrets = containerOf(brought, 'data_plane').container.Secrets;
    expect(secrets).toEqual(expect.arrayContaining([
      { Name: 'KONG_CLUSTER_CERT', ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/cluster-AbCdEf:cert::' },
      { Name: 'KONG_CLUSTER_CERT_KEY', ValueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/cluster-AbCdEf:key::' },
    ]));
  });

  test('GIVEN PKI mode with a CA WHEN synthesized THEN each side gets its own certificate and the CA, and the DP expects the CP by name', () => {
    // GIVEN
    const pki = pkiStack();
    // WHEN
    const t = Template.fromStack(pki.stack);
    // THEN
    t.hasResourceProperties('Custom::KongClusterCertificate', {
      Mode: 'pki',
      CaSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/ca-AbCdEf',
      ControlPlaneCommonName: 'kong-cp.kong.internal',
      DataPlaneCommonName: 'kong-dp.kong.internal',
    });
    t.resourceCountIs('AWS::SecretsManager::Secret', 4); // CP, DP, database, admin API key
    const cpSecret = idOf(pki.gateway.clusterCertificate.controlPlaneSecret);
    const dpSecret = idOf(pki.gateway.clusterCertificate.dataPlaneSecret);
    expect(cpSecret).not.toBe(dpSecret);
    const dp = containerOf(t, 'data_plane');
    expect(dp.env).toMatchObject({ KONG_CLUSTER_MTLS: 'pki', KONG_CLUSTER_SERVER_NAME: 'kong-cp.kong.internal' });
    const refs = (c: any) => Object.fromEntries(c.container.Secrets.map((x: any) => [x.Name, x.ValueFrom['Fn::Join'][1][0].Ref]));
    expect(refs(dp)).toEqual(expect.objectContaining({ KONG_CLUSTER_CERT: dpSecret, KONG_CLUSTER_CERT_KEY: dpSecret, KONG_CLUSTER_CA_CERT: dpSecret }));
    expect(refs(containerOf(t, 'control_plane'))).toEqual(expect.objectContaining({ KONG_CLUSTER_CERT: cpSecret, KONG_CLUSTER_CA_CERT: cpSecret }));
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/ca-AbCdEf' })]) },
    });
  });

  test('GIVEN a new generation WHEN synthesized THEN the custom resource gets it (a rotation)', () => {
    const t = Template.fromStack(gatewayStack({ clusterCertificateGeneration: 2 }, 'Rotated').stack);
    t.hasResourceProperties('Custom::KongClusterCertificate', { Generation: '2' });
  });
});

describe('alarms', () => {
  test('GIVEN the default gateway WHEN synthesized THEN a daily check publishes the days the cluster certificate has left, and an alarm goes off 60 days before expiry', () => {
    const cert = def.gateway.clusterCertificate;
    const schedules = Object.values(template.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.ScheduleExpression === 'rate(1 day)') as any[];
    expect(schedules).toHaveLength(1);
    const [target] = schedules[0].Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [idOf(cert.handler!), 'Arn'] });
    // The input names the secret by reference: {"action":"check-expiry","certificate":"…","secretIds":["<Ref>"]}.
    expect(target.Input['Fn::Join'][1]).toEqual([expect.stringMatching(/^\{"action":"check-expiry","certificate":"[^"]*ClusterCertificate[^"]*","secretIds":\["$/), { Ref: idOf(cert.controlPlaneSecret) }, '"]}']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'KongHybrid',
      MetricName: 'ClusterCertificateDaysToExpiry',
      Statistic: 'Minimum',
      Period: 86400,
      Threshold: 60,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'missing',
      AlarmDescription: Match.stringLikeRegexp('bump clusterCertificateGeneration and deploy'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(cert.handler!) } }],
      Threshold: 1,
    });
  });

  test('GIVEN a certificate brought in a secret WHEN synthesized THEN a function of its own checks it, allowed to read only that secret', () => {
    const fns = Object.entries(brought.findResources('AWS::Lambda::Function')).filter(([id]) => /ClusterCertificateExpiryCheck/.test(id));
    expect(fns).toHaveLength(1);
    brought.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Input: Match.serializedJson(Match.objectLike({ secretIds: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/cluster-AbCdEf'] })) })],
    });
    brought.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ClusterCertificateDaysToExpiry', Threshold: 60 });
  });

  test('GIVEN clusterCertificateExpiryWarning WHEN synthesized THEN the alarm uses it; one as long as the validity is refused by name', () => {
    const t = Template.fromStack(gatewayStack({ clusterCertificateExpiryWarning: Duration.days(90) }, 'Warn').stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ClusterCertificateDaysToExpiry', Threshold: 90 });
    expect(() => gatewayStack({ clusterCertificateExpiryWarning: Duration.days(1095) }, 'WarnTooLong')).toThrow(new Error('clusterCertificateExpiryWarning must be shorter than clusterCertificateValidity (1095 days), got 1095 days'));
  });

  test('GIVEN no alarm action WHEN synthesized THEN no alarm has one', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    expect(alarms.filter((a) => a.Properties.AlarmActions !== undefined)).toEqual([]);
  });

  test('GIVEN an alarm action WHEN synthesized THEN every alarm under the gateway gets it, including one added after the constructor ran', () => {
    const { stack, gateway } = gatewayStack((st) => ({ alarmAction: new cloudwatchActions.SnsAction(new sns.Topic(st, 'Oncall')) }), 'Actions');
    new cloudwatch.Alarm(gateway, 'AddedLater', { metric: gateway.metricLoadBalancerHttp5xx(), threshold: 10, evaluationPeriods: 1 });
    new cloudwatch.Alarm(stack, 'OutsideTheGateway', { metric: gateway.metricLoadBalancerHttp5xx(), threshold: 10, evaluationPeriods: 1 });
    const t = Template.fromStack(stack);
    const alarms = t.findResources('AWS::CloudWatch::Alarm') as Record<string, any>;
    const topic = { Ref: Object.keys(t.findResources('AWS::SNS::Topic'))[0] };
    const inside = Object.entries(alarms).filter(([id]) => !id.startsWith('OutsideTheGateway'));
    expect(inside.length).toBeGreaterThanOrEqual(4);
    for (const [id, alarm] of inside) expect([id, alarm.Properties.AlarmActions]).toEqual([id, [topic]]);
    expect(Object.entries(alarms).find(([id]) => id.startsWith('OutsideTheGateway'))![1].Properties.AlarmActions).toBeUndefined();
  });
});

describe('8. firewall', () => {
  const acl = () => Object.values(template.findResources('AWS::WAFv2::WebACL'))[0] as any;

  test('GIVEN the default gateway WHEN synthesized THEN a regional web ACL is associated with the ALB', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: idOf(def.gateway.loadBalancer) },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FirewallWebAcl'), 'Arn'] },
    });
  });

  test('GIVEN the default gateway WHEN synthesized THEN the managed rule groups are IP reputation, common rule set and known bad inputs', () => {
    const groups = acl().Properties.Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement).map((r: any) => r.Statement.ManagedRuleGroupStatement);
    expect(groups.map((g: any) => [g.VendorName, g.Name])).toEqual([
      ['AWS', 'AWSManagedRulesAmazonIpReputationList'],
      ['AWS', 'AWSManagedRulesCommonRuleSet'],
      ['AWS', 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    // The same lists are statics of GatewayFirewall, so that Python and Java can extend them too.
    expect(groups.map((g: any) => g.Name)).toEqual(GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS);
    expect(commonRuleSet(template).RuleActionOverrides.map((o: any) => o.Name)).toEqual(GatewayFirewall.DEFAULT_COUNTED_RULES);
  });

  const commonRuleSet = (t: Template) => (Object.values(t.findResources('AWS::WAFv2::WebACL'))[0] as any).Properties.Rules
    .map((r: any) => r.Statement.ManagedRuleGroupStatement).find((g: any) => g?.Name === 'AWSManagedRulesCommonRuleSet');

  test('GIVEN the default gateway WHEN synthesized THEN bodies over 8 KB, requests without a User-Agent and bodies with IP-host URLs are counted, not blocked; every other rule still blocks', () => {
    expect(commonRuleSet(template).RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } },
      { Name: 'GenericRFI_BODY', ActionToUse: { Count: {} } },
    ]);
    // The other groups keep their own actions.
    const others = acl().Properties.Rules.map((r: any) => r.Statement.ManagedRuleGroupStatement).filter((g: any) => g && g.Name !== 'AWSManagedRulesCommonRuleSet');
    expect(others.every((g: any) => g.RuleActionOverrides === undefined)).toBe(true);
  });

  test('GIVEN firewallCountedRules [] WHEN synthesized THEN every common rule blocks again; an unknown name or a missing common rule set is refused by name', () => {
    expect(commonRuleSet(Template.fromStack(gatewayStack({ firewallCountedRules: [] }, 'Strict').stack)).RuleActionOverrides).toBeUndefined();
    expect(commonRuleSet(Template.fromStack(gatewayStack({ firewallCountedRules: ['SizeRestrictions_BODY'] }, 'OnlySize').stack)).RuleActionOverrides)
      .toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(() => gatewayStack({ firewallCountedRules: ['size restrictions'] }, 'BadRule')).toThrow('firewallCountedRules[0] must be a rule name of AWSManagedRulesCommonRuleSet such as "SizeRestrictions_BODY", got "size restrictions"');
    expect(() => gatewayStack({ firewallCountedRules: ['NoUserAgent_HEADER'], firewallManagedRuleGroups: ['AWSManagedRulesAmazonIpReputationList'] }, 'NoCrs'))
      .toThrow(new Error('firewallCountedRules apply to AWSManagedRulesCommonRuleSet, which firewallManagedRuleGroups does not include (got firewallCountedRules ["NoUserAgent_HEADER"])'));
  });

  test('GIVEN the default gateway WHEN synthesized THEN a rate-based rule blocks one address above 2000 requests in 5 minutes', () => {
    const rate = acl().Properties.Rules.find((r: any) => r.Statement.RateBasedStatement);
    expect(rate).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } });
  });

  test('GIVEN no admin CIDRs WHEN synthesized THEN /kong-admin (decoded, normalised) is blocked at the edge for every address', () => {
    const admin = acl().Properties.Rules.find((r: any) => r.Name === 'AdminPathFromAdminCidrsOnly');
    expect(admin.Priority).toBe(0);
    expect(admin.Action).toEqual({ Block: {} });
    const [path, not] = admin.Statement.AndStatement.Statements;
    expect(path.ByteMatchStatement).toMatchObject({
      FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/kong-admin',
      TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }],
    });
    expect(not.NotStatement.Statement.OrStatement.Statements).toHaveLength(2);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: [] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: [] });
  });

  test('GIVEN IPv4 and IPv6 admin CIDRs WHEN synthesized THEN each lands in the IP set of its family', () => {
    brought.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] });
    brought.hasResourceProperties('AWS::WAFv2::IPSet', { IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/48'] });
    expect(bring.gateway.adminAllowedCidrs).toEqual(['203.0.113.0/24', '2001:db8::/48']);
  });

  test('GIVEN firewall false WHEN synthesized THEN there is no web ACL', () => {
    const t = Template.fromStack(gatewayStack({ firewall: false }, 'NoWaf').stack);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});

describe('9. logging', () => {
  test('GIVEN the default gateway WHEN synthesized THEN CP and DP log to CloudWatch Logs groups kept one month', () => {
    for (const role of ['control_plane', 'data_plane']) {
      const log = containerOf(template, role).container.LogConfiguration;
      expect(log.LogDriver).toBe('awslogs');
      const group = template.toJSON().Resources[log.Options['awslogs-group'].Ref];
      expect(group).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    }
  });

  test('GIVEN WAF logging WHEN synthesized THEN requests go to an aws-waf-logs- group with the api key, authorization and cookies redacted', () => {
    brought.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') });
    brought.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'apikey' } }, { SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
  });
});

describe('idle scaler', () => {
  const env = (t: Template) => {
    const fns = Object.values(t.findResources('AWS::Lambda::Function')).filter((f: any) => f.Properties.Environment?.Variables?.STATE_TABLE);
    expect(fns).toHaveLength(1);
    return (fns[0] as any).Properties.Environment.Variables;
  };

  test('GIVEN the default gateway WHEN synthesized THEN the scaler owns this CP, watches this DP and database, with the seed\'s 5/30/15 minutes', () => {
    const vars = env(template);
    expect(vars).toMatchObject({
      CONTROL_PLANE_SERVICE: { 'Fn::GetAtt': [idOf(def.gateway.controlPlane.service), 'Name'] },
      DATA_PLANE_SERVICE: { 'Fn::GetAtt': [idOf(def.gateway.dataPlane.service), 'Name'] },
      DATABASE_CLUSTER: { Ref: idOf(def.gateway.database.cluster) },
      ADMIN_API_URL: 'http://kong-cp.kong.internal:8001',
      SYNC_TIMEOUT_SECONDS: '300',
      COOLDOWN_SECONDS: '1800',
      EXTENSION_SECONDS: '900',
    });
    const outputs = Object.values(template.toJSON().Outputs).map((o: any) => o.Value);
    expect(outputs).toContainEqual({ Ref: idOf(def.gateway.idleScaler!.function) });
  });

  test('GIVEN other timings WHEN synthesized THEN the scaler gets them', () => {
    const g = gatewayStack({ idleScalerSyncTimeout: Duration.minutes(8), idleScalerCooldown: Duration.hours(1), idleScalerCooldownExtension: Duration.minutes(20), idleScalerWakeBound: Duration.minutes(40) }, 'Timings');
    expect(env(Template.fromStack(g.stack))).toMatchObject({ SYNC_TIMEOUT_SECONDS: '480', COOLDOWN_SECONDS: '3600', EXTENSION_SECONDS: '1200', WAKE_BOUND_SECONDS: '2400' });
  });

  test('GIVEN an always-on control plane WHEN synthesized THEN there is no scaler and the CP keeps one task', () => {
    const g = gatewayStack({ controlPlaneAlwaysOn: true }, 'AlwaysOn');
    const t = Template.fromStack(g.stack);
    expect(g.gateway.idleScaler).toBeUndefined();
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(t.toJSON().Resources[idOf(g.gateway.controlPlane.service)].Properties.DesiredCount).toBe(1);
  });

  test('GIVEN an always-on control plane and scaler timings WHEN synthesized THEN it fails naming the prop', () => {
    expect(() => gatewayStack({ controlPlaneAlwaysOn: true, idleScalerCooldown: Duration.minutes(10) }, 'Both'))
      .toThrow('idleScalerCooldown needs the idle scaler, but controlPlaneAlwaysOn is true (got idleScalerCooldown 10 minutes)');
  });
});

describe('10. public surface', () => {
  test('GIVEN the default gateway WHEN synthesized THEN it outputs the endpoint and the admin URL', () => {
    const outputs = template.toJSON().Outputs;
    const values = Object.values(outputs).map((o: any) => o.Value);
    expect(values).toEqual(expect.arrayContaining(['https://kong-gw.example.com', 'https://kong-gw.example.com/kong-admin']));
    expect(def.gateway.adminUrl).toBe('https://kong-gw.example.com/kong-admin');
    expect(def.gateway.endpoint).toBe('https://kong-gw.example.com');
  });

  test('GIVEN the default gateway WHEN synthesized THEN its outputs name what the kong-hybrid CLI reads: cluster, services, database, admin CIDRs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = (name: string) => Object.entries(outputs).find(([id]) => new RegExp(`^Kong${name}[0-9A-F]{8}$`).test(id))?.[1].Value;
    const g = def.gateway;
    expect(value('ClusterName')).toEqual({ Ref: idOf(g.cluster as ecs.Cluster) });
    expect(value('ControlPlaneServiceName')).toEqual({ 'Fn::GetAtt': [idOf(g.controlPlane.service), 'Name'] });
    expect(value('DataPlaneServiceName')).toEqual({ 'Fn::GetAtt': [idOf(g.dataPlane.service), 'Name'] });
    expect(value('DatabaseClusterIdentifier')).toEqual({ Ref: idOf(g.database.cluster) });
    // No admin CIDRs by default: the output still has a value, as CloudFormation requires.
    expect(value('AdminAllowedCidrs')).toBe('none');
    const brought = Template.fromStack(bring.stack).toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.entries(brought).find(([id]) => /^KongAdminAllowedCidrs/.test(id))?.[1].Value).toBe('203.0.113.0/24,2001:db8::/48');
  });

  test('GIVEN the gateway WHEN its handles are read THEN they are the resources of the template', () => {
    const g = def.gateway;
    expect(template.toJSON().Resources[idOf(g.dataPlane.service)].Type).toBe('AWS::ECS::Service');
    expect(template.toJSON().Resources[idOf(g.controlPlane.service)].Type).toBe('AWS::ECS::Service');
    expect(template.toJSON().Resources[idOf(g.database.cluster)].Type).toBe('AWS::RDS::DBCluster');
    expect(template.toJSON().Resources[idOf(g.loadBalancer)].Type).toBe('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(template.toJSON().Resources[idOf(g.cluster as ecs.Cluster)].Type).toBe('AWS::ECS::Cluster');
    expect(g.namespace.namespaceName).toBe('kong.internal');
    expect(g.clusterCertificate.controlPlaneSecret).toBe(g.clusterCertificate.dataPlaneSecret);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('GIVEN the gateway WHEN metrics are asked for THEN they watch DP healthy hosts, 5xx, CP running tasks and DB capacity', () => {
    const stack = def.stack;
    const g = def.gateway;
    const m = (metric: any) => ({ namespace: metric.namespace, name: metric.metricName, dims: Object.keys(metric.dimensions ?? {}).sort() });
    expect(m(g.metricDataPlaneHealthyHosts())).toEqual({ namespace: 'AWS/ApplicationELB', name: 'HealthyHostCount', dims: ['LoadBalancer', 'TargetGroup'] });
    expect(m(g.metricDataPlaneHttp5xx())).toEqual({ namespace: 'AWS/ApplicationELB', name: 'HTTPCode_Target_5XX_Count', dims: ['LoadBalancer', 'TargetGroup'] });
    expect(m(g.metricLoadBalancerHttp5xx())).toEqual({ namespace: 'AWS/ApplicationELB', name: 'HTTPCode_ELB_5XX_Count', dims: ['LoadBalancer'] });
    expect(m(g.metricControlPlaneRunningTasks())).toEqual({ namespace: 'ECS/ContainerInsights', name: 'RunningTaskCount', dims: ['ClusterName', 'ServiceName'] });
    expect(m(g.metricDatabaseCapacity())).toEqual({ namespace: 'AWS/RDS', name: 'ServerlessDatabaseCapacity', dims: ['DBClusterIdentifier'] });
    expect(stack.resolve(g.metricControlPlaneRunningTasks().dimensions!.ServiceName)).toEqual({ 'Fn::GetAtt': [idOf(g.controlPlane.service), 'Name'] });
  });
});

describe('customer-managed key (encryptionKey)', () => {
  const resources = (t: Template) => Object.entries<any>(t.toJSON().Resources);
  const keyId = () => resources(brought).find(([, r]) => r.Type === 'AWS::KMS::Key')![0];
  const byKey = { 'Fn::GetAtt': [keyId(), 'Arn'] };
  const ofType = (t: Template, type: string) => resources(t).filter(([, r]) => r.Type === type);

  test('GIVEN no key WHEN synthesized THEN nothing names a KMS key: each service keeps its own encryption', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/"KmsKeyId"|"KmsMasterKeyId"|"KMSMasterKeyId"|"KmsKeyArn"/);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    expect(ofType(template, 'AWS::KMS::Key')).toEqual([]);
  });

  test('GIVEN a key WHEN synthesized THEN every log group, every secret the gateway creates, the scaler\'s table and queue and the functions\' environments use it', () => {
    const logGroups = ofType(brought, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThanOrEqual(5); // CP, DP, WAF, scaler, bootstrap, expiry check
    expect(logGroups.filter(([, r]) => JSON.stringify(r.Properties.KmsKeyId) !== JSON.stringify(byKey)).map(([id]) => id)).toEqual([]);
    const secrets = ofType(brought, 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBe(2); // database credentials, admin API key (the cluster certificate is the user's)
    expect(secrets.filter(([, r]) => JSON.stringify(r.Properties.KmsKeyId) !== JSON.stringify(byKey)).map(([id]) => id)).toEqual([]);
    brought.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: byKey } });
    brought.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: byKey });
    const withEnvironment = ofType(brought, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Environment);
    expect(withEnvironment.length).toBe(3); // the idle scaler, the admin bootstrap, the fallback exporter
    expect(withEnvironment.filter(([, r]) => JSON.stringify(r.Properties.KmsKeyArn) !== JSON.stringify(byKey)).map(([id]) => id)).toEqual([]);
    // The database storage follows databaseEncryptionKey (the same key here).
    brought.hasResourceProperties('AWS::RDS::DBCluster', { StorageEncrypted: true, KmsKeyId: byKey });
    expect(bring.gateway.encryptionKey).toBeDefined();
    expect(def.gateway.encryptionKey).toBeUndefined();
  });

  test('GIVEN a key of the app WHEN synthesized THEN its policy lets CloudWatch Logs (this account\'s log groups) and EventBridge (this account\'s rules) use it', () => {
    const policy = resources(brought).find(([, r]) => r.Type === 'AWS::KMS::Key')![1].Properties.KeyPolicy;
    const logs = policy.Statement.find((s: any) => s.Sid === 'AllowCloudWatchLogsOfThisAccount');
    expect(logs.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(logs.Action).toEqual(['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*']);
    expect(JSON.stringify(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toMatch(/:logs:us-east-1:.*AWS::AccountId.*:log-group:\*/);
    const events = policy.Statement.find((s: any) => s.Sid === 'AllowEventBridgeDeadLetters');
    expect({ principal: events.Principal, actions: events.Action }).toEqual({ principal: { Service: 'events.amazonaws.com' }, actions: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(JSON.stringify(events.Condition.ArnLike['aws:SourceArn'])).toMatch(/:events:us-east-1:.*:rule\/\*/);
    // Each once, however many constructs use the key.
    expect(policy.Statement.filter((s: any) => s.Sid === 'AllowCloudWatchLogsOfThisAccount')).toHaveLength(1);
  });

  test('GIVEN a key WHEN synthesized THEN the scaler and the bootstrap may use it through DynamoDB, SQS and Secrets Manager, and decrypt their environments', () => {
    const policy = resources(brought).find(([, r]) => r.Type === 'AWS::KMS::Key')![1].Properties.KeyPolicy;
    const via = (role: RegExp) => policy.Statement.filter((s: any) => role.test(JSON.stringify(s.Principal)))
      .map((s: any) => `${s.Condition.StringEquals['kms:ViaService'].split('.')[0]}: ${[s.Action].flat().join(',')}`).sort();
    expect(via(/IdleScalerFunctionServiceRole/)).toEqual([
      'dynamodb: kms:Decrypt,kms:Encrypt,kms:GenerateDataKey*,kms:ReEncrypt*,kms:DescribeKey',
      'sqs: kms:GenerateDataKey,kms:Decrypt',
    ]);
    expect(via(/AdminApiProxyHandlerServiceRole/)).toEqual(['secretsmanager: kms:Decrypt,kms:GenerateDataKey']);
    // And, in their own policies, kms:Decrypt for their environment variables (see lambda-function.ts).
    for (const role of ['IdleScalerFunctionServiceRole', 'AdminApiProxyHandlerServiceRole']) {
      const statements = ofType(brought, 'AWS::IAM::Policy').filter(([id]) => id.includes(role)).flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
      expect({ role, kms: statements.filter((st: any) => JSON.stringify(st.Action).includes('kms:')) }).toEqual({ role, kms: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: byKey }] });
    }
    // ECS reads the database password for the control plane through Secrets Manager.
    expect(via(/ControlPlaneTaskDefinitionExecutionRole/)).toEqual(['secretsmanager: kms:Decrypt']);
  });

  test('GIVEN a generated cluster certificate and a key WHEN synthesized THEN its secret and its function\'s logs use the key, and the function may write through Secrets Manager', () => {
    const stack = new Stack(testApp(), 'Cert', { env: { region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ClusterCertificate(stack, 'Cert', { encryptionKey: key });
    const t = Template.fromStack(stack);
    const byThisKey = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    t.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: byThisKey });
    t.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: byThisKey });
    t.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('CertHandlerRole'), 'Arn'] } },
    })]) } });
  });

  test('GIVEN a key imported by ARN WHEN synthesized THEN the flow logs use it and a warning says what its policy must allow', () => {
    const stack = new Stack(testApp(), 'Imported', { env: { region: 'us-east-1' } });
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    new GatewayNetwork(stack, 'Network', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn) });
    const imported = synthesized(stack);
    imported.template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: arn });
    imported.annotations.hasWarning('*', Match.stringLikeRegexp('must already allow logs.us-east-1.amazonaws.com to use it'));
  });

  test('GIVEN a deployed gateway WHEN the key is added THEN CloudFormation updates every resource it touches in place, except the database storage (replaced: hence databaseEncryptionKey)', () => {
    // CloudFormation's own resource schemas, as cfn-lint ships them: a create-only property replaces the resource.
    const schemas = (() => {
      for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
        const lib = path.join(dir, '.venv', 'lib');
        if (!existsSync(lib)) continue;
        const python = readdirSync(lib).find((d) => d.startsWith('python'))!;
        return path.join(lib, python, 'site-packages', 'cfnlint', 'data', 'schemas');
      }
      throw new Error('no project venv with cfn-lint: run `npm run venv` at the repository root');
    })();
    const index = JSON.parse(readFileSync(path.join(schemas, 'providers', 'us-east-1.json'), 'utf8'));
    const createOnly = (type: string): string[] => JSON.parse(readFileSync(path.join(schemas, 'resources', `${index[type]}.json`), 'utf8')).createOnlyProperties ?? [];
    const touched: Array<[string, string]> = [
      ['AWS::Logs::LogGroup', 'KmsKeyId'], ['AWS::SecretsManager::Secret', 'KmsKeyId'], ['AWS::DynamoDB::Table', 'SSESpecification'],
      ['AWS::SQS::Queue', 'KmsMasterKeyId'], ['AWS::SQS::Queue', 'SqsManagedSseEnabled'], ['AWS::Lambda::Function', 'KmsKeyArn'],
    ];
    expect(touched.filter(([type, prop]) => createOnly(type).includes(`/properties/${prop}`))).toEqual([]);
    expect(createOnly('AWS::RDS::DBCluster')).toContain('/properties/KmsKeyId');
  });
});
