import { costTableHeading, monthlyFigures, renderCostTable, type CfnTemplate, type MonthlyFigures } from '@kong-hybrid/cost-model';
import type { Context } from '../context';
import { readDeployment, readTemplate } from '../stack';

/** What `cost --json` prints (schemas/cost.schema.json). */
export interface CostDocument {
  readonly schema: 'kong-hybrid/cost/v1';
  readonly stack: string;
  readonly region: string | null;
  readonly scenarios: Array<{ name: string; description: string; totalUsd: number; lines: Array<{ item: string; usd: number; detail: string }>; unpriced: string[] }>;
  readonly idleToAlwaysOn: number;
}

/** The monthly estimate of the stack's template as deployed, with the reference's cost model. */
export async function cost(ctx: Context, options: { json: boolean }): Promise<number> {
  const [deployment, template] = await Promise.all([readDeployment(ctx), readTemplate(ctx)]);
  const figures: MonthlyFigures = monthlyFigures([template as CfnTemplate]);
  if (options.json) {
    const doc: CostDocument = {
      schema: 'kong-hybrid/cost/v1',
      stack: deployment.stackName,
      region: deployment.region ?? null,
      scenarios: [figures.idle, figures.busy, figures.alwaysOn].map((e) => ({
        name: e.scenario.name, description: e.scenario.description, totalUsd: round(e.totalUsd),
        lines: e.lines.map((l) => ({ item: l.item, usd: round(l.usd), detail: l.detail })), unpriced: [...e.unpriced],
      })),
      idleToAlwaysOn: Math.round(figures.ratio * 1000) / 1000,
    };
    ctx.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  ctx.io.stdout.write(`${ctx.out.bold(`Stack ${deployment.stackName}`)} (${deployment.region ?? 'region ?'}): its deployed template, at list prices\n`);
  ctx.io.stdout.write(`${costTableHeading()}\n${renderCostTable(figures).join('\n')}\n`);
  return 0;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
