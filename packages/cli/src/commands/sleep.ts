import type { Context } from '../context';
import { CliError } from '../errors';
import { scalerDecision, scalerStatus } from '../scaler';
import { readDeployment, required } from '../stack';

/** What `sleep --json` prints (schemas/sleep.schema.json). */
export interface SleepDocument {
  readonly schema: 'kong-hybrid/sleep/v1';
  readonly stack: string;
  /** `stopped`: the control plane was stopped (or already was); `refused`: it stays up, for `blockers`. */
  readonly outcome: 'stopped' | 'refused';
  readonly decision: string;
  readonly reason: string;
  readonly blockers: readonly string[];
}

/** Exit status of a sleep the idle scaler refused (the control plane stays up). */
export const SLEEP_REFUSED_EXIT = 3;

/**
 * Asks the idle scaler to stop the control plane now, skipping the rest of
 * the cooldown but not its checks (two clean looks on one configuration).
 */
export async function sleep(ctx: Context, options: { json: boolean }): Promise<number> {
  const deployment = await readDeployment(ctx);
  required(deployment, 'idleScalerFunctionName', 'kong-hybrid sleep');
  const answer = await scalerDecision(ctx, deployment, { action: 'sleep' });
  const stopped = answer.decision === 'stopped' || answer.decision === 'already-idle' || answer.phase === 'idle';
  let blockers: string[] = [];
  if (!stopped) {
    try {
      blockers = [...(await scalerStatus(ctx, deployment)).stopBlockers];
    } catch (error) {
      blockers = [`(the status could not be read: ${(error as Error).message})`];
    }
  }
  const doc: SleepDocument = { schema: 'kong-hybrid/sleep/v1', stack: deployment.stackName, outcome: stopped ? 'stopped' : 'refused', decision: answer.decision, reason: answer.reason, blockers };
  if (options.json) {
    ctx.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return stopped ? 0 : SLEEP_REFUSED_EXIT;
  }
  if (stopped) {
    ctx.io.stdout.write(`${ctx.out.green('Stopped')}: ${answer.reason}\n`);
    return 0;
  }
  throw new CliError(`The control plane stays up (${answer.decision}): ${answer.reason}`, [
    ...(blockers.length > 0 ? [`What blocks a stop: ${blockers.join('; ')}`] : []),
    'Try again once that is resolved; the idle scaler stops it by itself after the cooldown.',
  ], SLEEP_REFUSED_EXIT);
}
