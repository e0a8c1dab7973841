import { Aws, Duration, Names, Stack, Tags, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, DependencyGroup, type IDependable } from 'constructs';
import { skipCheckov } from './checkov';
import { acknowledge } from './lambda-function';
import { natInstanceScript } from './nat-instance-script';
import { propNamer } from './prop-names';

/** The tag every NAT instance carries; its IAM role may change only instances with it. */
const NAT_TAG = 'kong-hybrid:nat-instances';

/** How long a new NAT instance may take to boot, configure itself and signal. */
export const NAT_INSTANCE_SIGNAL_TIMEOUT = Duration.minutes(10);

/** What {@link SelfHealingNatProvider} builds. */
export interface SelfHealingNatProviderProps {
  /** Where the NAT constructs go (not inside the VPC, so that their IDs do not depend on it). */
  readonly scope: Construct;
  /** The instance type (its architecture picks the AMI). */
  readonly instanceType: ec2.InstanceType;
  /** How many instances: one per AZ when it equals the number of AZs; otherwise each may run in any public subnet. */
  readonly count: number;
  /** The VPC's IPv4 CIDR block as given (a literal lets cdk-nag see that only the VPC gets in). */
  readonly vpcCidr: string;
}

/**
 * NAT instances that heal themselves, as a CDK `NatProvider`: per NAT, an Auto
 * Scaling group of exactly one instance. When the instance fails its EC2
 * status checks, is stopped or terminated, the group launches a new one, and
 * that instance points the private route tables it serves at itself (see
 * `nat-instance-script.ts`). CDK's own `NatProvider.instanceV2` does not do
 * this: its instances "will not be automatically replaced if they are stopped
 * for any reason" (aws-cdk-lib `aws-ec2/lib/nat.ts`, `NatProvider.instanceV2`
 * TSDoc at v2.263.0, which suggests a provider based on Auto Scaling groups),
 * and its routes name the instance ID, which a replacement does not have.
 *
 * With one NAT per AZ, each group stays in its AZ and serves that AZ's private
 * subnet (an AZ outage takes only that AZ's egress, as with NAT gateways).
 * With fewer NATs than AZs, each group may launch into any public subnet, so a
 * replacement can come up in another AZ when one AZ is down.
 */
export class SelfHealingNatProvider extends ec2.NatProvider {
  /** The Auto Scaling groups, one per NAT, once the VPC configured them. */
  public readonly groups: autoscaling.AutoScalingGroup[] = [];
  /** Resolves once every group has signalled that its instance routes traffic. */
  public readonly ready: IDependable = new DependencyGroup();
  private securityGroup?: ec2.SecurityGroup;

  constructor(private readonly props: SelfHealingNatProviderProps) {
    super();
  }

  /** The NAT instances' security group (all traffic from the VPC in, anything out). */
  public get connections(): ec2.Connections {
    if (!this.securityGroup) throw new Error('the NAT instances are not configured yet: create the VPC first');
    return this.securityGroup.connections;
  }

  public get configuredGateways(): ec2.GatewayConfig[] {
    // The routes name no gateway: each instance points them at itself.
    return [];
  }

  public configureNat(options: ec2.ConfigureNatOptions): void {
    const { vpc, natSubnets, privateSubnets } = options;
    const root = new Construct(this.props.scope, 'NatInstances');

    // Only the VPC reaches a NAT instance; it may send anything out: the
    // private side's own security groups decide what leaves the VPC.
    this.securityGroup = new ec2.SecurityGroup(root, 'SecurityGroup', {
      vpc,
      description: 'Kong NAT instances: any traffic from inside the VPC, out to the internet',
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(this.props.vpcCidr), ec2.Port.allTraffic(), 'Traffic from the VPC to translate');

    const arm = this.props.instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    const machineImage = ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 });
    const tagValue = Names.uniqueId(root);
    const role = new iam.Role(root, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Kong NAT instances: turn off their own source/destination check, own the private default routes, signal CloudFormation',
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'OwnSourceDestCheck',
      actions: ['ec2:ModifyInstanceAttribute'],
      // Pseudo parameters throughout, so that the cdk-nag finding below reads the same in every app.
      resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`],
      conditions: { StringEquals: { [`aws:ResourceTag/${NAT_TAG}`]: tagValue } },
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadRoutes',
      actions: ['ec2:DescribeRouteTables'],
      resources: ['*'],
    }));
    acknowledge(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeRouteTables has no resource-level permissions (read only); ModifyInstanceAttribute is limited to instances tagged as this construct\'s NAT instances.');
    acknowledge(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
      'A replacement NAT instance\'s ID is not known in advance; the statement is limited by condition to instances tagged as this construct\'s NAT instances.');

    // One NAT per AZ: each stays in its AZ. Fewer: each may start in any AZ (CDK
    // hands the provider only the first `natGateways` public subnets).
    const perAz = natSubnets.length === privateSubnets.length;
    const owned = (i: number) => privateSubnets.filter((_, s) => s % natSubnets.length === i);
    natSubnets.forEach((natSubnet, i) => {
      const scope = new Construct(root, `Nat${i + 1}`);
      const tables = owned(i).map((s) => s.routeTable.routeTableId);
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['ec2:CreateRoute', 'ec2:ReplaceRoute'],
        resources: tables.map((t) => Stack.of(root).formatArn({ service: 'ec2', resource: 'route-table', resourceName: t })),
      }));

      const userData = ec2.UserData.forLinux();
      const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
        instanceType: this.props.instanceType,
        userData,
        machineImage,
        role,
        securityGroup: this.securityGroup,
        associatePublicIpAddress: true,
        requireImdsv2: true,
        // Predictable cost: a NAT instance forwards in the kernel and needs little CPU.
        cpuCredits: ec2.CpuCredits.STANDARD,
        httpPutResponseHopLimit: 1,
        blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
      });
      skipCheckov(launchTemplate, 'CKV_AWS_88', 'A NAT instance in a public subnet: its public address is how the private subnets reach the internet (its security group admits only the VPC).');
      const group = new autoscaling.AutoScalingGroup(scope, 'Group', {
        vpc,
        launchTemplate,
        vpcSubnets: perAz ? { subnets: [natSubnet] } : { subnets: vpc.publicSubnets },
        minCapacity: 1,
        maxCapacity: 1,
        healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(3) }),
        cooldown: Duration.minutes(5),
        // Create and update complete only once the instance routes traffic; a
        // new launch template starts a new group whose instance takes the
        // routes over before the old one goes.
        signals: autoscaling.Signals.waitForAll({ timeout: NAT_INSTANCE_SIGNAL_TIMEOUT }),
        updatePolicy: autoscaling.UpdatePolicy.replacingUpdate(),
      });
      // The launch template tags the instance at launch: the role's condition needs the tag.
      Tags.of(launchTemplate).add(NAT_TAG, tagValue);
      Tags.of(launchTemplate).add('Name', scope.node.path);
      const cfnGroup = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
      const logicalId = Stack.of(group).getLogicalId(cfnGroup);
      userData.addCommands(natInstanceScript({
        region: Stack.of(group).region,
        stackName: Stack.of(group).stackName,
        logicalId,
        routeTableIds: tables,
        vpcCidr: this.props.vpcCidr,
      }).replace(/^#!\/bin\/bash\n/, ''));
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['cloudformation:SignalResource'],
        resources: [Stack.of(group).stackId],
      }));
      // The instance signals with the role's permissions: the group waits for the policy.
      group.node.addDependency(role);
      acknowledge(group, 'AwsSolutions-AS3',
        'The group replaces its one NAT instance on its own; its launches and terminations are in the group\'s activity history and in EventBridge (aws.autoscaling), so no notification topic is created.');
      acknowledge(launchTemplate, 'AwsSolutions-EC28',
        'Basic (5-minute) EC2 monitoring is enough for a NAT instance whose health the Auto Scaling group checks; detailed monitoring would cost more than the instance.');

      this.groups.push(group);
      (this.ready as DependencyGroup).add(group);
      for (const subnet of owned(i)) {
        // What depends on this subnet's internet access (our Lambda functions,
        // the database) waits for the instance's signal, as it would wait for a NAT gateway route.
        const dependable = subnet.internetConnectivityEstablished;
        if (!(dependable instanceof DependencyGroup)) throw new Error(`subnet ${subnet.node.path}: cannot record its internet connectivity`);
        dependable.add(group);
      }
    });
    if (!Token.isUnresolved(this.props.count) && this.groups.length !== this.props.count) {
      // Named as the user of the network (GatewayNetwork, or KongHybridGateway above it) set it.
      throw new Error(`${propNamer(this.props.scope)('natInstances')} must not be more than the VPC's AZs (${natSubnets.length}), got ${this.props.count}`);
    }
  }

  public configureSubnet(_subnet: ec2.PrivateSubnet): void {
    // Done in configureNat: each instance owns the route tables it was given.
  }
}
