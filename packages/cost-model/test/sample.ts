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

/** A small deployment with one of everything the cost model prices. */
export function synthesizeSample() {
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
