import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import type { Context } from 'aws-lambda';
import { DynamoStateStore } from './adapters/dynamodb';
import { EcsServices } from './adapters/ecs';
import { KongDataPlaneSync } from './adapters/kong';
import { AuroraCluster } from './adapters/rds';
import { readSettings, type FunctionSettings } from './config';
import { classify } from './events';
import { systemClock } from './ports';
import { Scaler, type InvocationResult, type StatusReport } from './scaler';

/** Built on the first invocation (not at load: a bad environment is then a clear handler error). */
interface App {
  readonly settings: FunctionSettings;
  readonly scaler: Scaler;
}
let app: App | undefined;

/** SDK settings of every AWS client: short timeouts, the standard retries (throttling included). */
const SDK = { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } } as const;

function init(): App {
  if (app) return app;
  const settings = readSettings(process.env);
  // One retry, within a short deadline: the next poll is never more than 15 s away.
  const admin = createKongAdminClient({ baseUrl: settings.adminApiUrl, timeoutMs: settings.adminApiTimeoutMs, retries: 1 });
  const scaler = new Scaler({
    store: new DynamoStateStore(new DynamoDBClient(SDK), settings.stateTable),
    services: new EcsServices(new ECSClient(SDK), settings),
    ...(settings.databaseCluster ? { database: new AuroraCluster(new RDSClient(SDK), settings.databaseCluster) } : {}),
    dataPlanes: new KongDataPlaneSync(admin, { staleAfterSeconds: settings.staleAfterSeconds }),
    clock: systemClock,
    log: (line) => console.log(line),
  }, {
    config: settings.config,
    // `<cluster name>/<service name>`, as the construct's metrics and alarm expect.
    metrics: { namespace: settings.metricsNamespace, dimensions: { ControlPlaneService: `${lastSegment(settings.cluster)}/${lastSegment(settings.controlPlaneService)}` } },
    reserveMs: 15_000,
  });
  app = { settings, scaler };
  return app;
}

function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

/** What the function answers: a decision, a status report, or why the event was ignored. */
export type HandlerResult = InvocationResult | StatusReport | { readonly ignored: string };

/**
 * The Lambda entry point: EventBridge events (ECS task and deployment state
 * changes of the DP, the scale-out alarm, the schedule) and operator requests
 * (`{"action":"wake"}`, `{"action":"sleep"}`, `{"action":"status"}`).
 */
export async function handler(event: unknown, context?: Context): Promise<HandlerResult> {
  const { settings, scaler } = init();
  const ctx = {
    invocationId: context?.awsRequestId ?? randomUUID(),
    remainingMs: () => context?.getRemainingTimeInMillis() ?? 60_000,
  };
  const incoming = classify(event, { dataPlaneService: settings.dataPlaneService });
  switch (incoming.kind) {
    case 'ignored':
      console.log(JSON.stringify({ time: new Date().toISOString(), decision: 'ignored', reason: incoming.reason, invocation: ctx.invocationId }));
      return { ignored: incoming.reason };
    case 'status':
      return scaler.status();
    case 'event':
      try {
        return await scaler.handle(incoming.event, ctx);
      } catch (error) {
        // The state could not be read or written: fail, so that Lambda retries the event.
        scaler.logFailure('invocation failed', error, ctx);
        throw error;
      }
  }
}
