import { type CfnTemplate, constructPath, referencedLogicalId, resourcesOfType } from './template';

/** One allowed flow between a security group and a peer. */
export interface SecurityGroupRule {
  readonly direction: 'ingress' | 'egress';
  /** The group the rule belongs to (construct path). */
  readonly group: string;
  /** The other side: another group's path, or a CIDR. */
  readonly peer: string;
  /** For example `tcp/443`, `tcp/8000-8001` or `all`. */
  readonly ports: string;
}

// CDK writes this placeholder egress rule when a group may send nothing.
const NO_EGRESS_CIDR = '255.255.255.255/32';

/** Every security group rule in the templates, with groups named by construct path. */
export function securityGroupRules(templates: CfnTemplate[]): SecurityGroupRule[] {
  const names = new Map<string, string>();
  for (const template of templates) {
    for (const [id, r] of resourcesOfType(template, 'AWS::EC2::SecurityGroup')) {
      names.set(id, constructPath(r, id).replace(/\/SecurityGroup$/, '') || id);
    }
  }
  const name = (value: unknown, fallback?: string) => {
    const id = referencedLogicalId(value);
    return id ? names.get(id) ?? id : fallback ?? JSON.stringify(value);
  };

  const rules: SecurityGroupRule[] = [];
  const push = (direction: 'ingress' | 'egress', group: string, rule: Record<string, any>) => {
    const peer = direction === 'ingress'
      ? (rule.SourceSecurityGroupId ? name(rule.SourceSecurityGroupId) : rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourcePrefixListId)
      : (rule.DestinationSecurityGroupId ? name(rule.DestinationSecurityGroupId) : rule.CidrIp ?? rule.CidrIpv6 ?? rule.DestinationPrefixListId);
    if (peer === NO_EGRESS_CIDR) return;
    rules.push({ direction, group, peer: String(peer), ports: portRange(rule) });
  };

  for (const template of templates) {
    for (const [id, r] of resourcesOfType(template, 'AWS::EC2::SecurityGroup')) {
      const group = names.get(id)!;
      for (const rule of r.Properties?.SecurityGroupIngress ?? []) push('ingress', group, rule);
      for (const rule of r.Properties?.SecurityGroupEgress ?? []) push('egress', group, rule);
    }
    for (const [, r] of resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')) push('ingress', name(r.Properties?.GroupId), r.Properties ?? {});
    for (const [, r] of resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress')) push('egress', name(r.Properties?.GroupId), r.Properties ?? {});
  }
  return rules.sort((a, b) => `${a.direction}${a.group}${a.peer}${a.ports}`.localeCompare(`${b.direction}${b.group}${b.peer}${b.ports}`));
}

function portRange(rule: Record<string, any>): string {
  const protocol = String(rule.IpProtocol);
  if (protocol === '-1') return 'all';
  if (rule.FromPort === rule.ToPort) return `${protocol}/${rule.FromPort}`;
  return `${protocol}/${rule.FromPort}-${rule.ToPort}`;
}
