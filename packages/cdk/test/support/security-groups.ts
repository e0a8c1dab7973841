import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/** One rule of the matrix: `group` lets `peer` in (ingress) or out (egress) on `ports`. */
export interface Rule {
  readonly group: string;
  readonly direction: 'in' | 'out';
  readonly protocol: string;
  readonly ports: string;
  readonly peer: string;
}

/**
 * Every ingress and egress rule of the template, inline or standalone, with
 * security groups named by `names` (logical id → short name). A group with
 * only CDK's "disallow all" placeholder has no egress rule.
 */
export function securityGroupMatrix(template: Template, names: Record<string, string>): Rule[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const nameOf = (ref: any): string => {
    const id = ref?.['Fn::GetAtt']?.[0] ?? ref?.Ref;
    return names[id] ?? `?${JSON.stringify(ref)}`;
  };
  const ports = (r: any) => (r.FromPort === r.ToPort ? String(r.FromPort) : `${r.FromPort}-${r.ToPort}`);
  const rules: Rule[] = [];
  for (const [id, res] of Object.entries(resources)) {
    const p = res.Properties ?? {};
    if (res.Type === 'AWS::EC2::SecurityGroup' && names[id]) {
      for (const r of p.SecurityGroupIngress ?? []) {
        rules.push({ group: names[id], direction: 'in', protocol: r.IpProtocol, ports: ports(r), peer: r.CidrIp ?? r.CidrIpv6 ?? nameOf(r.SourceSecurityGroupId) });
      }
      for (const r of p.SecurityGroupEgress ?? []) {
        if (r.CidrIp === '255.255.255.255/32' && r.IpProtocol === 'icmp') continue; // CDK's "no traffic" placeholder
        rules.push({ group: names[id], direction: 'out', protocol: r.IpProtocol, ports: ports(r), peer: r.CidrIp ?? r.CidrIpv6 ?? nameOf(r.DestinationSecurityGroupId) });
      }
    } else if (res.Type === 'AWS::EC2::SecurityGroupIngress') {
      rules.push({ group: nameOf(p.GroupId), direction: 'in', protocol: p.IpProtocol, ports: ports(p), peer: p.CidrIp ?? p.CidrIpv6 ?? nameOf(p.SourceSecurityGroupId) });
    } else if (res.Type === 'AWS::EC2::SecurityGroupEgress') {
      rules.push({ group: nameOf(p.GroupId), direction: 'out', protocol: p.IpProtocol, ports: ports(p), peer: p.CidrIp ?? p.CidrIpv6 ?? nameOf(p.DestinationSecurityGroupId) });
    }
  }
  return rules.sort((a, b) => `${a.group}${a.direction}${a.ports}${a.peer}`.localeCompare(`${b.group}${b.direction}${b.ports}${b.peer}`));
}

/** Logical ids of connectables' security groups, for {@link securityGroupMatrix}. */
export function groupNames(groups: Record<string, ec2.IConnectable>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, connectable] of Object.entries(groups)) {
    for (const sg of connectable.connections.securityGroups) {
      out[Stack.of(sg).getLogicalId(sg.node.defaultChild as CfnResource)] = name;
    }
  }
  return out;
}

/** The matrix as a Markdown table (for the README and the report). */
export function matrixTable(rules: Rule[]): string {
  const groups = [...new Set(rules.map((r) => r.group))];
  const cell = (g: string, d: 'in' | 'out') => rules.filter((r) => r.group === g && r.direction === d)
    .map((r) => `${r.protocol.toUpperCase()} ${r.ports} ${d === 'in' ? 'from' : 'to'} ${r.peer}`).join('; ') || 'none';
  return ['| Security group | Inbound | Outbound |', '|---|---|---|', ...groups.map((g) => `| ${g} | ${cell(g, 'in')} | ${cell(g, 'out')} |`)].join('\n');
}
