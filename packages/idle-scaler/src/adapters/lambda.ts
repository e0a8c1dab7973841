import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FallbackExporter } from '../ports';

/**
 * The fallback configuration's exporter, another Lambda function, invoked
 * asynchronously (`InvocationType: Event`): the scaler does not wait for an
 * export (reading a large configuration takes seconds), and Lambda retries a
 * failed one twice (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
 * The payload names the configuration hash the data planes agreed on.
 */
export class LambdaFallbackExporter implements FallbackExporter {
  constructor(private readonly lambda: Pick<LambdaClient, 'send'>, private readonly functionName: string) {}

  public async requestExport(configHash: string): Promise<void> {
    await this.lambda.send(new InvokeCommand({
      FunctionName: this.functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify({ action: 'export', configHash })),
    }));
  }
}
