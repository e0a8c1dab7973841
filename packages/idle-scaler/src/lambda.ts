import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import type { Context } from 'aws-lambda';
import { DynamoStateStore } from './adapters/dynamodb';
import { EcsServices } from './adapters/ecs';
import { KongDataPlaneSync } from './adapters/kong';
import { LambdaFallbackExporter } from './adapters/lambda';
import { AuroraCluster } from './adapters/rds';
import { readSettings, type FunctionSettings } from './config';
import { createHandler, type Handler, type HandlerResult } from './handler';
import { systemClock } from './ports';
import type { ScalerPorts } from './scaler';

/** SDK settings of every AWS client: short timeouts, the standard retries (throttling included). */
const SDK = { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } } as const;

/** The real ports: AWS SDK clients, the Kong Admin API, the system clock, CloudWatch Logs (stdout). */
export function realPorts(settings: FunctionSettings): ScalerPorts {
  const clock = systemClock;
  // One retry, within a short deadline: the next poll is never more than 15 s away. Its wait is the Clock's.
  const admin = createKongAdminClient({ baseUrl: settings.adminApiUrl, timeoutMs: settings.adminApiTimeoutMs, retries: 1, clock });
  return {
    store: new DynamoStateStore(new DynamoDBClient(SDK), settings.stateTable, clock),
    services: new EcsServices(new ECSClient(SDK), settings),
    ...(settings.databaseCluster ? { database: new AuroraCluster(new RDSClient(SDK), settings.databaseCluster) } : {}),
    dataPlanes: new KongDataPlaneSync(admin, { staleAfterSeconds: settings.staleAfterSeconds }),
    ...(settings.exporterFunction ? { exporter: new LambdaFallbackExporter(new LambdaClient(SDK), settings.exporterFunction) } : {}),
    clock,
    log: (line) => console.log(line),
  };
}

/** `<cluster name>/<service name>`, as the construct's metrics and alarms expect. */
function lastSegment(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}

/** Built on the first invocation (not at load: a bad environment is then a clear handler error). */
let built: Handler | undefined;

function build(): Handler {
  const settings = readSettings(process.env);
  return createHandler(realPorts(settings), {
    dataPlaneService: settings.dataPlaneService,
    config: settings.config,
    metrics: { namespace: settings.metricsNamespace, dimensions: { ControlPlaneService: `${lastSegment(settings.cluster)}/${lastSegment(settings.controlPlaneService)}` } },
    reserveMs: 15_000,
  });
}

/**
 * The Lambda entry point: it only builds the real ports from the environment;
 * everything else is {@link createHandler}'s.
 */
export async function handler(event: unknown, context?: Context): Promise<HandlerResult> {
  built ??= build();
  return built(event, context);
}
