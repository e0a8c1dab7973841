import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  BUSY, estimateMonthlyCost, IDLE, inventoryFromTemplates, invocationsPerMonth, PRICES, renderSummary, securityGroupRules,
} from '../src/summary';

/** A small deployment with one of everything the cost model prices. */
function synthesizeSample() {
  // The CDK CLI records construct paths in the template; a bare App must be asked to.
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Sample');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });

  const service = (scope: Construct, cpu: number, memoryLimitMiB: number, arch: ecs.CpuArchitecture) => {
    const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', {
      cpu, memoryLimitMiB, runtimePlatform: { cpuArchitecture: arch, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    taskDefinition.addContainer('kong', { image: ecs.ContainerImage.fromRegistry('kong:3.9.1'), portMappings: [{ containerPort: 8000 }] });
    return new ecs.FargateService(scope, 'Service', { cluster, taskDefinition });
  };
  const dataPlane = service(new Construct(stack, 'DataPlane'), 512, 1024, ecs.CpuArchitecture.ARM64);
  dataPlane.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 6 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
  service(new Construct(stack, 'ControlPlane'), 1024, 2048, ecs.CpuArchitecture.X86_64);

  const alb = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', { vpc, internetFacing: true });
  alb.addListener('Http', { port: 80 }).addTargets('DataPlane', { port: 8000, targets: [dataPlane] });

  new rds.DatabaseCluster(stack, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc, writer: rds.ClusterInstance.serverlessV2('Writer'), serverlessV2MinCapacity: 0, serverlessV2MaxCapacity: 4,
  });

  new wafv2.CfnWebACL(stack, 'WebAcl', {
    scope: 'REGIONAL', defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'acl', sampledRequestsEnabled: true },
    rules: ['a', 'b', 'c'].map((name, priority) => ({
      name, priority, overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    })),
  });

  const tick = new lambda.Function(stack, 'Scaler', {
    runtime: lambda.Runtime.NODEJS_22_X, architecture: lambda.Architecture.ARM_64, memorySize: 256,
    handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  new events.Rule(stack, 'Tick', { schedule: events.Schedule.rate(Duration.minutes(1)), targets: [new targets.LambdaFunction(tick)] });

  const assembly = app.synth();
  return [{ name: 'Sample', template: assembly.getStackByName('Sample').template }];
}

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

describe('renderSummary', () => {
  test('GIVEN a cloud assembly WHEN rendered THEN it shows stacks, the matrix and both cost columns', () => {
    const text = renderSummary(stacks);
    expect(text).toMatch(/^  Sample: \d+ resources/m);
    expect(text).toContain('→ DataPlane/Service');
    expect(text).toMatch(/^\s+idle\s+busy$/m);
    expect(text).toMatch(/^  total\s+\$\d+\.\d\d\s+\$\d+\.\d\d$/m);
  });
});
