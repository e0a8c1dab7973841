/**
 * The CloudFormation custom-resource protocol for a Lambda that is its own
 * service token (no provider framework): run the handler, then PUT the result
 * to the pre-signed ResponseURL; answer FAILED on an error or shortly before
 * the Lambda would time out, so that a stack never hangs for an hour.
 *
 * Shared by every handler bundled into this library's assets (see
 * `CDK_LAMBDA_HANDLERS` in projenrc/cdk.ts).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** What a handler returns: never put a secret in `data` (CloudFormation shows it in events). */
export interface CustomResourceResult {
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
}

export type CustomResourceHandler = (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResult>;

export interface ResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: boolean;
  readonly Data?: Record<string, string>;
}

/** One JSON log line; callers pass only non-secret fields. */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

/** PUTs the response with an empty Content-Type, as the pre-signed URL expects. */
export async function sendResponse(responseUrl: string, body: ResponseBody): Promise<void> {
  const payload = JSON.stringify(body);
  const url = new URL(responseUrl);
  const transport = url.protocol === 'http:' ? http : https;
  await new Promise<void>((resolve, reject) => {
    const req = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`response PUT answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Wraps a handler into a Lambda entry point that always answers CloudFormation. */
export function customResource(handler: CustomResourceHandler, name: string) {
  return async (event: CloudFormationCustomResourceEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ResponseBody> => {
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: false,
    };
    // A failed Create has no physical id yet: reuse the request id so that the
    // Delete that follows is recognisable.
    const fallbackId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : `${name}-${event.RequestId}`;

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ResponseBody>((resolve) => {
      const remaining = context?.getRemainingTimeInMillis?.();
      if (remaining === undefined) return;
      timer = setTimeout(() => resolve({ ...base, Status: 'FAILED', Reason: `${name}: timed out`, PhysicalResourceId: fallbackId }), Math.max(remaining - 5_000, 0));
    });

    const work = handler(event).then(
      (result): ResponseBody => ({ ...base, Status: 'SUCCESS', Reason: 'OK', PhysicalResourceId: result.physicalResourceId, Data: result.data }),
      (error: unknown): ResponseBody => {
        const message = error instanceof Error ? error.message : String(error);
        log({ handler: name, requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, outcome: 'failed', error: message });
        return { ...base, Status: 'FAILED', Reason: `${name}: ${message}`.slice(0, 3500), PhysicalResourceId: fallbackId };
      },
    );

    const body = await Promise.race([work, deadline]);
    if (timer) clearTimeout(timer);
    await sendResponse(event.ResponseURL, body);
    return body;
  };
}
