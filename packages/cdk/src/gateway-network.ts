import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkInteger, checkIpv4Cidr, checkOrder } from './private/validation';

/** Properties of {@link GatewayNetwork}. */
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
   * @default 1
   */
  readonly natGateways?: number;

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
}

/**
 * The gateway's network: a VPC with public subnets (the load balancer, the NAT
 * gateways) and private subnets (Kong's tasks, the database) in `maxAzs` zones,
 * its default security group stripped of every rule, and flow logs.
 */
export class GatewayNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** Where flow logs go, when they are on. */
  public readonly flowLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: GatewayNetworkProps = {}) {
    super(scope, id);
    const cidr = props.cidr ?? '10.0.0.0/16';
    const maxAzs = props.maxAzs ?? 2;
    const natGateways = props.natGateways ?? 1;
    checkIpv4Cidr('cidr', cidr);
    checkInteger('maxAzs', maxAzs, 1, 6);
    // Without a NAT gateway the private subnets have no way to pull images or reach AWS APIs.
    checkInteger('natGateways', natGateways, 1, 6);
    checkOrder('natGateways', natGateways, 'maxAzs', maxAzs);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      restrictDefaultSecurityGroup: false,
    });

    if (props.flowLogs ?? true) {
      const logGroup = new logs.LogGroup(this, 'FlowLogs', {
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
      });
      this.vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.flowLogGroup = logGroup;
    }
  }
}
