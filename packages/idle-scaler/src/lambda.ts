import { ECSClient } from '@aws-sdk/client-ecs';
import { describeControlPlane, type ControlPlaneStatus } from './control-plane';

/** An operator's request, sent by invoking the function directly. */
export interface OperatorRequest {
  readonly action: 'status';
}

const ecs = new ECSClient({});

/** The Lambda entry point. */
export async function handler(event: OperatorRequest): Promise<ControlPlaneStatus> {
  if (event?.action !== 'status') {
    throw new Error(`unsupported action ${JSON.stringify(event?.action)}: expected "status"`);
  }
  const status = await describeControlPlane(ecs, {
    cluster: requiredEnv('CLUSTER_ARN'),
    service: requiredEnv('CONTROL_PLANE_SERVICE'),
  });
  console.log(JSON.stringify({ action: event.action, ...status }));
  return status;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
