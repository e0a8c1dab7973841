import { ALWAYS_ON, BUSY, type CostEstimate, estimateMonthlyCost, IDLE } from './cost-model';
import { inventoryFromTemplates } from './inventory';
import { PRICES, priceSourceLine } from './prices';
import type { CfnTemplate } from './template';

/** A deployment's month idle, busy and always-on, and idle ÷ always-on. */
export interface MonthlyFigures {
  readonly idle: CostEstimate;
  readonly busy: CostEstimate;
  readonly alwaysOn: CostEstimate;
  /** Idle as a share of always-on: what the idle scaler and the cheap options leave to pay. */
  readonly ratio: number;
}

/** Prices one deployment (its synthesized or deployed templates) in the three scenarios. */
export function monthlyFigures(templates: CfnTemplate[]): MonthlyFigures {
  const inventory = inventoryFromTemplates(templates);
  const [idle, busy, alwaysOn] = [IDLE, BUSY, ALWAYS_ON].map((s) => estimateMonthlyCost(inventory, s));
  return { idle, busy, alwaysOn, ratio: idle.totalUsd / alwaysOn.totalUsd };
}

/** Where the price list's sources are explained, for the note under a cost table. */
export const PRICES_FILE = 'packages/cost-model/src/prices.ts';

/**
 * The cost table both the reference's synth summary and `kong-hybrid cost`
 * print: one line per item, a column per scenario, the totals, idle ÷
 * always-on, what each scenario assumes and what was not priced.
 */
export function renderCostTable(figures: MonthlyFigures, indent = '  '): string[] {
  const estimates: CostEstimate[] = [figures.idle, figures.busy, figures.alwaysOn];
  const out: string[] = [];
  const items = estimates[0].lines.map((l) => l.item);
  const itemWidth = Math.max(...items.map((i) => i.length), 5);
  out.push(`${indent}${''.padEnd(itemWidth)} ${estimates.map((e) => e.scenario.name.padStart(10)).join(' ')}`);
  items.forEach((item, i) => {
    out.push(`${indent}${item.padEnd(itemWidth)} ${estimates.map((e) => usd(e.lines[i].usd).padStart(10)).join(' ')}`);
  });
  out.push(`${indent}${'total'.padEnd(itemWidth)} ${estimates.map((e) => usd(e.totalUsd).padStart(10)).join(' ')}`);
  out.push(`${indent}idle is ${figures.ratio.toFixed(2)} × always-on`);
  for (const e of estimates) out.push(`${indent}${e.scenario.name}: ${e.scenario.description}`);
  for (const note of new Set(estimates.flatMap((e) => e.unpriced))) out.push(`${indent}not priced: ${note}`);
  out.push(`${indent}prices not shown on the stored AWS pages (${PRICES_FILE} says where they come from): ${unverifiedPrices().join(', ')}`);
  return out;
}

/** The heading of a cost table: the price list's region and date. */
export function costTableHeading(): string {
  return `Estimated monthly cost (${priceSourceLine()}):`;
}

/** The price list's entries whose figure the stored AWS page did not show. */
export function unverifiedPrices(): string[] {
  return Object.entries(PRICES.sources).filter(([, source]) => !source.shownOnPage).map(([name]) => name);
}

/** Dollars with cents: `$78.87`. */
export function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}
