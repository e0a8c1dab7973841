import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvariantViolation, Invariants } from './invariants';
import { World, type LogLine, type WorldOptions } from './world';

/** 2026-01-01T09:00:00Z: the start of every scenario. */
export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
export const SEC = 1_000;
export const MIN = 60_000;

export interface ScenarioOptions extends Partial<WorldOptions> {
  /** How long the scenario runs (virtual time). */
  readonly durationMs: number;
  /** Schedules what happens in the world (scale-outs, admin changes, faults). */
  readonly script?: (world: World, at: (offsetMs: number, what: string, fn: () => void) => void) => void;
  /**
   * The bound the invariant holds the scaler to.
   * @default 3 × the sync timeout
   */
  readonly wakeBoundMs?: number;
}

export interface ScenarioRun {
  readonly world: World;
  readonly invariants: Invariants;
  /** The first invariant violation, if any (the run stops there). */
  readonly violation?: string;
  /** Scaler decisions and world happenings, as an operator reads them. */
  timeline(): string;
}

/** Runs a scenario in a fresh world and returns it, stopped at the first invariant violation. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioRun> {
  const world = new World({ seed: 1, start: T0, ...options });
  const notes: Array<{ at: number; text: string }> = [];
  const at = (offsetMs: number, what: string, fn: () => void) => world.sim.at(T0 + offsetMs, () => {
    notes.push({ at: world.sim.t, text: what });
    fn();
  });
  options.script?.(world, at);
  // The bound the invariant holds the scaler to: its own setting, or the issue's default of three sync timeouts.
  const invariants = new Invariants(world, options.wakeBoundMs ?? world.config.wakeBoundMs ?? 3 * world.config.syncTimeoutMs);
  let violation: string | undefined;
  // Code under test that draws its own jitter (the Admin API client's retry backoff) draws from the seed too.
  const random = Math.random;
  Math.random = world.sim.random;
  try {
    await world.run(T0 + options.durationMs, invariants.check);
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    violation = error.message;
  } finally {
    Math.random = random;
  }
  const failures = () => world.lambdaFailures.map((f) => ({ at: f.at, text: `Lambda: ${f.invocation} ${f.error} (retried by Lambda when it was an async event)` }));
  return { world, invariants, violation, timeline: () => timeline(world.logs, [...notes, ...failures()]) };
}

/**
 * The log as a timeline: time since T0, decision, phase, reason, actions,
 * metrics; world happenings marked `>>`. A run of quiet lines (the same
 * decision, no action, no metric but ControlPlaneRunning) shows once, with how
 * long it lasted.
 */
export function timeline(logs: readonly LogLine[], notes: ReadonlyArray<{ at: number; text: string }> = []): string {
  const clock = (ms: number) => {
    const t = Math.max(0, ms - T0);
    return `+${String(Math.floor(t / 60_000)).padStart(2, '0')}:${String(Math.floor((t % 60_000) / 1000)).padStart(2, '0')}`;
  };
  const metricNames = ['Wakes', 'WakeToRunning', 'WakeToSynced', 'CooldownExtensions', 'Stops', 'SyncTimeouts', 'StopDeferredFor', 'NeverHealthy', 'Failures'];
  const quiet = (l: LogLine) => ['cooldown', 'idle', 'waiting', 'observe', 'stop-deferred'].includes(l.decision)
    && !((l.actions as string[] | undefined)?.length) && !metricNames.some((m) => m !== 'StopDeferredFor' && m !== 'Failures' && l[m] !== undefined);
  const entries: Array<{ at: number; line?: LogLine; note?: string }> = [
    ...logs.filter((l) => l.decision !== 'observe').map((l) => ({ at: Date.parse(l.time), line: l })),
    ...notes.map((n) => ({ at: n.at, note: n.text })),
  ].sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.note) {
      out.push(`${clock(e.at)}  >> ${e.note}`);
      continue;
    }
    const l = e.line!;
    let j = i;
    while (quiet(l) && j + 1 < entries.length && entries[j + 1].line?.decision === l.decision && quiet(entries[j + 1].line!) && entries[j + 1].line!.reason.replace(/\d+(\.\d+)? s/g, '') === l.reason.replace(/\d+(\.\d+)? s/g, '')) j++;
    const metrics = metricNames.filter((m) => l[m] !== undefined).map((m) => `${m}=${l[m]}`).join(' ');
    const actions = Array.isArray(l.actions) && l.actions.length > 0 ? ` [${(l.actions as string[]).join(', ')}]` : '';
    const run = j > i ? `  (×${j - i + 1} until ${clock(entries[j].at)})` : '';
    out.push(`${clock(e.at)}  ${l.decision.padEnd(18)} ${String(l.phase ?? '').padEnd(8)} ${l.reason}${actions}${metrics ? `  {${metrics}}` : ''}${run}`);
    i = j;
  }
  return out.join('\n');
}

/** Keeps a scenario's timeline for the record (test-reports/scenarios/<name>.txt). */
export function record(name: string, run: ScenarioRun): void {
  const dir = path.join(__dirname, '..', '..', 'test-reports', 'scenarios');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.txt`), `${run.violation ? `VIOLATION: ${run.violation}\n\n` : ''}${run.timeline()}\n`);
}
