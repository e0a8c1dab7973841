import { type CfnTemplate, constructPath, referencedLogicalId, resourcesOfType } from './template';

/** A Fargate service as the cost model sees it. */
export interface FargateServiceInventory {
  readonly path: string;
  readonly vcpu: number;
  readonly memoryGb: number;
  readonly architecture: 'x86' | 'arm64';
  /** Tasks that always run: the autoscaling minimum, else the desired count (1 when omitted). */
  readonly minTasks: number;
  /** Whether the idle scaler stops this service while idle (the Kong control plane). */
  readonly stoppedWhenIdle: boolean;
  /** Tasks placed on regular Fargate before the weights apply (the FARGATE provider's base; 0 without a strategy). */
  readonly onDemandBase: number;
  /** Tasks placed on Fargate Spot before the weights apply (the FARGATE_SPOT provider's base). */
  readonly spotBase: number;
  /** The share of tasks above the bases that runs on Fargate Spot (0 without a capacity provider strategy). */
  readonly spotShare: number;
}

/** An Auto Scaling group (for example a NAT instance) as the cost model sees it. */
export interface AutoScalingGroupInventory {
  readonly path: string;
  /** The instance type of its launch template or launch configuration. */
  readonly instanceType: string;
  /** Instances that always run: the group's minimum size. */
  readonly instances: number;
  /** EBS volumes of each instance. */
  readonly volumes: Array<{ readonly sizeGb: number; readonly type: string }>;
  /** Whether each instance gets a public IPv4 address. */
  readonly publicIpv4: boolean;
}

/** A Lambda function as the cost model sees it. */
export interface FunctionInventory {
  readonly path: string;
  readonly memoryMb: number;
  readonly architecture: 'x86' | 'arm64';
  /** Invocations a month from schedules alone (for example a 1-minute tick: 43,800). */
  readonly scheduledInvocationsPerMonth: number;
}

/** What a synthesized deployment contains that costs money. */
export interface DeploymentInventory {
  readonly fargateServices: FargateServiceInventory[];
  readonly autoScalingGroups: AutoScalingGroupInventory[];
  readonly functions: FunctionInventory[];
  readonly natGateways: number;
  readonly loadBalancers: Array<{ readonly internetFacing: boolean; readonly zones: number }>;
  readonly webAclRules: number[];
  readonly secrets: number;
  readonly hostedZones: number;
  readonly auroraClusters: Array<{ readonly minAcu: number; readonly maxAcu: number; readonly ioOptimized: boolean }>;
  readonly cloudMapServices: number;
  readonly interfaceEndpointZones: number;
  readonly elasticIps: number;
}

/** Options of {@link inventoryFromTemplates}. */
export interface InventoryOptions {
  /** Recognizes the service the idle scaler stops. @default a construct path with a `ControlPlane` segment */
  readonly stoppedWhenIdle?: (path: string) => boolean;
}

const DEFAULT_ZONES = 2;
const MINUTES_A_MONTH = 730 * 60;

/** Reads the billable inventory from synthesized templates (one deployment, any number of stacks). */
export function inventoryFromTemplates(templates: CfnTemplate[], options: InventoryOptions = {}): DeploymentInventory {
  const stoppedWhenIdle = options.stoppedWhenIdle ?? ((path: string) => /(^|\/)ControlPlane(\/|$)/.test(path));
  const all = (type: string) => templates.flatMap((t) => resourcesOfType(t, type).map(([id, r]) => ({ id, r, t })));

  const fargateServices = all('AWS::ECS::Service').map(({ id, r, t }) => {
    const path = constructPath(r, id);
    const taskDefinitionId = referencedLogicalId(r.Properties?.TaskDefinition);
    const taskDefinition = taskDefinitionId ? t.Resources?.[taskDefinitionId] : undefined;
    if (!taskDefinition) throw new Error(`service ${path}: its task definition is not in the same template`);
    const scalableTarget = resourcesOfType(t, 'AWS::ApplicationAutoScaling::ScalableTarget')
      .find(([, target]) => JSON.stringify(target.Properties?.ResourceId ?? '').includes(`"${id}"`));
    const minTasks = scalableTarget?.[1].Properties?.MinCapacity ?? r.Properties?.DesiredCount ?? 1;
    const cpuArchitecture = taskDefinition.Properties?.RuntimePlatform?.CpuArchitecture;
    const strategy: Array<Record<string, any>> = r.Properties?.CapacityProviderStrategy ?? [];
    const item = (provider: string) => strategy.find((i) => i.CapacityProvider === provider);
    const weight = (provider: string) => Number(item(provider)?.Weight ?? 0);
    const weights = weight('FARGATE') + weight('FARGATE_SPOT');
    return {
      path,
      vcpu: Number(taskDefinition.Properties?.Cpu) / 1024,
      memoryGb: Number(taskDefinition.Properties?.Memory) / 1024,
      architecture: cpuArchitecture === 'ARM64' ? 'arm64' as const : 'x86' as const,
      minTasks: Number(minTasks),
      stoppedWhenIdle: stoppedWhenIdle(path),
      onDemandBase: Number(item('FARGATE')?.Base ?? 0),
      spotBase: Number(item('FARGATE_SPOT')?.Base ?? 0),
      spotShare: weights > 0 ? weight('FARGATE_SPOT') / weights : 0,
    };
  });

  const autoScalingGroups = all('AWS::AutoScaling::AutoScalingGroup').map(({ id, r, t }) => {
    const path = constructPath(r, id);
    const templateId = referencedLogicalId(r.Properties?.LaunchTemplate?.LaunchTemplateId);
    const configurationId = referencedLogicalId(r.Properties?.LaunchConfigurationName);
    const data = templateId ? t.Resources?.[templateId]?.Properties?.LaunchTemplateData
      : configurationId ? t.Resources?.[configurationId]?.Properties : undefined;
    if (!data) throw new Error(`Auto Scaling group ${path}: its launch template or configuration is not in the same template`);
    const volumes = (data.BlockDeviceMappings ?? []).filter((m: any) => m.Ebs).map((m: any) => ({
      sizeGb: Number(m.Ebs.VolumeSize ?? 8),
      type: String(m.Ebs.VolumeType ?? 'gp2'),
    }));
    const publicIpv4 = templateId
      ? (data.NetworkInterfaces ?? []).some((n: any) => n.AssociatePublicIpAddress === true)
      : data.AssociatePublicIpAddress === true;
    return { path, instanceType: String(data.InstanceType), instances: Number(r.Properties?.MinSize ?? 0), volumes, publicIpv4 };
  });

  const ticks = new Map<string, number>();
  for (const { r } of all('AWS::Events::Rule')) {
    const perMonth = invocationsPerMonth(r.Properties?.ScheduleExpression);
    if (!perMonth || r.Properties?.State === 'DISABLED') continue;
    for (const target of r.Properties?.Targets ?? []) {
      const fn = referencedLogicalId(target.Arn);
      if (fn) ticks.set(fn, (ticks.get(fn) ?? 0) + perMonth);
    }
  }
  const functions = all('AWS::Lambda::Function').map(({ id, r }) => ({
    path: constructPath(r, id),
    memoryMb: Number(r.Properties?.MemorySize ?? 128),
    architecture: (r.Properties?.Architectures ?? []).includes('arm64') ? 'arm64' as const : 'x86' as const,
    scheduledInvocationsPerMonth: ticks.get(id) ?? 0,
  }));

  const loadBalancers = all('AWS::ElasticLoadBalancingV2::LoadBalancer')
    .filter(({ r }) => (r.Properties?.Type ?? 'application') === 'application')
    .map(({ r }) => ({
      internetFacing: r.Properties?.Scheme !== 'internal',
      zones: Array.isArray(r.Properties?.Subnets) ? r.Properties!.Subnets.length : DEFAULT_ZONES,
    }));

  const interfaceEndpointZones = all('AWS::EC2::VPCEndpoint')
    .filter(({ r }) => r.Properties?.VpcEndpointType === 'Interface')
    .reduce((sum, { r }) => sum + (Array.isArray(r.Properties?.SubnetIds) ? r.Properties!.SubnetIds.length : DEFAULT_ZONES), 0);

  return {
    fargateServices,
    autoScalingGroups,
    functions,
    natGateways: all('AWS::EC2::NatGateway').length,
    loadBalancers,
    webAclRules: all('AWS::WAFv2::WebACL').map(({ r }) => (r.Properties?.Rules ?? []).length),
    secrets: all('AWS::SecretsManager::Secret').length,
    hostedZones: all('AWS::Route53::HostedZone').length,
    auroraClusters: all('AWS::RDS::DBCluster')
      .filter(({ r }) => r.Properties?.ServerlessV2ScalingConfiguration)
      .map(({ r }) => ({
        minAcu: Number(r.Properties!.ServerlessV2ScalingConfiguration.MinCapacity),
        maxAcu: Number(r.Properties!.ServerlessV2ScalingConfiguration.MaxCapacity),
        ioOptimized: r.Properties?.StorageType === 'aurora-iopt1',
      })),
    cloudMapServices: all('AWS::ServiceDiscovery::Service').length,
    interfaceEndpointZones,
    elasticIps: all('AWS::EC2::EIP').length,
  };
}

/** Invocations a month of a `rate(…)` schedule; 0 for cron and anything else. */
export function invocationsPerMonth(expression: unknown): number {
  if (typeof expression !== 'string') return 0;
  const m = expression.match(/^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/);
  if (!m) return 0;
  const minutes = Number(m[1]) * (m[2].startsWith('minute') ? 1 : m[2].startsWith('hour') ? 60 : 1440);
  return Math.round(MINUTES_A_MONTH / minutes);
}
