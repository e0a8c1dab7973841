import type { Context } from '../context';
import { CliError, describe } from '../errors';
import { clock, duration, wrap } from '../format';
import { widthOf } from '../io';
import { createProgress } from '../progress';
import { scalerDecision, scalerStatus, invokeScaler, type InvocationResult, type StatusReport } from '../scaler';
import { readDeployment, required, type Deployment } from '../stack';
import { wakeProgress } from '../wake-stages';

export interface WakeOptions {
  readonly wait: boolean;
  /** How long `--wait` waits, in milliseconds. */
  readonly timeoutMs: number;
  readonly reason: string;
  readonly json: boolean;
}

/** How often `wake --wait` asks the idle scaler where things stand. */
export const WAKE_POLL_MS = 2_000;

/** What `wake --json` prints (schemas/wake.schema.json). */
export interface WakeDocument {
  readonly schema: 'kong-hybrid/wake/v1';
  readonly stack: string;
  /** `requested`: queued without waiting; `in-sync`: every data plane runs the control plane's configuration. */
  readonly outcome: 'requested' | 'in-sync';
  readonly waitedMs: number | null;
  readonly cooldownUntil: string | null;
  readonly configHash: string | null;
  readonly dataPlanes: number | null;
}

export async function wake(ctx: Context, options: WakeOptions): Promise<number> {
  const deployment = await readDeployment(ctx);
  required(deployment, 'idleScalerFunctionName', 'kong-hybrid wake');
  if (!options.wait) {
    await invokeScaler(ctx, deployment, { action: 'wake', reason: options.reason }, 'Event');
    if (options.json) {
      writeJson(ctx, { schema: 'kong-hybrid/wake/v1', stack: deployment.stackName, outcome: 'requested', waitedMs: null, cooldownUntil: null, configHash: null, dataPlanes: null });
    } else {
      ctx.io.stdout.write(`Wake requested from the idle scaler of ${deployment.stackName}. Follow it with: kong-hybrid wake --wait (or kong-hybrid status)\n`);
    }
    return 0;
  }
  const report = await waitForSync(ctx, deployment, options);
  const left = report.cooldownLeftMs ?? 0;
  const synced = report.dataPlanes?.filter((d) => d.state === 'on-cp-config').length ?? 0;
  if (options.json) {
    writeJson(ctx, {
      schema: 'kong-hybrid/wake/v1', stack: deployment.stackName, outcome: 'in-sync', waitedMs: report.waitedMs,
      cooldownUntil: report.cooldownUntil ?? null, configHash: report.controlPlaneConfigHash ?? null, dataPlanes: synced,
    });
  } else {
    const c = ctx.out;
    const width = widthOf(ctx.io.stdout);
    const lines = [
      `${c.green('In sync')}: ${synced} data plane${synced === 1 ? '' : 's'} on the control plane's configuration (${report.controlPlaneConfigHash?.slice(0, 8) ?? '?'}) after ${duration(report.waitedMs)}.`,
      `The control plane stays up until ${report.cooldownUntil ? clock(report.cooldownUntil) : '?'} (cooldown: ${duration(left)} left); a wake, a data plane start or a config change extends it.`,
    ];
    ctx.io.stdout.write(`${lines.flatMap((l) => wrap(l, width, '')).join('\n')}\n`);
  }
  return 0;
}

/**
 * Asks for a wake and follows it: the wake invocation (which returns once the
 * data planes are in sync, or at the scaler's sync timeout) runs while the
 * scaler's status is read every {@link WAKE_POLL_MS} for the live progress.
 */
export async function waitForSync(ctx: Context, deployment: Deployment, options: Pick<WakeOptions, 'timeoutMs' | 'reason'>): Promise<StatusReport & { waitedMs: number }> {
  const started = Date.now();
  const progress = await createProgress(ctx.io, ctx.options.color);
  const abort = new AbortController();
  let decided: InvocationResult | undefined;
  let failure: unknown;
  let wakeUp: () => void = () => undefined;
  const invocation = scalerDecision(ctx, deployment, { action: 'wake', reason: options.reason }, abort.signal)
    .then((r) => { decided = r; }, (e) => { failure = e; })
    .finally(() => wakeUp());
  progress.active(`asking the idle scaler of ${deployment.stackName} to wake the control plane`);
  const shown = new Set<string>();
  try {
    for (;;) {
      let report: StatusReport | undefined;
      try {
        report = await scalerStatus(ctx, deployment);
      } catch (error) {
        progress.active(`could not read the status (${describe(error)}); trying again`);
      }
      if (failure) throw failure;
      if (report) {
        const now = Date.now();
        const { stages, synced } = wakeProgress(report);
        for (const stage of stages) {
          if (stage.done && !shown.has(stage.key)) {
            shown.add(stage.key);
            progress.done(stage.text);
          }
        }
        const next = stages.find((s) => !s.done);
        if (synced && !next) return { ...report, waitedMs: now - started };
        if (next) progress.active(next.text);
        if (decided && decided.decision === 'sync-timeout') {
          throw new CliError(`The idle scaler gave up waiting for the data planes: ${decided.reason}`, [
            `Not in sync: ${report.syncGaps.join('; ') || 'see kong-hybrid status'}`,
            'The control plane stays up for its cooldown; kong-hybrid status shows each data plane.',
          ]);
        }
        if (decided && report.phase === 'idle') {
          throw new CliError(`The control plane is not up: ${report.lastDecisions[0]?.reason ?? decided.reason}`, ['kong-hybrid status shows what the idle scaler saw.']);
        }
      }
      if (Date.now() - started >= options.timeoutMs) {
        throw new CliError(`Not in sync after ${duration(options.timeoutMs)}${report ? `: ${report.syncGaps.join('; ')}` : ''}.`, [
          'The wake goes on without this command: kong-hybrid status shows where it stands (--timeout waits longer).',
        ]);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, WAKE_POLL_MS);
        wakeUp = () => { clearTimeout(timer); resolve(); };
      });
    }
  } catch (error) {
    progress.failed(error instanceof CliError ? error.message : describe(error));
    throw error;
  } finally {
    progress.close();
    // The wake invocation goes on in Lambda; this process stops listening for its answer.
    abort.abort();
    await invocation;
  }
}

function writeJson(ctx: Context, doc: WakeDocument): void {
  ctx.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
