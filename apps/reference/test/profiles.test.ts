import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createReferenceApp } from '../src/app';
import {
  type DeploymentInventory, inventoryFromTemplates, monthlyFigures, PRICES, PROFILES, profileDifferences, readCloudAssembly, renderSummary,
  securityGroupRules, type SecurityGroupRule, tasksByCapacity, type UsageScenario,
} from '../src/summary';
import { synthesizeProfile } from '../src/synthesize-profile';
import { cfnLint } from '../../../packages/cdk/test/support/cfn-lint';

/** cdk.json's context, as `cdk synth` and `npm run synth` use it. */
const cdkContext = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

// GIVEN the reference (cdk.json as it is) and each profile, synthesized for real with cdk-nag on:
// synthesis fails on any unsuppressed finding (see reference-app.test.ts), so getting here means nag-clean.
const outdir = mkdtempSync(path.join(tmpdir(), 'kong-reference-profiles-'));
createReferenceApp({ context: { ...cdkContext, 'aws:cdk:enable-path-metadata': true }, outdir }).app.synth();
const referenceStacks = readCloudAssembly(outdir);
const profiles = PROFILES.map((profile) => ({ profile, stacks: synthesizeProfile(profile, cdkContext) }));
const named = (name: string) => profiles.find((p) => p.profile.name === name)!;
const deployments = [
  { name: 'reference', stacks: referenceStacks },
  ...profiles.map((p) => ({ name: p.profile.name, stacks: p.stacks })),
];
const templatesOf = (d: { stacks: typeof referenceStacks }) => d.stacks.map((s) => s.template);

/** The cost lines the options change, recomputed from the inventory's own fields and the price list. */
function expectedLines(inv: DeploymentInventory, scenario: UsageScenario): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of inv.fargateServices) {
    const tasks = s.stoppedWhenIdle ? (scenario.controlPlaneRunning ? 1 : 0) : s.minTasks;
    const { onDemand, spot } = tasksByCapacity(s, tasks);
    const rate = PRICES.fargate[s.architecture];
    out[`Fargate ${s.path}`] = (onDemand + spot * (1 - PRICES.fargate.spotDiscount)) * (s.vcpu * rate.vcpuHour + s.memoryGb * rate.gbHour) * 730;
  }
  if (inv.autoScalingGroups.length > 0) {
    out['EC2 instances'] = inv.autoScalingGroups.reduce((sum, g) => sum
      + g.instances * (PRICES.ec2.instanceHour[g.instanceType] * 730 + g.volumes.reduce((v, x) => v + x.sizeGb * PRICES.ebs.gp3GbMonth, 0)), 0);
  }
  const addresses = inv.loadBalancers.reduce((n, lb) => n + lb.zones, 0) + inv.elasticIps
    + inv.autoScalingGroups.filter((g) => g.publicIpv4).reduce((n, g) => n + g.instances, 0);
  out['Public IPv4 addresses'] = addresses * PRICES.publicIpv4.hour * 730;
  if (inv.natGateways > 0) out['NAT gateways'] = inv.natGateways * PRICES.natGateway.hour * 730 + scenario.natGb * PRICES.natGateway.gbProcessed;
  return out;
}

/**
 * cfn-lint, once over every profile's templates (one Python start, not one per
 * profile), read back per profile: lines about its own files, and any line that
 * names no file (cfn-lint failing to run) counts against every profile.
 */
let lintOutput: { files: string[]; lines: string[] } | undefined;
function cfnLintOf(name: string): string {
  const fileOf = (profile: string, stack: string) => `${profile.replace(/[^a-z0-9]+/gi, '-')}.${stack}.template.json`;
  if (!lintOutput) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kong-profile-lint-'));
    const files = profiles.flatMap((p) => p.stacks.map((s) => {
      const file = path.join(dir, fileOf(p.profile.name, s.name));
      writeFileSync(file, JSON.stringify(s.template, null, 1));
      return file;
    }));
    lintOutput = { files, lines: cfnLint(files).split('\n').filter((l) => l.trim() !== '') };
  }
  const { files, lines } = lintOutput;
  const own = profiles.find((p) => p.profile.name === name)!.stacks.map((s) => files.find((f) => path.basename(f) === fileOf(name, s.name))!);
  return lines.filter((l) => own.some((f) => l.startsWith(`${f}:`)) || !files.some((f) => l.startsWith(`${f}:`))).join('\n');
}

describe('the profiles: quality gates', () => {
  test.each(profiles.map((p) => [p.profile.name, p] as const))('GIVEN the %s profile WHEN cfn-lint checks its template THEN it finds nothing', (name) => {
    expect(cfnLintOf(name).trim()).toBe('');
  });

  // The NAT instances are the only new security group; everything else is the NAT-gateway deployment's matrix.
  const NAT = 'Kong/Network/NatInstances';
  const withoutNat = (rules: SecurityGroupRule[]) => rules.filter((r) => r.group !== NAT && r.peer !== NAT);
  const natGatewayRules = securityGroupRules(templatesOf(named('high availability')));

  test('GIVEN the NAT-gateway profile WHEN its security groups are read THEN the seed\'s chain ALB → DP → CP → DB is there and the database lets in the control plane only', () => {
    expect(natGatewayRules).toEqual(expect.arrayContaining([
      { direction: 'ingress', group: 'Kong/LoadBalancer', peer: '0.0.0.0/0', ports: 'tcp/443' },
      { direction: 'ingress', group: 'Kong/DataPlane', peer: 'Kong/LoadBalancer', ports: 'tcp/8000' },
      { direction: 'ingress', group: 'Kong/ControlPlane', peer: 'Kong/DataPlane', ports: 'tcp/8005' },
      { direction: 'ingress', group: 'Kong/Database', peer: 'Kong/ControlPlane', ports: 'tcp/5432' },
    ]));
    expect(natGatewayRules.filter((r) => r.direction === 'ingress' && r.group === 'Kong/Database').map((r) => r.peer)).toEqual(['Kong/ControlPlane']);
    expect(natGatewayRules.some((r) => r.group === NAT)).toBe(false);
  });

  test.each(['reference', 'cheapest'])('GIVEN the %s deployment (NAT instances) WHEN its security groups are read THEN the chain is unchanged and the NAT group lets in only the VPC', (name) => {
    const rules = securityGroupRules(templatesOf(deployments.find((d) => d.name === name)!));
    expect(withoutNat(rules)).toEqual(natGatewayRules);
    expect(rules.filter((r) => r.group === NAT)).toEqual([
      { direction: 'egress', group: NAT, peer: '0.0.0.0/0', ports: 'all' },
      { direction: 'ingress', group: NAT, peer: '10.0.0.0/16', ports: 'all' },
    ]);
    expect(rules.filter((r) => r.peer === NAT)).toEqual([]);
  });
});

describe('the profiles: what their templates hold', () => {
  const inventories = Object.fromEntries(deployments.map((d) => [d.name, inventoryFromTemplates(templatesOf(d))]));
  const dataPlane = (name: string) => inventories[name].fargateServices.find((s) => s.path === 'Kong/DataPlane/Service')!;

  test('GIVEN the reference WHEN read THEN two on-demand 0.5 vCPU data planes and a t4g.nano NAT instance in each of the two AZs, no NAT gateway', () => {
    expect(dataPlane('reference')).toMatchObject({ minTasks: 2, vcpu: 0.5, memoryGb: 1, architecture: 'arm64', spotShare: 0 });
    expect(inventories.reference.natGateways).toBe(0);
    expect(inventories.reference.autoScalingGroups.map((g) => [g.instanceType, g.instances, g.publicIpv4])).toEqual([['t4g.nano', 1, true], ['t4g.nano', 1, true]]);
  });

  test('GIVEN the cheapest profile WHEN read THEN one 0.25 vCPU / 1 GB data plane, all on Spot, and one NAT instance', () => {
    expect(dataPlane('cheapest')).toMatchObject({ minTasks: 1, vcpu: 0.25, memoryGb: 1, architecture: 'arm64', onDemandBase: 0, spotShare: 1 });
    expect(inventories.cheapest.autoScalingGroups).toHaveLength(1);
    expect(inventories.cheapest.natGateways).toBe(0);
  });

  test('GIVEN the high-availability profile WHEN read THEN three on-demand data planes and a NAT gateway in each AZ', () => {
    expect(dataPlane('high availability')).toMatchObject({ minTasks: 3, spotShare: 0 });
    expect(inventories['high availability'].natGateways).toBe(2);
    expect(inventories['high availability'].elasticIps).toBe(2);
    expect(inventories['high availability'].autoScalingGroups).toEqual([]);
  });

  test.each(deployments.map((d) => [d.name] as const))('GIVEN %s WHEN estimated THEN the data plane, NAT and address lines follow from its inventory and the price list', (name) => {
    const figures = monthlyFigures(templatesOf(deployments.find((d) => d.name === name)!));
    for (const estimate of [figures.idle, figures.busy, figures.alwaysOn]) {
      const expected = expectedLines(inventories[name], estimate.scenario);
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(4);
      for (const [item, usd] of Object.entries(expected)) {
        expect({ item, usd: estimate.lines.find((l) => l.item === item)?.usd }).toEqual({ item, usd: expect.closeTo(usd, 6) });
      }
      expect(estimate.unpriced).toEqual([]);
    }
  });
});

describe('the profiles: the targets of issue 14', () => {
  const figures = Object.fromEntries(deployments.map((d) => [d.name, monthlyFigures(templatesOf(d))]));

  test('GIVEN the reference (two data planes in two AZs) WHEN priced THEN it idles at or under $90 a month and at most 0.6 × its always-on equivalent', () => {
    expect(figures.reference.idle.totalUsd).toBeLessThanOrEqual(90);
    expect(figures.reference.ratio).toBeLessThanOrEqual(0.6);
  });

  test('GIVEN the cheapest profile WHEN priced THEN it idles at or under $60 a month and at most 0.45 × its always-on equivalent', () => {
    expect(figures.cheapest.idle.totalUsd).toBeLessThanOrEqual(60);
    expect(figures.cheapest.ratio).toBeLessThanOrEqual(0.45);
  });

  test('GIVEN the three WHEN compared THEN cheapest < reference < high availability, idle and busy', () => {
    for (const e of ['idle', 'busy'] as const) {
      expect(figures.cheapest[e].totalUsd).toBeLessThan(figures.reference[e].totalUsd);
      expect(figures.reference[e].totalUsd).toBeLessThan(figures['high availability'][e].totalUsd);
    }
  });
});

describe('the profiles in the synth summary', () => {
  const summary = renderSummary(referenceStacks, { profiles, referenceContext: cdkContext });
  const reference = monthlyFigures(templatesOf(deployments[0]));

  test('GIVEN the summary WHEN read THEN it has one row per profile with its idle, busy and always-on totals and the ratio', () => {
    for (const d of deployments) {
      const f = monthlyFigures(templatesOf(d));
      const name = d.name === 'reference' ? 'reference (cdk.json)' : d.name;
      const cells = [f.idle, f.busy, f.alwaysOn].map((e) => `\\$${e.totalUsd.toFixed(2)}`).join('\\s+');
      expect(summary).toMatch(new RegExp(`^  ${name.replace(/[()]/g, '\\$&')}\\s+${cells}\\s+${f.ratio.toFixed(2)}$`, 'm'));
    }
  });

  test.each(profiles.map((p) => [p.profile.name, p] as const))('GIVEN the %s profile WHEN compared with the reference THEN every line that differs names the setting that changes it, and every setting changes a line', (_name, p) => {
    const diffs = profileDifferences(reference, monthlyFigures(templatesOf(p)), p.profile, cdkContext);
    expect(diffs.length).toBeGreaterThan(0);
    for (const d of diffs) expect({ item: d.item, setBy: d.setBy.length > 0 }).toEqual({ item: d.item, setBy: true });
    const changed = p.profile.settings.filter((s) => cdkContext[s.key] !== s.value).map((s) => `${s.key}=${s.value}`);
    expect(new Set(diffs.flatMap((d) => d.setBy))).toEqual(new Set(changed));
    for (const d of diffs) expect(summary).toContain(`${d.setBy.join(', ')}`);
  });
});

describe('the profiles in the READMEs', () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const rootReadme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

  test.each(deployments.map((d) => [d.name, d] as const))('GIVEN the %s figures WHEN the READMEs are read THEN they show them as synthesized', (_name, d) => {
    const f = monthlyFigures(templatesOf(d));
    const cells = [f.idle, f.busy, f.alwaysOn].map((e) => `$${e.totalUsd.toFixed(2)}`);
    expect(readme).toContain(`| ${cells.join(' | ')} | ${f.ratio.toFixed(2)} |`);
    expect(rootReadme).toMatch(new RegExp(`${cells.map((c) => c.replace('$', '\\$')).join('\\s+')}\\s+${f.ratio.toFixed(2)}`));
  });
});
