import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, Dependable, type IDependable } from 'constructs';
import type { ClusterCertificate } from './cluster-certificate';
import type { ControlPlane } from './control-plane';
import type { FallbackConfig } from './fallback-config';
import type { KongTaskOptions } from './kong-task-options';
import { FALLBACK_DIR, FALLBACK_LABEL, KONG_IMAGE_START, dataPlaneStartScript, fallbackFetchScript } from './private/kong-start-script';
import { kongTask } from './private/kong-task';
import { type PropNamer, literal, propNamer } from './private/prop-names';
import { ALB_HEALTH_CHECK, DATA_PLANE_GRACE_SECONDS, FALLBACK_FETCH_TIMEOUT_SECONDS } from './private/timing';
import { vpcIpv4Ranges } from './private/vpc-cidrs';
import { checkCidrList, checkInteger, checkOrder, checkRange } from './private/validation';

/** Properties of `DataPlane`. */
export interface DataPlaneProps extends KongTaskOptions {
  /** The ECS cluster the service runs in. */
  readonly cluster: ecs.ICluster;

  /** The control plane the data planes sync from (cluster port) and proxy `/kong-admin` to (admin API). */
  readonly controlPlane: ControlPlane;

  /** The cluster certificate (shared or PKI). */
  readonly clusterCertificate: ClusterCertificate;

  /** The load balancer listener whose default action forwards to the data planes. */
  readonly listener: elbv2.IApplicationListener;

  /**
   * Fewest tasks (at least 1). With 2 or more, ECS balances them across the
   * AZs (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/update-service-parameters.html),
   * so the gateway keeps serving through the loss of a task or an AZ. With 1,
   * that loss is an outage until a new task runs and has its configuration,
   * which takes a control plane start when it is asleep.
   * @default 2
   */
  readonly minTasks?: number;

  /**
   * Most tasks.
   * @default 10
   */
  readonly maxTasks?: number;

  /**
   * Average CPU utilisation that target tracking keeps the service at, in percent.
   * @default 50
   */
  readonly cpuTargetPercent?: number;

  /**
   * Load balancer requests per task per minute that target tracking keeps the service at.
   * @default 1000
   */
  readonly requestsPerTarget?: number;

  /**
   * CPU units of a data plane task: a Fargate size (256, 512, 1024, …) that
   * `memoryLimitMiB` must pair with. Kong's sizing guidance starts at 1-2
   * cores and 2-4 GB for a development node and has one worker process per
   * core, about 500 MB each
   * (https://developer.konghq.com/gateway/resource-sizing-guidelines/); the
   * default is smaller and scales out instead.
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of a data plane task, in MiB (a Fargate size for `cpu`).
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Run the tasks above `onDemandBaseTasks` on Fargate Spot: up to 70% cheaper
   * (https://aws.amazon.com/fargate/pricing/), but AWS may stop a Spot task
   * with a two-minute warning, and when Spot has no capacity ECS waits rather
   * than falling back to on-demand
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
   * ECS's API reference says Fargate Spot runs ARM64 Linux tasks on platform
   * version 1.4.0 or later
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html);
   * older copies of the developer guide say X86_64 only: if your region
   * refuses ARM64 on Spot, set `cpuArchitecture` to X86_64. A cluster the
   * construct does not own must have the FARGATE and FARGATE_SPOT capacity
   * providers associated.
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * With `fargateSpot`, how many tasks always run on regular (on-demand)
   * Fargate. Every task above them runs on Spot. The default keeps the whole
   * minimum on-demand, so Spot only carries scale-out; 0 puts every task on Spot.
   * @default - `minTasks`
   */
  readonly onDemandBaseTasks?: number;

  /**
   * Addresses Kong trusts to tell the client's address in `X-Forwarded-For`
   * (Kong's `trusted_ips`): where the load balancer's nodes are. Trust nothing
   * a client could send from: with `real_ip_recursive`, Kong takes the last
   * untrusted address of the header.
   * @default - every IPv4 range of the VPC: its primary CIDR block, the secondary blocks declared in this app, and its public subnets' blocks
   */
  readonly trustedCidrs?: string[];

  /**
   * More Kong settings as environment variables (`KONG_…`), for example
   * `KONG_PLUGINS`. Never put secrets here; the variables the construct
   * manages (role, listeners, cluster, certificate) are refused.
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Where in the VPC the tasks run.
   * @default - the private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * A customer-managed KMS key (symmetric) that encrypts the container logs.
   * CloudWatch Logs is allowed to use it in its key policy when the key is
   * defined in this app (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The fallback configuration, which each new task fetches before Kong starts.
   * When `kong config parse` accepts the newest export, the task starts from
   * it (`KONG_DECLARATIVE_CONFIG`), so that a task started while the control
   * plane sleeps serves at once, and the control plane's first push replaces
   * it. With no export, or one that does not parse, the task starts as it
   * would without (and its log says why). The task role may read the export.
   * @default - none: a new task has no configuration until the control plane sends it
   */
  readonly fallbackConfig?: FallbackConfig;

  /**
   * The image of the container that fetches the fallback configuration.
   * It needs a shell, the AWS CLI version 2 and coreutils' `timeout` (the
   * Kong image has no AWS CLI).
   * @default 'public.ecr.aws/aws-cli/aws-cli:2.33.0' - the AWS CLI's official image on Amazon ECR Public
   */
  readonly fallbackConfigFetchImage?: string;
}

/**
 * The AWS CLI's official image, on Amazon ECR Public (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-docker.html
 * recommends it over Docker Hub for its pull limits), pinned to a release
 * (aws/aws-cli .changes/2.33.0.json). Not pulled on the build machines.
 */
export const DEFAULT_FALLBACK_FETCH_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.33.0';

/** Kong's variables the fallback configuration owns: with it, users may not set them. */
const FALLBACK_VARIABLES = ['KONG_DECLARATIVE_CONFIG', 'KONG_DECLARATIVE_CONFIG_STRING'];

/**
 * Kong's data planes: an autoscaled Fargate service in private subnets, the
 * only target of the load balancer. Each task syncs its configuration from the
 * control plane over mTLS and is healthy only once it has one (`/status/ready`
 * on the status listener), so a task without configuration never gets traffic.
 */
export class DataPlane extends Construct implements ec2.IConnectable {
  /** The proxy port the load balancer forwards to. */
  public static readonly PROXY_PORT = 8000;
  /** The status listener, whose `/status/ready` is the health check. */
  public static readonly STATUS_PORT = 8100;

  /** The ECS service. */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The load balancer's target group. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The service's scalable task count (min/max and target tracking). */
  public readonly scaling: ecs.ScalableTaskCount;

  /** The container logs. */
  public readonly logGroup: logs.ILogGroup;

  /** The data planes' security group. Allow them to your upstreams with `connections.allowTo(…)`. */
  public readonly connections: ec2.Connections;

  /** The proxy port (8000). */
  public readonly proxyPort = DataPlane.PROXY_PORT;

  /** The status port (8100). */
  public readonly statusPort = DataPlane.STATUS_PORT;

  constructor(scope: Construct, id: string, props: DataPlaneProps) {
    super(scope, id);
    const minTasks = props.minTasks ?? 2;
    const maxTasks = props.maxTasks ?? 10;
    const n = propNamer(this);
    checkInteger(n('minTasks'), minTasks, 1, 1000);
    checkInteger(n('maxTasks'), maxTasks, 1, 1000);
    checkOrder(n('minTasks'), minTasks, n('maxTasks'), maxTasks);
    checkRange(n('cpuTargetPercent'), props.cpuTargetPercent, 10, 90);
    const capacityProviderStrategies = dataPlaneCapacity(props.cluster, minTasks, maxTasks, props.fargateSpot, props.onDemandBaseTasks, this, n);
    checkInteger(n('requestsPerTarget'), props.requestsPerTarget, 1, 1_000_000);
    const vpc = props.cluster.vpc;
    const trusted = props.trustedCidrs ? checkCidrList(n('trustedCidrs'), props.trustedCidrs) : undefined;
    const trustedIps = trusted ? [...trusted.ipv4, ...trusted.ipv6].join(',') : vpcIpv4Ranges(this, vpc);

    const fallback = props.fallbackConfig;
    if (fallback) checkFallbackEnvironment(n, props.environment ?? {});
    else if (props.fallbackConfigFetchImage !== undefined) {
      throw new Error(`${n('fallbackConfigFetchImage')} needs ${n('fallbackConfig')}, but it is not set (got ${n('fallbackConfigFetchImage')} ${JSON.stringify(props.fallbackConfigFetchImage)})`);
    }

    const { taskDefinition, container, logGroup } = kongTask(this, {
      ...props,
      // With a fallback, the start script settles it first, then hands over to the image's entrypoint.
      ...(fallback ? { command: ['/bin/sh', '-c', dataPlaneStartScript({ exec: KONG_IMAGE_START })] } : {}),
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      propNames: n,
      userEnvironment: props.environment,
      environment: {
        KONG_ROLE: 'data_plane',
        KONG_DATABASE: 'off',
        KONG_CLUSTER_CONTROL_PLANE: props.controlPlane.clusterEndpoint,
        // TLS ends at the load balancer; the admin API stays on the control plane.
        KONG_PROXY_LISTEN: `0.0.0.0:${this.proxyPort}`,
        KONG_ADMIN_LISTEN: 'off',
        // Kong Manager runs on the admin's machine (the seed); its default
        // listeners 8002/8445 (kong/templates/kong_defaults.lua:30 at 3.9.3) stay closed.
        KONG_ADMIN_GUI_LISTEN: 'off',
        KONG_STATUS_LISTEN: `0.0.0.0:${this.statusPort}`,
        // Behind the load balancer, take the client's address from X-Forwarded-For,
        // trusting only the load balancer's hops (ip-restriction then sees the client).
        KONG_TRUSTED_IPS: trustedIps,
        KONG_REAL_IP_HEADER: 'X-Forwarded-For',
        KONG_REAL_IP_RECURSIVE: 'on',
      },
      portMappings: [
        { name: 'proxy', containerPort: this.proxyPort },
        { name: 'status', containerPort: this.statusPort },
      ],
    });
    props.clusterCertificate.bindToDataPlane(container);
    this.taskDefinition = taskDefinition;
    this.logGroup = logGroup;
    if (fallback) this.addFallbackFetch(fallback, container, logGroup, props.fallbackConfigFetchImage ?? DEFAULT_FALLBACK_FETCH_IMAGE);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Kong data plane: proxy and status ports from the load balancer only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: image registry, Secrets Manager, CloudWatch Logs, HTTPS upstreams');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition,
      securityGroups: [securityGroup],
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      capacityProviderStrategies,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      // A new task needs the control plane to get its configuration; started
      // while the control plane and the database sleep, that is a whole cold
      // start (timing.ts: derived, with its sources).
      healthCheckGracePeriod: Duration.seconds(DATA_PLANE_GRACE_SECONDS),
    });
    if (capacityProviderStrategies) {
      // The service may be created only once the cluster has the capacity
      // providers; CDK adds that association late (an aspect), so look it up then.
      const cluster = props.cluster;
      const associations: IDependable = {};
      Dependable.implement(associations, {
        get dependencyRoots() { return cluster.node.findAll().filter((c) => c instanceof ecs.CfnClusterCapacityProviderAssociations); },
      });
      this.service.node.addDependency(associations);
    }
    // Application Auto Scaling owns the count: a deployment must not reset it.
    const cfnService = this.service.node.defaultChild as ecs.CfnService;
    cfnService.addPropertyDeletionOverride('DesiredCount');
    // CDK's ECS-ELB integration adds a DependsOn on the target group that the
    // service already references; cfn-lint (W3005) says so. Harmless, and not ours.
    cfnService.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    this.connections = this.service.connections;

    this.targetGroup = props.listener.addTargets('DataPlane', {
      port: this.proxyPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: this.proxyPort })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/status/ready',
        port: String(this.statusPort),
        protocol: elbv2.Protocol.HTTP,
        healthyHttpCodes: '200',
        interval: Duration.seconds(ALB_HEALTH_CHECK.intervalSeconds),
        timeout: Duration.seconds(ALB_HEALTH_CHECK.timeoutSeconds),
        healthyThresholdCount: ALB_HEALTH_CHECK.healthyThreshold,
        unhealthyThresholdCount: ALB_HEALTH_CHECK.unhealthyThreshold,
      },
    });
    // CDK opens the traffic port only; the health check uses the status port.
    this.connections.allowFrom(props.listener, ec2.Port.tcp(this.statusPort), 'Health check (/status/ready) from the load balancer');

    props.controlPlane.allowDataPlaneFrom(this);
    // A first data plane has no configuration until a control plane answers on
    // 8005; started before one exists it fails /status/ready and the circuit
    // breaker rolls the stack back. CloudFormation finishes a service (steady
    // state) before it starts what depends on it.
    this.service.node.addDependency(props.controlPlane.service);

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    this.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.cpuTargetPercent ?? 50 });
    this.scaling.scaleOnRequestCount('Requests', { requestsPerTarget: props.requestsPerTarget ?? 1000, targetGroup: this.targetGroup });
  }

  /**
   * The fallback configuration's fetch: an init container (the AWS CLI's
   * image; the Kong image has none) that gets the newest export into a volume
   * of the task and exits; Kong's container starts once it has completed,
   * whatever its exit code (`COMPLETE`, a non-essential container:
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html),
   * reads the volume read-only and decides in its start script. Why an init
   * container rather than a step of Kong's start script: the Kong image has no
   * AWS CLI (Kong/docker-kong Dockerfile.deb at 3.9.3 even purges the curl it
   * installs), and signing S3 requests and fetching the task role's
   * credentials by hand in Kong's container is code we could not test; the
   * AWS CLI does both. The price: one more image to pull at each task start
   * (timing.ts counts it).
   */
  private addFallbackFetch(fallback: FallbackConfig, kong: ecs.ContainerDefinition, logGroup: logs.ILogGroup, image: string): void {
    const volume = 'fallback-config';
    // A volume with no host path lives on the task's own ephemeral storage (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html).
    this.taskDefinition.addVolume({ name: volume });
    const fetch = this.taskDefinition.addContainer('fallback-config-fetch', {
      image: ecs.ContainerImage.fromRegistry(image),
      essential: false,
      entryPoint: ['/bin/sh', '-c'],
      command: [fallbackFetchScript({ timeoutSeconds: FALLBACK_FETCH_TIMEOUT_SECONDS })],
      environment: {
        FALLBACK_BUCKET: fallback.bucket.bucketName,
        FALLBACK_OBJECT: fallback.objectKey,
        AWS_REGION: Stack.of(this).region,
        // The AWS CLI's retries (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-retries.html); the script bounds them all.
        AWS_MAX_ATTEMPTS: '3',
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'fallback-fetch' }),
    });
    fetch.addMountPoints({ containerPath: FALLBACK_DIR, sourceVolume: volume, readOnly: false });
    kong.addMountPoints({ containerPath: FALLBACK_DIR, sourceVolume: volume, readOnly: true });
    kong.addContainerDependencies({ container: fetch, condition: ecs.ContainerDependencyCondition.COMPLETE });
    fallback.grantRead(this.taskDefinition.taskRole);
  }

  /** Healthy data plane tasks behind the load balancer. */
  public metricHealthyHosts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.healthyHostCount({ statistic: 'Minimum', ...props });
  }

  /** 5xx responses from the data planes (Kong or its upstreams). */
  public metricHttp5xx(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', ...props });
  }
}

/**
 * With a fallback configuration, the start script sets `KONG_DECLARATIVE_CONFIG`
 * and adds the `fallback-config` label to `KONG_CLUSTER_DP_LABELS`: the user may
 * keep labels of their own, at most 9 (Kong takes 10, kong/conf_loader/parse.lua:164
 * at 3.9.3), none named `fallback-config`.
 */
function checkFallbackEnvironment(n: PropNamer, environment: Record<string, string>): void {
  for (const [key, value] of Object.entries(environment)) {
    if (FALLBACK_VARIABLES.includes(key.toUpperCase())) {
      throw new Error(`${n('environment')} must not set ${key} with ${n('fallbackConfig')}: the fallback configuration is the data plane's declarative configuration (got ${JSON.stringify(key)})`);
    }
    if (key.toUpperCase() === 'KONG_CLUSTER_DP_LABELS' && !Token.isUnresolved(value)) {
      const labels = value.split(',').map((l) => l.trim()).filter(Boolean);
      if (labels.length > 9) throw new Error(`${n('environment')} KONG_CLUSTER_DP_LABELS may hold at most 9 labels with ${n('fallbackConfig')} (Kong takes 10, and the fallback adds one), got ${labels.length}: ${JSON.stringify(value)}`);
      if (labels.some((l) => l.split(':')[0] === FALLBACK_LABEL)) throw new Error(`${n('environment')} KONG_CLUSTER_DP_LABELS must not hold the label ${FALLBACK_LABEL}: the fallback configuration sets it, got ${JSON.stringify(value)}`);
    }
  }
}

/**
 * The data plane's capacity provider strategy: none (the Fargate launch type)
 * unless `fargateSpot`; then `onDemandBaseTasks` on FARGATE and every task
 * above them on FARGATE_SPOT.
 */
function dataPlaneCapacity(cluster: ecs.ICluster, minTasks: number, maxTasks: number, fargateSpot: boolean | undefined, onDemandBaseTasks: number | undefined, scope: Construct, n: PropNamer): ecs.CapacityProviderStrategy[] | undefined {
  if (!fargateSpot) {
    if (onDemandBaseTasks !== undefined) throw new Error(`${n('onDemandBaseTasks')} needs ${n('fargateSpot')}, but ${n('fargateSpot')} ${fargateSpot === undefined ? 'is not set' : `is ${literal(fargateSpot)}`} (got ${n('onDemandBaseTasks')} ${onDemandBaseTasks})`);
    return undefined;
  }
  const base = onDemandBaseTasks ?? minTasks;
  checkInteger(n('onDemandBaseTasks'), base, 0, 1000);
  checkOrder(n('onDemandBaseTasks'), base, n('maxTasks'), maxTasks);
  if (cluster instanceof ecs.Cluster) {
    cluster.enableFargateCapacityProviders();
  } else {
    Annotations.of(scope).addWarningV2('@kong-hybrid/cdk:fargateSpotCluster',
      `${n('fargateSpot')}: the cluster was not created by this construct; associate the FARGATE and FARGATE_SPOT capacity providers with it (PutClusterCapacityProviders), or the service cannot place its tasks`);
  }
  return [
    ...(base > 0 ? [{ capacityProvider: 'FARGATE', base, weight: 0 }] : []),
    { capacityProvider: 'FARGATE_SPOT', weight: 1 },
  ];
}
