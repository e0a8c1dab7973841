import type { DeploymentInventory, FargateServiceInventory } from './inventory';
import { PRICES, type PriceList } from './prices';

/** A way the deployment is used for a month. */
export interface UsageScenario {
  readonly name: string;
  /** One line that says what the scenario assumes. */
  readonly description: string;
  /** Whether the Kong control plane runs (1 task) all month. */
  readonly controlPlaneRunning: boolean;
  /** Aurora Serverless v2 capacity, averaged over the month (0 = paused). */
  readonly auroraAcu: number;
  /** API requests a second through the ALB and the data plane, averaged over the month. */
  readonly requestsPerSecond: number;
  /** Bytes the ALB processes a request (request and response). */
  readonly bytesPerRequest: number;
  /** Requests a client sends on one connection (keep-alive). */
  readonly requestsPerConnection: number;
  /** CloudWatch Logs bytes a request produces (Kong access log line). */
  readonly logBytesPerRequest: number;
  /** Log volume without traffic: start-up, health checks, the scaler's decisions. */
  readonly baselineLogGb: number;
  /** Data through the NAT gateway (image pulls, AWS API calls). */
  readonly natGb: number;
  /** Aurora storage in use (Kong's configuration is small). */
  readonly auroraStorageGb: number;
  /** Average run time of the idle scaler's scheduled tick. */
  readonly tickSeconds: number;
}

/** CP stopped, database paused, no traffic: what the deployment costs doing nothing. */
export const IDLE: UsageScenario = {
  name: 'idle',
  description: 'CP stopped, Aurora paused at 0 ACU, no API traffic; data plane at its minimum task count',
  controlPlaneRunning: false,
  auroraAcu: 0,
  requestsPerSecond: 0,
  bytesPerRequest: 0,
  requestsPerConnection: 1,
  logBytesPerRequest: 0,
  baselineLogGb: 0.5,
  natGb: 1,
  auroraStorageGb: 1,
  tickSeconds: 0.2,
};

/**
 * The always-on equivalent of idle: what the same deployment would cost doing
 * nothing if it kept the control plane up and Aurora at 0.5 ACU (no idle
 * scaler savings). Idle ÷ always-on is what the idle scaler and the cheap
 * options save.
 */
export const ALWAYS_ON: UsageScenario = {
  ...IDLE,
  name: 'always-on',
  description: 'as idle, but the CP runs all month and Aurora stays at 0.5 ACU (no idle savings)',
  controlPlaneRunning: true,
  auroraAcu: 0.5,
};

/** CP up, database at 0.5 ACU, a steady API load. */
export const BUSY: UsageScenario = {
  name: 'busy',
  description: 'CP up all month, Aurora at 0.5 ACU, 50 API requests/s average (10 KB each, 10 per connection); data plane at its minimum task count',
  controlPlaneRunning: true,
  auroraAcu: 0.5,
  requestsPerSecond: 50,
  bytesPerRequest: 10_000,
  requestsPerConnection: 10,
  logBytesPerRequest: 400,
  baselineLogGb: 1,
  natGb: 5,
  auroraStorageGb: 1,
  tickSeconds: 1,
};

/** One line of the estimate. */
export interface CostLine {
  readonly item: string;
  readonly usd: number;
  readonly detail: string;
}

/** A month's estimate for one scenario. */
export interface CostEstimate {
  readonly scenario: UsageScenario;
  readonly lines: CostLine[];
  readonly totalUsd: number;
  /** What the inventory holds but the price list cannot price (left out of the total). */
  readonly unpriced: string[];
}

/** How many of a Fargate service's tasks run on regular Fargate and how many on Spot. */
export function tasksByCapacity(service: FargateServiceInventory, tasks: number): { onDemand: number; spot: number } {
  // ECS places the bases first, then splits the rest by weight
  // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html).
  const onDemandBase = Math.min(tasks, service.onDemandBase);
  const spotBase = Math.min(tasks - onDemandBase, service.spotBase);
  const rest = tasks - onDemandBase - spotBase;
  const spot = spotBase + rest * service.spotShare;
  return { onDemand: tasks - spot, spot };
}

const GB = 1e9;

/** Estimates a month of the inventory under a scenario, at the given list prices. */
export function estimateMonthlyCost(inventory: DeploymentInventory, scenario: UsageScenario, prices: PriceList = PRICES): CostEstimate {
  const h = prices.hoursPerMonth;
  const secondsAMonth = h * 3600;
  const requests = scenario.requestsPerSecond * secondsAMonth;
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const add = (item: string, usd: number, detail: string) => lines.push({ item, usd, detail });

  let controlPlaneTasks = 0;
  for (const service of inventory.fargateServices) {
    const tasks = service.stoppedWhenIdle ? (scenario.controlPlaneRunning ? 1 : 0) : service.minTasks;
    if (service.stoppedWhenIdle) controlPlaneTasks += tasks;
    const rate = prices.fargate[service.architecture];
    const perTaskHour = service.vcpu * rate.vcpuHour + service.memoryGb * rate.gbHour;
    const { onDemand, spot } = tasksByCapacity(service, tasks);
    add(`Fargate ${service.path}`, (onDemand + spot * (1 - prices.fargate.spotDiscount)) * perTaskHour * h,
      `${tasks} × ${service.vcpu} vCPU/${service.memoryGb} GB ${service.architecture}${spot > 0 ? ` (${spot} on Spot)` : ''}`);
  }

  const groups = inventory.autoScalingGroups;
  if (groups.length > 0) {
    let usd = 0;
    for (const group of groups) {
      const hourly = prices.ec2.instanceHour[group.instanceType];
      if (hourly === undefined) {
        unpriced.push(`${group.path}: ${group.instances} × ${group.instanceType} (no price for this instance type)`);
        continue;
      }
      usd += group.instances * hourly * h;
      for (const volume of group.volumes) {
        if (volume.type !== 'gp3') unpriced.push(`${group.path}: a ${volume.type} volume (only gp3 is priced)`);
        else usd += group.instances * volume.sizeGb * prices.ebs.gp3GbMonth;
      }
    }
    const instances = groups.reduce((n, g) => n + g.instances, 0);
    const types = [...new Set(groups.map((g) => g.instanceType))].join(', ');
    const gb = groups.reduce((n, g) => n + g.instances * g.volumes.reduce((v, x) => v + x.sizeGb, 0), 0);
    add('EC2 instances', usd, `${instances} × ${types} (Auto Scaling), ${gb} GB EBS`);
  }

  const albs = inventory.loadBalancers.length;
  if (albs > 0) {
    // All API traffic enters through the shared ALB. An LCU is the largest of:
    // 25 new connections/s, 3,000 active connections/min, 1 GB/h processed.
    const processedGbPerHour = (scenario.requestsPerSecond * scenario.bytesPerRequest * 3600) / GB;
    const newConnectionsPerSecond = scenario.requestsPerSecond / scenario.requestsPerConnection;
    const lcu = Math.max(newConnectionsPerSecond / 25, (newConnectionsPerSecond * 60) / 3000, processedGbPerHour);
    add('ALB', (albs * prices.alb.hour + lcu * prices.alb.lcuHour) * h, `${albs} ALB, ${lcu.toFixed(2)} LCU average`);
  }

  const publicIps = inventory.loadBalancers.filter((lb) => lb.internetFacing).reduce((n, lb) => n + lb.zones, 0) + inventory.elasticIps
    + groups.filter((g) => g.publicIpv4).reduce((n, g) => n + g.instances, 0);
  add('Public IPv4 addresses', publicIps * prices.publicIpv4.hour * h, `${publicIps} addresses (ALB nodes, NAT)`);

  if (inventory.natGateways > 0) {
    add('NAT gateways', inventory.natGateways * prices.natGateway.hour * h + scenario.natGb * prices.natGateway.gbProcessed,
      `${inventory.natGateways} × 730 h, ${scenario.natGb} GB`);
  }

  for (const cluster of inventory.auroraClusters) {
    const acu = Math.min(Math.max(scenario.auroraAcu, cluster.minAcu), cluster.maxAcu);
    const acuHour = cluster.ioOptimized ? prices.aurora.acuHourIoOptimized : prices.aurora.acuHour;
    add('Aurora Serverless v2', acu * acuHour * h + scenario.auroraStorageGb * prices.aurora.storageGbMonth,
      `${acu} ACU average, ${scenario.auroraStorageGb} GB storage`);
  }

  if (inventory.secrets > 0) {
    add('Secrets Manager', inventory.secrets * prices.secretsManager.secretMonth, `${inventory.secrets} secrets`);
  }

  for (const rules of inventory.webAclRules) {
    add('WAF', prices.waf.webAclMonth + rules * prices.waf.ruleMonth + (requests / 1e6) * prices.waf.perMillionRequests,
      `1 web ACL, ${rules} rules, ${(requests / 1e6).toFixed(1)} M requests`);
  }

  if (inventory.hostedZones > 0) {
    add('Route 53 hosted zones', inventory.hostedZones * prices.route53.hostedZoneMonth, `${inventory.hostedZones} zones`);
  }

  if (inventory.cloudMapServices > 0) {
    add('Cloud Map', controlPlaneTasks * prices.cloudMap.instanceMonth, `${controlPlaneTasks} registered instances`);
  }

  if (inventory.interfaceEndpointZones > 0) {
    add('VPC interface endpoints', inventory.interfaceEndpointZones * prices.vpcEndpoint.azHour * h, `${inventory.interfaceEndpointZones} endpoint-AZs`);
  }

  const logGb = scenario.baselineLogGb + (requests * scenario.logBytesPerRequest) / GB;
  add('CloudWatch Logs', logGb * prices.logs.ingestGb + logGb * prices.logs.storeGbMonth, `${logGb.toFixed(2)} GB ingested`);

  let lambdaUsd = 0;
  let invocations = 0;
  for (const fn of inventory.functions) {
    const gbSecond = fn.architecture === 'arm64' ? prices.lambda.gbSecondArm64 : prices.lambda.gbSecondX86;
    invocations += fn.scheduledInvocationsPerMonth;
    lambdaUsd += (fn.scheduledInvocationsPerMonth / 1e6) * prices.lambda.perMillionRequests
      + fn.scheduledInvocationsPerMonth * scenario.tickSeconds * (fn.memoryMb / 1024) * gbSecond;
  }
  add('Lambda', lambdaUsd, `${invocations} scheduled invocations`);

  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { scenario, lines, totalUsd, unpriced };
}
