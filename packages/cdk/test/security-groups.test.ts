import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { gatewayStack } from './support/stacks';
import { groupNames, matrixTable, securityGroupMatrix, type Rule } from './support/security-groups';

// GIVEN the default gateway, synthesized once for the whole file
const { stack, gateway } = gatewayStack();
const template = Template.fromStack(stack);
const names = groupNames({
  ALB: gateway.loadBalancer, DP: gateway.dataPlane, CP: gateway.controlPlane, DB: gateway.database, Scaler: gateway.idleScaler!, Bootstrap: gateway.adminApiProxy!,
  Exporter: gateway.fallbackConfig!,
});
const matrix = securityGroupMatrix(template, names);

const rule = (group: string, direction: 'in' | 'out', ports: string, peer: string): Rule => ({ group, direction, protocol: 'tcp', ports, peer });

describe('security groups', () => {
  test('GIVEN the default gateway WHEN synthesized THEN the template has exactly seven security groups: ALB, DP, CP, DB, the idle scaler, the admin bootstrap and the fallback exporter', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroup', 7);
    expect(Object.values(names).sort()).toEqual(['ALB', 'Bootstrap', 'CP', 'DB', 'DP', 'Exporter', 'Scaler']);
  });

  test('GIVEN the default gateway WHEN synthesized THEN ingress and egress are exactly the seed matrix plus the scaler, the bootstrap and the exporter on 8001, nothing more', () => {
    expect(matrix).toEqual([
      rule('ALB', 'in', '443', '0.0.0.0/0'),
      rule('ALB', 'in', '80', '0.0.0.0/0'),
      rule('ALB', 'out', '8000', 'DP'),
      rule('ALB', 'out', '8100', 'DP'),
      rule('Bootstrap', 'out', '443', '0.0.0.0/0'),
      rule('Bootstrap', 'out', '8001', 'CP'),
      rule('CP', 'in', '8001', 'Bootstrap'),
      rule('CP', 'in', '8001', 'DP'),
      rule('CP', 'in', '8001', 'Exporter'),
      rule('CP', 'in', '8001', 'Scaler'),
      rule('CP', 'in', '8005', 'DP'),
      rule('CP', 'out', '443', '0.0.0.0/0'),
      rule('CP', 'out', '5432', 'DB'),
      rule('DB', 'in', '5432', 'CP'),
      rule('DP', 'in', '8000', 'ALB'),
      rule('DP', 'in', '8100', 'ALB'),
      rule('DP', 'out', '443', '0.0.0.0/0'),
      rule('DP', 'out', '8001', 'CP'),
      rule('DP', 'out', '8005', 'CP'),
      rule('Exporter', 'out', '443', '0.0.0.0/0'),
      rule('Exporter', 'out', '8001', 'CP'),
      rule('Scaler', 'out', '443', '0.0.0.0/0'),
      rule('Scaler', 'out', '8001', 'CP'),
    ]);
  });

  test('GIVEN the default gateway WHEN synthesized THEN the database security group allows no egress at all', () => {
    const db = Object.entries(names).find(([, n]) => n === 'DB')![0];
    expect(template.toJSON().Resources[db].Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' }),
    ]);
  });

  test('GIVEN a function of ours WHEN it is allowed to the admin API THEN it reaches 8001 on the control plane and nothing else', () => {
    // GIVEN
    const g = gatewayStack({}, 'WithLambda');
    const lambdaSg = new ec2.SecurityGroup(g.stack, 'LambdaSg', { vpc: g.gateway.vpc, allowAllOutbound: false });
    // WHEN
    g.gateway.allowAdminApiFrom(lambdaSg);
    // THEN
    const n = groupNames({ ALB: g.gateway.loadBalancer, DP: g.gateway.dataPlane, CP: g.gateway.controlPlane, DB: g.gateway.database, Lambda: lambdaSg });
    const rules = securityGroupMatrix(Template.fromStack(g.stack), n);
    expect(rules.filter((r) => r.group === 'Lambda' || r.peer === 'Lambda')).toEqual([
      rule('CP', 'in', '8001', 'Lambda'),
      rule('Lambda', 'out', '8001', 'CP'),
    ]);
  });

  test('GIVEN the matrix WHEN printed THEN it reads as the README table', () => {
    const table = matrixTable(matrix);
    expect(table).toContain('| DB | TCP 5432 from CP | none |');
    expect(table).toContain('| CP | TCP 8001 from Bootstrap; TCP 8001 from DP; TCP 8001 from Exporter; TCP 8001 from Scaler; TCP 8005 from DP | TCP 443 to 0.0.0.0/0; TCP 5432 to DB |');
    expect(table).toContain('| Bootstrap | none | TCP 443 to 0.0.0.0/0; TCP 8001 to CP |');
    expect(table).toContain('| Exporter | none | TCP 443 to 0.0.0.0/0; TCP 8001 to CP |');
    if (process.env.PRINT_MATRIX) console.log(table);
  });
});
