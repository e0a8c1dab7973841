import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, DependencyGroup, type IDependable } from 'constructs';
import { newLogGroup } from './private/encryption';
import { SelfHealingNatProvider } from './private/nat-instances';
import { propNamer } from './private/prop-names';
import { checkInteger, checkIpv4Cidr, checkOrder } from './private/validation';

/**
 * How the private subnets reach the internet (image registry, Secrets Manager,
 * CloudWatch Logs, the ECS, RDS and DynamoDB APIs, and your upstreams).
 *
 * An IPv6-only path (egress-only internet gateway, no NAT) is not offered:
 * Fargate pulls images and fetches secrets over IPv4 from a private subnet
 * only through a NAT gateway or an ECR interface endpoint
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html),
 * and an IPv6-only ECS service needs a dual-stack load balancer with IPv6
 * target groups, ECR's dual-stack image URIs, and DNS64/NAT64 (a NAT gateway)
 * for every IPv4-only endpoint
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-networking.html,
 * "Using a VPC in IPv6-only mode"); whether every image registry serves IPv6
 * is not established here. That would change the seed's security group chain
 * and still need a NAT gateway.
 */
export enum GatewayEgress {
  /**
   * Managed NAT gateways (`natGateways` of them, one Elastic IP each), no
   * instance to run. An AZ's gateway fails only with its AZ.
   */
  NAT_GATEWAY = 'NAT_GATEWAY',
  /**
   * Self-healing NAT instances (`natInstances` of them): an Auto Scaling
   * group of one small instance per NAT, which replaces a failed instance. The
   * new instance points the private route tables at itself. About a tenth of
   * a NAT gateway's hourly price and no per-GB processing charge, but egress
   * pauses for the minutes a replacement takes, and the instance type bounds
   * the bandwidth.
   */
  NAT_INSTANCE = 'NAT_INSTANCE',
}

/** Properties of `GatewayNetwork`. */
export interface GatewayNetworkProps {
  /**
   * The VPC's IPv4 CIDR block, split evenly between the public and private subnets.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * How many Availability Zones the subnets span.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * How many NAT gateways give the private subnets their way out (image pulls,
   * AWS APIs). One keeps the idle cost low; one per AZ survives an AZ outage.
   * Only with `egress` NAT_GATEWAY.
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * How the private subnets reach the internet.
   * @default GatewayEgress.NAT_GATEWAY
   */
  readonly egress?: GatewayEgress;

  /**
   * How many NAT instances (1..maxAzs), only with `egress` NAT_INSTANCE. One per
   * AZ keeps each AZ's egress independent of the others; fewer let a
   * replacement start in any AZ.
   * @default - one per AZ (`maxAzs`)
   */
  readonly natInstances?: number;

  /**
   * The NAT instances' type, only with `egress` NAT_INSTANCE. An ARM64 type
   * gets the ARM64 Amazon Linux 2023 image. It bounds the egress bandwidth.
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO)
   */
  readonly natInstanceType?: ec2.InstanceType;

  /**
   * Whether to record VPC flow logs (all traffic) to CloudWatch Logs.
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long flow logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the flow logs.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The gateway's network: a VPC with public subnets (the load balancer, the NAT
 * gateways or instances) and private subnets (Kong's tasks, the database) in
 * `maxAzs` zones, its default security group stripped of every rule, and flow logs.
 */
export class GatewayNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** Where flow logs go, when they are on. */
  public readonly flowLogGroup?: logs.ILogGroup;

  /** How the private subnets reach the internet. */
  public readonly egress: GatewayEgress;

  /** The NAT instances' Auto Scaling groups (one instance each), empty with NAT gateways. */
  public readonly natInstanceGroups: autoscaling.IAutoScalingGroup[];

  /** The NAT instances' security group, with `egress` NAT_INSTANCE. */
  public readonly natInstanceConnections?: ec2.Connections;

  /**
   * Completes once the private subnets can reach the internet: the NAT
   * gateway routes, or the NAT instances' signals. Make what needs egress at
   * deploy time (image pulls, AWS API calls) depend on it.
   */
  public readonly egressReady: IDependable;

  constructor(scope: Construct, id: string, props: GatewayNetworkProps = {}) {
    super(scope, id);
    const cidr = props.cidr ?? '10.0.0.0/16';
    const maxAzs = props.maxAzs ?? 2;
    this.egress = props.egress ?? GatewayEgress.NAT_GATEWAY;
    const n = propNamer(this);
    checkIpv4Cidr(n('cidr'), cidr);
    checkInteger(n('maxAzs'), maxAzs, 1, 6);
    let natCount: number;
    let natInstances: SelfHealingNatProvider | undefined;
    if (this.egress === GatewayEgress.NAT_INSTANCE) {
      if (props.natGateways !== undefined) throw new Error(`${n('natGateways')} applies only to ${n('egress')} NAT_GATEWAY, but ${n('egress')} is NAT_INSTANCE (got ${n('natGateways')} ${props.natGateways})`);
      natCount = props.natInstances ?? maxAzs;
      // Without a NAT the private subnets have no way to pull images or reach AWS APIs.
      checkInteger(n('natInstances'), natCount, 1, 6);
      checkOrder(n('natInstances'), natCount, n('maxAzs'), maxAzs);
      natInstances = new SelfHealingNatProvider({
        scope: this,
        count: natCount,
        vpcCidr: cidr,
        instanceType: props.natInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      });
    } else {
      for (const prop of ['natInstances', 'natInstanceType'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} applies only to ${n('egress')} NAT_INSTANCE, but ${n('egress')} is ${this.egress} (got ${n(prop)} ${props[prop]})`);
      }
      natCount = props.natGateways ?? 1;
      // Without a NAT gateway the private subnets have no way to pull images or reach AWS APIs.
      checkInteger(n('natGateways'), natCount, 1, 6);
      checkOrder(n('natGateways'), natCount, n('maxAzs'), maxAzs);
    }

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      natGateways: natCount,
      natGatewayProvider: natInstances,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      restrictDefaultSecurityGroup: false,
    });
    this.natInstanceGroups = natInstances?.groups ?? [];
    this.natInstanceConnections = natInstances?.connections;
    const ready = new DependencyGroup();
    for (const subnet of this.vpc.privateSubnets) ready.add(subnet.internetConnectivityEstablished);
    this.egressReady = ready;

    if (props.flowLogs ?? true) {
      const logGroup = newLogGroup(this, 'FlowLogs', 'The flow log group', {
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
        encryptionKey: props.encryptionKey,
      });
      this.vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.flowLogGroup = logGroup;
    }
  }
}
