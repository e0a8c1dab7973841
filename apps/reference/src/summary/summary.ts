import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type CfnTemplate, type CostEstimate, costTableHeading, monthlyFigures, type MonthlyFigures, renderCostTable, securityGroupRules, usd,
} from '@kong-hybrid/cost-model';
import type { Profile } from './profiles';

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

/** A profile of the deployment, synthesized. */
export interface SynthesizedProfile {
  readonly profile: Profile;
  readonly stacks: SynthesizedStack[];
}

/** One line of a profile that differs from the reference, and the settings that can explain it. */
export interface ProfileDifference {
  readonly item: string;
  readonly idleUsd: number;
  readonly busyUsd: number;
  readonly idleDeltaUsd: number;
  /** `key=value` of each of the profile's settings that moves this line. */
  readonly setBy: string[];
}

/**
 * The lines where a profile's estimate differs from the reference's, each with
 * the profile's settings that change it (those whose value differs from the
 * reference's context, when given).
 */
export function profileDifferences(reference: MonthlyFigures, figures: MonthlyFigures, profile: Profile, referenceContext: Record<string, unknown> = {}): ProfileDifference[] {
  const changed = profile.settings.filter((s) => referenceContext[s.key] !== s.value);
  const usd = (e: CostEstimate, item: string) => e.lines.find((l) => l.item === item)?.usd ?? 0;
  const items = [...new Set([...reference.idle.lines, ...figures.idle.lines].map((l) => l.item))];
  return items
    .filter((item) => Math.abs(usd(figures.idle, item) - usd(reference.idle, item)) >= 0.005 || Math.abs(usd(figures.busy, item) - usd(reference.busy, item)) >= 0.005)
    .map((item) => ({
      item,
      idleUsd: usd(figures.idle, item),
      busyUsd: usd(figures.busy, item),
      idleDeltaUsd: usd(figures.idle, item) - usd(reference.idle, item),
      setBy: changed.filter((s) => s.affects.test(item)).map((s) => `${s.key}=${s.value}`),
    }));
}

/** What `npm run synth` prints besides the reference: its profiles. */
export interface SummaryOptions {
  readonly profiles?: SynthesizedProfile[];
  /** The reference's context (cdk.json): a profile's rows name only the settings that differ from it. */
  readonly referenceContext?: Record<string, unknown>;
}

/** The text `npm run synth` prints after synthesizing the reference deployment. */
export function renderSummary(stacks: SynthesizedStack[], options: SummaryOptions = {}): string {
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

  const reference = monthlyFigures(templates);
  out.push('', costTableHeading());
  out.push(...renderCostTable(reference));

  const profiles = options.profiles ?? [];
  if (profiles.length > 0) {
    const rows = [{ name: 'reference (cdk.json)', figures: reference }, ...profiles.map((p) => ({ name: p.profile.name, figures: monthlyFigures(p.stacks.map((x) => x.template)) }))];
    const nameWidth = Math.max(...rows.map((r) => r.name.length));
    out.push('', 'Profiles (monthly; set their context with -c key=value or in cdk.json):');
    out.push(`  ${'profile'.padEnd(nameWidth)} ${['idle', 'busy', 'always-on'].map((h) => h.padStart(10)).join(' ')}  idle/always-on`);
    for (const r of rows) {
      out.push(`  ${r.name.padEnd(nameWidth)} ${[r.figures.idle, r.figures.busy, r.figures.alwaysOn].map((e) => usd(e.totalUsd).padStart(10)).join(' ')}  ${r.figures.ratio.toFixed(2)}`);
    }
    profiles.forEach((p, i) => {
      const diffs = profileDifferences(reference, rows[i + 1].figures, p.profile, options.referenceContext);
      const width = Math.max(...diffs.map((d) => d.item.length), 5);
      out.push('', `  ${p.profile.name}: ${p.profile.description}`);
      out.push(`    ${''.padEnd(width)} ${['idle', 'busy', 'Δ idle'].map((h) => h.padStart(10)).join(' ')}  set by`);
      for (const d of diffs) {
        out.push(`    ${d.item.padEnd(width)} ${[usd(d.idleUsd), usd(d.busyUsd), signed(d.idleDeltaUsd)].map((v) => v.padStart(10)).join(' ')}  ${d.setBy.join(', ') || '(no setting of the profile: check profiles.ts)'}`);
      }
    });
  }
  return out.join('\n');
}

function signed(value: number): string {
  return `${value < 0 ? '-' : '+'}${usd(Math.abs(value))}`;
}
