import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';

/** Where the Kong control plane runs. */
export interface ControlPlaneLocation {
  /** ARN or name of the ECS cluster. */
  readonly cluster: string;
  /** Name or ARN of the control plane's ECS service. */
  readonly service: string;
}

/** What ECS says about the control plane service. */
export interface ControlPlaneStatus {
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
}

/** Reads the control plane service's task counts from ECS. */
export async function describeControlPlane(ecs: ECSClient, where: ControlPlaneLocation): Promise<ControlPlaneStatus> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: where.cluster, services: [where.service] }));
  const service = out.services?.[0];
  if (!service) {
    const reason = out.failures?.[0]?.reason ?? 'not returned';
    throw new Error(`control plane service ${where.service} in cluster ${where.cluster}: ${reason}`);
  }
  return {
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    pendingCount: service.pendingCount ?? 0,
  };
}
