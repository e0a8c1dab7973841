import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUSY, type CostEstimate, estimateMonthlyCost, IDLE, type UsageScenario } from './cost-model';
import { inventoryFromTemplates } from './inventory';
import { PRICES } from './prices';
import { securityGroupRules } from './security-groups';
import type { CfnTemplate } from './template';

/** One stack of a cloud assembly. */
export interface SynthesizedStack {
  readonly name: string;
  readonly template: CfnTemplate;
}

/** Reads the stacks of a cloud assembly (a `cdk.out` folder). */
export function readCloudAssembly(dir: string): SynthesizedStack[] {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => ({
      name,
      template: JSON.parse(readFileSync(path.join(dir, artifact.properties.templateFile), 'utf8')),
    }));
}

/** The text `npm run synth` prints after synthesizing the reference deployment. */
export function renderSummary(stacks: SynthesizedStack[], scenarios: UsageScenario[] = [IDLE, BUSY]): string {
  const templates = stacks.map((s) => s.template);
  const out: string[] = [];

  out.push(`Stacks (${stacks.length}):`);
  for (const stack of stacks) {
    const resources = Object.values(stack.template.Resources ?? {});
    const byType = new Map<string, number>();
    for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
    const top = [...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6)
      .map(([type, n]) => `${type.replace(/^AWS::/, '')} ${n}`).join(', ');
    out.push(`  ${stack.name}: ${resources.length} resources (${top}, …)`);
  }

  out.push('', 'Outputs:');
  for (const stack of stacks) {
    for (const [key, output] of Object.entries(stack.template.Outputs ?? {})) {
      const value = typeof output.Value === 'string' ? output.Value : '(resolved at deploy time)';
      // Logical IDs end in a hash of the construct path: drop it.
      out.push(`  ${key.replace(/[0-9A-F]{8}$/, '').padEnd(28)} ${value}`);
    }
  }

  out.push('', 'Security groups (who may open what):');
  const rules = securityGroupRules(templates);
  const width = Math.max(10, ...rules.map((r) => (r.direction === 'ingress' ? r.peer : r.group).length));
  for (const rule of rules) {
    const [from, to] = rule.direction === 'ingress' ? [rule.peer, rule.group] : [rule.group, rule.peer];
    out.push(`  ${rule.direction.padEnd(7)} ${from.padEnd(width)} → ${to.padEnd(width)} ${rule.ports}`);
  }

  const inventory = inventoryFromTemplates(templates);
  const estimates: CostEstimate[] = scenarios.map((s) => estimateMonthlyCost(inventory, s));
  out.push('', `Estimated monthly cost (${PRICES.region} list prices as of ${PRICES.asOf}, ${PRICES.hoursPerMonth} h; ${PRICES.source}):`);
  const items = estimates[0].lines.map((l) => l.item);
  const itemWidth = Math.max(...items.map((i) => i.length), 5);
  out.push(`  ${''.padEnd(itemWidth)} ${estimates.map((e) => e.scenario.name.padStart(10)).join(' ')}`);
  items.forEach((item, i) => {
    out.push(`  ${item.padEnd(itemWidth)} ${estimates.map((e) => usd(e.lines[i].usd).padStart(10)).join(' ')}`);
  });
  out.push(`  ${'total'.padEnd(itemWidth)} ${estimates.map((e) => usd(e.totalUsd).padStart(10)).join(' ')}`);
  for (const e of estimates) out.push(`  ${e.scenario.name}: ${e.scenario.description}`);
  return out.join('\n');
}

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}
