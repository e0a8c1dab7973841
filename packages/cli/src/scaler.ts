import type { HandlerResult, InvocationResult, StatusReport } from '@kong-hybrid/idle-scaler';
import type { Context } from './context';
import { CliError } from './errors';
import { required, type Deployment } from './stack';

export type { InvocationResult, StatusReport };

/** What the CLI asks the idle scaler (packages/idle-scaler/src/events.ts, operator actions). */
export type ScalerRequest = { readonly action: 'wake'; readonly reason: string } | { readonly action: 'sleep' } | { readonly action: 'status' };

/**
 * Invokes the idle scaler function. `RequestResponse` waits for its answer
 * (a wake polls until the data planes are in sync, at most its sync
 * timeout); `Event` queues the request and returns at once.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export async function invokeScaler(ctx: Context, deployment: Deployment, request: ScalerRequest, type: 'RequestResponse' | 'Event' = 'RequestResponse', signal?: AbortSignal): Promise<HandlerResult | undefined> {
  const functionName = required(deployment, 'idleScalerFunctionName', `kong-hybrid ${request.action}`);
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  // A wake may poll for minutes: no request timeout of our own (the function's timeout bounds it).
  const client = new LambdaClient({ ...ctx.aws, maxAttempts: 1 });
  try {
    const answer = await ctx.call(`Lambda Invoke (${functionName}, ${request.action})`, () => client.send(new InvokeCommand({
      FunctionName: functionName,
      InvocationType: type,
      Payload: new TextEncoder().encode(JSON.stringify(request)),
    }), signal ? { abortSignal: signal } : {}));
    if (type === 'Event') return undefined;
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
    if (answer.FunctionError) {
      let detail = text;
      try {
        const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        detail = `${body.errorType ?? 'Error'}: ${body.errorMessage ?? text}`;
      } catch {
        // not JSON: keep the text
      }
      throw new CliError(`The idle scaler (${functionName}) failed: ${detail}`, ['Its log group (/aws/lambda/<function>) says more; the next scheduled look tries again.']);
    }
    try {
      return JSON.parse(text) as HandlerResult;
    } catch {
      throw new CliError(`The idle scaler (${functionName}) answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  } finally {
    client.destroy();
  }
}

/** `{"action":"status"}`: the scaler's state and a fresh look at the world. */
export async function scalerStatus(ctx: Context, deployment: Deployment): Promise<StatusReport> {
  const answer = await invokeScaler(ctx, deployment, { action: 'status' });
  if (!answer || answer.kind !== 'status') throw new CliError(`The idle scaler answered the status request with ${JSON.stringify(answer).slice(0, 200)}: is it an older version?`);
  return answer;
}

/** `{"action":"wake"}` or `{"action":"sleep"}`, waiting for the decision. */
export async function scalerDecision(ctx: Context, deployment: Deployment, request: Exclude<ScalerRequest, { action: 'status' }>, signal?: AbortSignal): Promise<InvocationResult> {
  const answer = await invokeScaler(ctx, deployment, request, 'RequestResponse', signal);
  if (!answer || answer.kind !== 'decision') throw new CliError(`The idle scaler answered ${request.action} with ${JSON.stringify(answer).slice(0, 200)}`);
  return answer;
}
