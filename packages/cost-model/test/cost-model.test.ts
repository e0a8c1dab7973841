import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import {
  ALWAYS_ON, BUSY, estimateMonthlyCost, IDLE, inventoryFromTemplates, invocationsPerMonth, monthlyFigures, PRICES, securityGroupRules, tasksByCapacity,
} from '../src';
import { synthesizeSample } from './sample';

const stacks = synthesizeSample();
const templates = stacks.map((s) => s.template);
const inventory = inventoryFromTemplates(templates);
const monthly = (hourly: number) => hourly * 730;

describe('inventoryFromTemplates', () => {
  test('GIVEN a synthesized deployment WHEN read THEN it finds every billable resource', () => {
    expect(inventory.natGateways).toBe(1);
    expect(inventory.elasticIps).toBe(1);
    expect(inventory.loadBalancers).toEqual([{ internetFacing: true, zones: 2 }]);
    expect(inventory.webAclRules).toEqual([3]);
    expect(inventory.secrets).toBe(1); // the generated database credentials
    expect(inventory.auroraClusters).toEqual([{ minAcu: 0, maxAcu: 4, ioOptimized: false }]);
  });

  test('GIVEN an autoscaled ARM64 data plane and an x86 control plane WHEN read THEN sizes, minimums and roles are right', () => {
    const dp = inventory.fargateServices.find((s) => s.path.startsWith('DataPlane'))!;
    const cp = inventory.fargateServices.find((s) => s.path.startsWith('ControlPlane'))!;
    expect(dp).toMatchObject({ vcpu: 0.5, memoryGb: 1, architecture: 'arm64', minTasks: 2, stoppedWhenIdle: false });
    expect(cp).toMatchObject({ vcpu: 1, memoryGb: 2, architecture: 'x86', stoppedWhenIdle: true });
  });

  test('GIVEN a 1-minute schedule WHEN read THEN the function is ticked 43,800 times a month', () => {
    expect(inventory.functions.find((f) => f.path.startsWith('Scaler'))?.scheduledInvocationsPerMonth).toBe(43_800);
    expect(invocationsPerMonth('rate(5 minutes)')).toBe(8_760);
    expect(invocationsPerMonth('cron(0 * * * ? *)')).toBe(0);
  });
});

describe('estimateMonthlyCost', () => {
  const idle = estimateMonthlyCost(inventory, IDLE);
  const busy = estimateMonthlyCost(inventory, BUSY);
  const line = (estimate: typeof idle, prefix: string) => estimate.lines.find((l) => l.item.startsWith(prefix))!.usd;

  test('GIVEN idle WHEN estimated THEN the control plane and the database cost nothing but storage', () => {
    expect(line(idle, 'Fargate ControlPlane')).toBe(0);
    expect(line(idle, 'Aurora')).toBeCloseTo(1 * PRICES.aurora.storageGbMonth, 6);
  });

  test('GIVEN busy WHEN estimated THEN the control plane runs one task all month and Aurora 0.5 ACU', () => {
    expect(line(busy, 'Fargate ControlPlane')).toBeCloseTo(monthly(1 * 0.04048 + 2 * 0.004445), 6);
    expect(line(busy, 'Aurora')).toBeCloseTo(monthly(0.5 * 0.12) + 0.1, 6);
  });

  test('GIVEN either scenario WHEN estimated THEN the data plane runs its minimum ARM64 tasks', () => {
    const dp = monthly(2 * (0.5 * 0.03238 + 1 * 0.00356));
    expect(line(idle, 'Fargate DataPlane')).toBeCloseTo(dp, 6);
    expect(line(busy, 'Fargate DataPlane')).toBeCloseTo(dp, 6);
  });

  test('GIVEN the fixed parts WHEN estimated THEN NAT, public IPs, WAF and secrets follow the list prices', () => {
    expect(line(idle, 'NAT')).toBeCloseTo(monthly(0.045) + 1 * 0.045, 6);
    expect(line(idle, 'Public IPv4')).toBeCloseTo(monthly(3 * 0.005), 6); // 2 ALB nodes + 1 NAT EIP
    expect(line(idle, 'WAF')).toBeCloseTo(5 + 3 * 1, 6);
    expect(line(idle, 'Secrets')).toBeCloseTo(0.4, 6);
  });

  test('GIVEN busy traffic WHEN estimated THEN the ALB pays for the processed bytes and WAF for the requests', () => {
    const requests = 50 * 730 * 3600;
    const gbPerHour = (50 * 10_000 * 3600) / 1e9; // 1.8 GB/h: the largest LCU dimension
    expect(line(busy, 'ALB')).toBeCloseTo(monthly(0.0225 + gbPerHour * 0.008), 6);
    expect(line(busy, 'WAF')).toBeCloseTo(5 + 3 + (requests / 1e6) * 0.6, 6);
  });

  test('GIVEN both scenarios WHEN totalled THEN busy costs more than idle and totals add up', () => {
    for (const e of [idle, busy]) expect(e.totalUsd).toBeCloseTo(e.lines.reduce((s, l) => s + l.usd, 0), 9);
    expect(busy.totalUsd).toBeGreaterThan(idle.totalUsd);
  });
});

describe('securityGroupRules', () => {
  test('GIVEN an ALB in front of a service WHEN read THEN the matrix names both sides by construct path', () => {
    const rules = securityGroupRules(templates);
    expect(rules).toContainEqual({ direction: 'ingress', group: 'LoadBalancer', peer: '0.0.0.0/0', ports: 'tcp/80' });
    expect(rules).toContainEqual({ direction: 'ingress', group: 'DataPlane/Service', peer: 'LoadBalancer', ports: 'tcp/8000' });
    expect(rules).toContainEqual({ direction: 'egress', group: 'LoadBalancer', peer: 'DataPlane/Service', ports: 'tcp/8000' });
  });
});

/** A deployment with a NAT-instance-like Auto Scaling group and a service split between Fargate and Fargate Spot. */
function synthesizeSpotAndInstances(spot: { base: number; spotWeight: number; onDemandWeight: number }, instanceType = 't4g.nano') {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'SpotSample');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 1024, memoryLimitMiB: 2048, runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64 } });
  taskDefinition.addContainer('kong', { image: ecs.ContainerImage.fromRegistry('kong:3.9.1') });
  const dataPlane = new Construct(stack, 'DataPlane');
  new ecs.FargateService(dataPlane, 'Service', {
    cluster, taskDefinition, desiredCount: 4,
    capacityProviderStrategies: [
      { capacityProvider: 'FARGATE', base: spot.base, weight: spot.onDemandWeight },
      { capacityProvider: 'FARGATE_SPOT', weight: spot.spotWeight },
    ],
  });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'NatTemplate', {
    instanceType: new ec2.InstanceType(instanceType), machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    associatePublicIpAddress: true, blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
  });
  for (const i of [1, 2]) new autoscaling.AutoScalingGroup(stack, `Nat${i}`, { vpc, launchTemplate, minCapacity: 1, maxCapacity: 1 });
  return inventoryFromTemplates([app.synth().getStackByName('SpotSample').template]);
}

describe('NAT instances and Fargate Spot in the cost model', () => {
  const halfSpot = synthesizeSpotAndInstances({ base: 1, spotWeight: 1, onDemandWeight: 1 });
  const service = halfSpot.fargateServices[0];
  const idle = estimateMonthlyCost(halfSpot, IDLE);
  const line = (prefix: string) => idle.lines.find((l) => l.item.startsWith(prefix))!;

  test('GIVEN Auto Scaling groups with a launch template WHEN read THEN each names its instance type, size, volumes and public address', () => {
    expect(halfSpot.autoScalingGroups).toEqual([
      { path: 'Nat1/ASG', instanceType: 't4g.nano', instances: 1, volumes: [{ sizeGb: 8, type: 'gp3' }], publicIpv4: true },
      { path: 'Nat2/ASG', instanceType: 't4g.nano', instances: 1, volumes: [{ sizeGb: 8, type: 'gp3' }], publicIpv4: true },
    ]);
  });

  test('GIVEN a capacity provider strategy WHEN read THEN the on-demand base and the Spot share of the rest come from it', () => {
    expect(service).toMatchObject({ minTasks: 4, onDemandBase: 1, spotBase: 0, spotShare: 0.5 });
    expect(tasksByCapacity(service, 4)).toEqual({ onDemand: 2.5, spot: 1.5 });
    expect(tasksByCapacity(service, 1)).toEqual({ onDemand: 1, spot: 0 });
    expect(tasksByCapacity({ ...service, onDemandBase: 0, spotShare: 1 }, 3)).toEqual({ onDemand: 0, spot: 3 });
  });

  test('GIVEN tasks on Spot WHEN estimated THEN they cost the on-demand rate less the Spot discount', () => {
    const perTask = (service.vcpu * PRICES.fargate.arm64.vcpuHour + service.memoryGb * PRICES.fargate.arm64.gbHour) * 730;
    expect(line('Fargate DataPlane').usd).toBeCloseTo((2.5 + 1.5 * (1 - PRICES.fargate.spotDiscount)) * perTask, 6);
    expect(line('Fargate DataPlane').detail).toContain('(1.5 on Spot)');
  });

  test('GIVEN NAT instances WHEN estimated THEN their hours, their gp3 volumes and their public addresses are priced', () => {
    expect(line('EC2 instances').usd).toBeCloseTo(2 * (PRICES.ec2.instanceHour['t4g.nano'] * 730 + 8 * PRICES.ebs.gp3GbMonth), 6);
    expect(line('Public IPv4').usd).toBeCloseTo(2 * PRICES.publicIpv4.hour * 730, 6); // no load balancer here: the two instances
    expect(idle.unpriced).toEqual([]);
  });

  test('GIVEN an instance type without a price WHEN estimated THEN it is listed as unpriced, not guessed', () => {
    const other = estimateMonthlyCost(synthesizeSpotAndInstances({ base: 0, spotWeight: 1, onDemandWeight: 0 }, 'm7g.large'), IDLE);
    expect(other.unpriced).toEqual(['Nat1/ASG: 1 × m7g.large (no price for this instance type)', 'Nat2/ASG: 1 × m7g.large (no price for this instance type)']);
    expect(other.lines.find((l) => l.item === 'EC2 instances')!.usd).toBe(0);
  });
});

describe('always-on', () => {
  test('GIVEN the sample WHEN priced always-on THEN it is idle plus one control plane task and Aurora at 0.5 ACU', () => {
    const f = monthlyFigures(templates);
    const cp = inventory.fargateServices.find((x) => x.stoppedWhenIdle)!;
    const cpMonth = (cp.vcpu * PRICES.fargate[cp.architecture].vcpuHour + cp.memoryGb * PRICES.fargate[cp.architecture].gbHour) * 730;
    const cloudMap = inventory.cloudMapServices > 0 ? PRICES.cloudMap.instanceMonth : 0;
    expect(f.alwaysOn.scenario).toBe(ALWAYS_ON);
    expect(f.alwaysOn.totalUsd - f.idle.totalUsd).toBeCloseTo(cpMonth + 0.5 * PRICES.aurora.acuHour * 730 + cloudMap, 6);
    expect(f.ratio).toBeCloseTo(f.idle.totalUsd / f.alwaysOn.totalUsd, 12);
  });
});
