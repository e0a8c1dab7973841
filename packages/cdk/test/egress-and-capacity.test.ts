import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayEgress, type KongHybridGatewayProps } from '../src';
import { cfnLint } from './support/cfn-lint';
import { gatewayStack, once } from './support/stacks';
import { groupNames, securityGroupMatrix, type Rule } from './support/security-groups';

// GIVEN the gateway with one self-healing NAT instance per AZ and Spot above one on-demand data plane task
const nat = gatewayStack({ egress: GatewayEgress.NAT_INSTANCE, dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 1 }, 'NatInstances');
const natTemplate = Template.fromStack(nat.stack);
// GIVEN the gateway with a single NAT instance and every data plane task on Spot
const single = gatewayStack({ egress: GatewayEgress.NAT_INSTANCE, natInstances: 1, dataPlaneMinTasks: 1, dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 0 }, 'SingleNat');
const singleTemplate = Template.fromStack(single.stack);
// GIVEN the default gateway (NAT gateways, no Spot), built when first read: the baseline both sections compare with
const baseline = once(() => {
  const g = gatewayStack({}, 'Baseline');
  return { ...g, template: Template.fromStack(g.stack) };
});

const idOf = (c: any) => Stack.of(c).getLogicalId(c.node.defaultChild);
const routeTableOf = (subnet: ec2.ISubnet) => Stack.of(subnet).getLogicalId((subnet as ec2.PrivateSubnet).node.findChild('RouteTable') as any);
const resources = (t: Template) => t.toJSON().Resources as Record<string, any>;
const ofType = (t: Template, type: string) => Object.entries(resources(t)).filter(([, r]) => r.Type === type);
const userData = (launchTemplate: any): string => launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1]
  .map((p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');

describe('egress: NAT instances', () => {
  test('GIVEN egress NAT_INSTANCE WHEN synthesized THEN no NAT gateway and no Elastic IP, but one Auto Scaling group of exactly one instance per AZ, each in its own public subnet', () => {
    natTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    natTemplate.resourceCountIs('AWS::EC2::EIP', 0);
    const groups = ofType(natTemplate, 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(2);
    const publicSubnets = nat.gateway.vpc.publicSubnets.map(idOf);
    expect(groups.map(([, g]) => g.Properties.VPCZoneIdentifier)).toEqual([[{ Ref: publicSubnets[0] }], [{ Ref: publicSubnets[1] }]]);
    for (const [, g] of groups) expect(g.Properties).toMatchObject({ MinSize: '1', MaxSize: '1', HealthCheckType: 'EC2' });
  });

  test('GIVEN a NAT instance group WHEN created or replaced THEN CloudFormation waits for the instance\'s signal, and a new launch template replaces the group', () => {
    for (const [, g] of ofType(natTemplate, 'AWS::AutoScaling::AutoScalingGroup')) {
      expect(g.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT10M' } });
      expect(g.UpdatePolicy.AutoScalingReplacingUpdate).toEqual({ WillReplace: true });
    }
  });

  test('GIVEN the launch template WHEN read THEN a t4g.nano on the ARM64 Amazon Linux 2023 image, IMDSv2 only, an encrypted 8 GB gp3 root, a public IPv4 address and standard CPU credits', () => {
    natTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.nano',
        ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*arm64') },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8, VolumeType: 'gp3' } }],
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, DeviceIndex: 0 })],
        CreditSpecification: { CpuCredits: 'standard' },
      }),
    });
  });

  test('GIVEN an x86 instance type WHEN synthesized THEN the x86 image is used', () => {
    const t = Template.fromStack(gatewayStack({ egress: GatewayEgress.NAT_INSTANCE, natInstanceType: new ec2.InstanceType('t3a.nano') }, 'X86Nat').stack);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: 't3a.nano', ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*x8664') } }),
    });
  });

  test('GIVEN one NAT instance per AZ WHEN its boot script is read THEN each owns exactly its AZ\'s private route table and signals its own group', () => {
    const tables = nat.gateway.vpc.privateSubnets.map((s) => ({ Ref: routeTableOf(s) }));
    const groups = ofType(natTemplate, 'AWS::AutoScaling::AutoScalingGroup').map(([id]) => id);
    ofType(natTemplate, 'AWS::EC2::LaunchTemplate').forEach(([, lt], i) => {
      const script = userData(lt);
      expect(script).toContain(`tables='${JSON.stringify(tables[i])}'`);
      expect(script).toContain(`resource='${groups[i]}'`);
      expect(script).toContain("vpc_cidr='10.0.0.0/16'");
    });
  });

  test('GIVEN a single NAT instance WHEN synthesized THEN its group may launch in either public subnet and it owns both private route tables', () => {
    const groups = ofType(singleTemplate, 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0][1].Properties.VPCZoneIdentifier).toHaveLength(2);
    const script = userData(ofType(singleTemplate, 'AWS::EC2::LaunchTemplate')[0][1]);
    const tables = single.gateway.vpc.privateSubnets.map((s) => JSON.stringify({ Ref: routeTableOf(s) }));
    expect(script).toContain(`tables='${tables.join(' ')}'`);
  });

  test('GIVEN the instances\' role WHEN read THEN it may change the source/destination check only of instances with the NAT tag, which the launch template sets, and routes only in the private route tables', () => {
    const policy = ofType(natTemplate, 'AWS::IAM::Policy').find(([id]) => id.startsWith('KongNetworkNatInstancesRole'))![1];
    const statements = policy.Properties.PolicyDocument.Statement;
    const modify = statements.find((s: any) => s.Action === 'ec2:ModifyInstanceAttribute');
    const [[tagKey, tagValue]] = Object.entries(modify.Condition.StringEquals) as Array<[string, string]>;
    expect(tagKey).toBe('aws:ResourceTag/kong-hybrid:nat-instances');
    for (const [, lt] of ofType(natTemplate, 'AWS::EC2::LaunchTemplate')) {
      const instanceTags = lt.Properties.LaunchTemplateData.TagSpecifications.find((t: any) => t.ResourceType === 'instance').Tags;
      expect(instanceTags).toContainEqual({ Key: 'kong-hybrid:nat-instances', Value: tagValue });
    }
    const routeResources = statements.filter((s: any) => JSON.stringify(s.Action) === '["ec2:CreateRoute","ec2:ReplaceRoute"]').map((s: any) => JSON.stringify(s.Resource));
    const tables = nat.gateway.vpc.privateSubnets.map(routeTableOf);
    expect(routeResources).toHaveLength(2);
    tables.forEach((t, i) => expect(routeResources[i]).toContain(`"Ref":"${t}"`));
    expect(statements.filter((s: any) => s.Resource === '*').map((s: any) => s.Action)).toEqual(['ec2:DescribeRouteTables']);
  });

  test('GIVEN NAT instances WHEN synthesized THEN the groups wait for the role\'s policy, and the Lambda functions, the database and both ECS services wait for the groups', () => {
    const groups = ofType(natTemplate, 'AWS::AutoScaling::AutoScalingGroup').map(([id]) => id);
    for (const [, g] of ofType(natTemplate, 'AWS::AutoScaling::AutoScalingGroup')) expect(g.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^KongNetworkNatInstancesRoleDefaultPolicy/)]));
    const dependents = [
      ...ofType(natTemplate, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.VpcConfig), ...ofType(natTemplate, 'AWS::RDS::DBInstance'), ...ofType(natTemplate, 'AWS::ECS::Service'),
    ];
    expect(dependents.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'KongAdminApiProxyHandler', 'KongControlPlaneService', 'KongDataPlaneService', 'KongDatabaseClusterWriter', 'KongFallbackConfigExporter', 'KongIdleScalerFunction',
    ]);
    for (const [id, r] of dependents) expect({ id, dependsOn: r.DependsOn }).toEqual({ id, dependsOn: expect.arrayContaining(groups) });
  });

  test('GIVEN NAT instances WHEN the security groups are listed THEN the seed\'s chain is unchanged and the NAT group lets in the VPC only', () => {
    const g = nat.gateway;
    const names = groupNames({ ALB: g.loadBalancer, DP: g.dataPlane, CP: g.controlPlane, DB: g.database, Scaler: g.idleScaler!, Bootstrap: g.adminApiProxy!, Exporter: g.fallbackConfig! });
    const natSgs = g.network!.natInstanceConnections!.securityGroups;
    expect(natSgs).toHaveLength(1);
    names[idOf(natSgs[0])] = 'NAT';
    const rules = securityGroupMatrix(natTemplate, names);
    const seed = securityGroupMatrix(baseline().template, groupNamesOf(baseline()));
    expect(rules.filter((r) => r.group !== 'NAT')).toEqual(seed);
    expect(rules.filter((r) => r.group === 'NAT')).toEqual([
      { group: 'NAT', direction: 'in', protocol: '-1', ports: 'undefined', peer: '10.0.0.0/16' },
      { group: 'NAT', direction: 'out', protocol: '-1', ports: 'undefined', peer: '0.0.0.0/0' },
    ] satisfies Rule[]);
    natTemplate.resourceCountIs('AWS::EC2::SecurityGroup', 8);
  });
});

function groupNamesOf(s: ReturnType<typeof gatewayStack>) {
  const g = s.gateway;
  return groupNames({ ALB: g.loadBalancer, DP: g.dataPlane, CP: g.controlPlane, DB: g.database, Scaler: g.idleScaler!, Bootstrap: g.adminApiProxy!, Exporter: g.fallbackConfig! });
}

describe('data plane capacity: Fargate Spot above an on-demand base', () => {
  test('GIVEN Spot above one on-demand task WHEN synthesized THEN the service runs 1 task on FARGATE and the rest on FARGATE_SPOT, after the cluster has both providers', () => {
    const [[serviceId, service]] = ofType(natTemplate, 'AWS::ECS::Service').filter(([id]) => id.startsWith('KongDataPlane'));
    expect(service.Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
    expect(service.Properties.LaunchType).toBeUndefined();
    const [[associationId, association]] = ofType(natTemplate, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(association.Properties.CapacityProviders).toEqual(expect.arrayContaining(['FARGATE', 'FARGATE_SPOT']));
    expect({ serviceId, dependsOn: service.DependsOn }).toEqual({ serviceId, dependsOn: expect.arrayContaining([associationId]) });
  });

  test('GIVEN Spot without a base WHEN synthesized THEN the on-demand base is the minimum task count, so Spot only carries scale-out', () => {
    const t = Template.fromStack(gatewayStack({ dataPlaneFargateSpot: true, dataPlaneMinTasks: 3 }, 'SpotDefaultBase').stack);
    t.hasResourceProperties('AWS::ECS::Service', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 3, Weight: 0 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] });
  });

  test('GIVEN an on-demand base of 0 WHEN synthesized THEN every task runs on Spot', () => {
    singleTemplate.hasResourceProperties('AWS::ECS::Service', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] });
  });

  test('GIVEN no Spot WHEN synthesized THEN the services keep the Fargate launch type and the cluster gets no capacity providers', () => {
    const t = baseline().template;
    t.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
    for (const [, s] of ofType(t, 'AWS::ECS::Service')) expect(s.Properties).toMatchObject({ LaunchType: 'FARGATE' });
  });

  test('GIVEN Spot on a cluster the gateway does not own WHEN synthesized THEN it warns that the cluster needs the capacity providers', () => {
    const { stack } = gatewayStack((s) => {
      const vpc = ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
        vpcId: 'vpc-1', vpcCidrBlock: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'],
        publicSubnetIds: ['subnet-a1', 'subnet-a2'], privateSubnetIds: ['subnet-b1', 'subnet-b2'],
      });
      const cluster = ecs.Cluster.fromClusterAttributes(s, 'Cluster', { clusterName: 'theirs', vpc });
      return { vpc, cluster, dataPlaneFargateSpot: true } satisfies Partial<KongHybridGatewayProps>;
    }, 'ImportedCluster');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('associate the FARGATE and FARGATE_SPOT capacity providers'));
  });
});

describe('egress and capacity: validation', () => {
  test.each<[string, Partial<KongHybridGatewayProps>, RegExp]>([
    ['natGateways with NAT instances', { egress: GatewayEgress.NAT_INSTANCE, natGateways: 2 }, /^natGateways applies only to egress NAT_GATEWAY, but egress is NAT_INSTANCE \(got natGateways 2\)$/],
    ['natInstances with NAT gateways', { natInstances: 1 }, /^natInstances applies only to egress NAT_INSTANCE, but egress is NAT_GATEWAY \(got natInstances 1\)$/],
    ['more NAT instances than AZs', { egress: GatewayEgress.NAT_INSTANCE, natInstances: 3 }, /^natInstances \(3\) must not be greater than maxAzs \(2\)$/],
    ['zero NAT instances', { egress: GatewayEgress.NAT_INSTANCE, natInstances: 0 }, /^natInstances must be between 1 and 6, got 0$/],
    ['an on-demand base without Spot', { dataPlaneOnDemandBaseTasks: 1 }, /^dataPlaneOnDemandBaseTasks needs dataPlaneFargateSpot, but dataPlaneFargateSpot is not set \(got dataPlaneOnDemandBaseTasks 1\)$/],
    ['an on-demand base above the maximum', { dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 11 }, /^dataPlaneOnDemandBaseTasks \(11\) must not be greater than dataPlaneMaxTasks \(10\)$/],
    ['a negative on-demand base', { dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: -1 }, /^dataPlaneOnDemandBaseTasks must be between 0 and 1000, got -1$/],
  ])('GIVEN %s WHEN synthesized THEN it fails naming the prop and the value', (_name, props, message) => {
    expect(() => gatewayStack(props, 'Invalid')).toThrow(message);
  });

  test('GIVEN a VPC of the user and an egress option WHEN synthesized THEN it fails: egress applies only to a new VPC', () => {
    expect(() => gatewayStack((stack) => ({ vpc: new ec2.Vpc(stack, 'Own'), egress: GatewayEgress.NAT_INSTANCE }), 'Mixed'))
      .toThrow(/^egress applies only to a new VPC, but vpc was given too \(got egress "NAT_INSTANCE"\)$/);
  });
});

describe('egress and capacity: quality gates', () => {
  test.each([['one NAT instance per AZ, Spot above 1', nat], ['one NAT instance, all on Spot', single]])('GIVEN %s WHEN cdk-nag AwsSolutions checks it THEN there is no unsuppressed finding', (_name, config) => {
    const report = new AwsSolutionsChecks(config.app).validateScope(config.app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('GIVEN both templates WHEN cfn-lint checks them THEN it finds nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kong-nat-lint-'));
    const files = [natTemplate, singleTemplate].map((t, i) => {
      const file = path.join(dir, `t${i}.template.json`);
      writeFileSync(file, JSON.stringify(t.toJSON(), null, 1));
      return file;
    });
    expect(cfnLint(files).trim()).toBe('');
  });
});
