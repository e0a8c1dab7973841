import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { isIpv4Cidr } from './validation';

/** Whether the literal IPv4 block `inner` lies inside the literal IPv4 block `outer`. */
export function ipv4Contains(outer: string, inner: string): boolean {
  if (!isIpv4Cidr(outer) || !isIpv4Cidr(inner)) return false;
  const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const [oIp, oBits] = outer.split('/');
  const [iIp, iBits] = inner.split('/');
  if (Number(iBits) < Number(oBits)) return false;
  const size = 2 ** (32 - Number(oBits));
  return Math.floor(toInt(iIp) / size) === Math.floor(toInt(oIp) / size);
}

/**
 * Every IPv4 range of `vpc` the load balancer's nodes may take their
 * addresses from: the VPC's primary CIDR block, the secondary blocks declared
 * in this app for it (`ec2.CfnVPCCidrBlock`), and the CIDR blocks of its
 * public subnets, where an internet-facing load balancer places its nodes
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
 * An imported VPC knows only its primary block and the subnet blocks it was
 * given; when none of its public subnets has one, a warning says so.
 *
 * Resolved lazily, so that secondary blocks declared after the data plane count.
 */
export function vpcIpv4Ranges(scope: Construct, vpc: ec2.IVpc): string {
  const publicBlocks: string[] = [];
  for (const subnet of vpc.publicSubnets) {
    try {
      publicBlocks.push(subnet.ipv4CidrBlock);
    } catch {
      // An imported subnet without its CIDR block: nothing to add.
    }
  }
  if (publicBlocks.length === 0 && vpc.publicSubnets.length > 0) {
    Annotations.of(scope).addWarningV2('@kong-hybrid/cdk:trustedCidrs',
      'The public subnets\' CIDR blocks are unknown (an imported VPC without publicSubnetIpv4CidrBlocks): Kong trusts only the VPC\'s primary CIDR block in X-Forwarded-For. If the load balancer\'s subnets are in a secondary CIDR block, set dataPlaneTrustedCidrs, or ip-restriction sees load-balancer addresses.');
  }
  return Lazy.string({
    produce: () => {
      const blocks: string[] = [];
      const primary = vpc instanceof ec2.Vpc ? (vpc.node.defaultChild as ec2.CfnVPC).cidrBlock ?? vpc.vpcCidrBlock : vpc.vpcCidrBlock;
      blocks.push(vpc.vpcCidrBlock);
      for (const c of Stack.of(vpc).node.findAll()) {
        if (c instanceof ec2.CfnVPCCidrBlock && c.cidrBlock && c.vpcId === vpc.vpcId) blocks.push(c.cidrBlock);
      }
      blocks.push(...publicBlocks);
      const literals = [primary, ...blocks.slice(1)].filter((b) => !Token.isUnresolved(b));
      const kept: string[] = [];
      for (const b of blocks) {
        if (kept.includes(b)) continue;
        // A subnet inside a block already trusted adds nothing.
        if (!Token.isUnresolved(b) && literals.some((outer) => outer !== b && ipv4Contains(outer, b))) continue;
        kept.push(b);
      }
      return kept.join(',');
    },
  });
}
