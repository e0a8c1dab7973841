import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { DataPlaneServiceReading, ServiceCounts } from '../core';
import type { ServicesPort, ServicesReading } from '../ports';

/** Where the Kong services run. Both must be in the same cluster (one DescribeServices call reads both). */
export interface EcsServicesLocation {
  /** ARN or name of the ECS cluster. */
  readonly cluster: string;
  /** Name or ARN of the control plane's service. */
  readonly controlPlaneService: string;
  /** Name or ARN of the data plane's service. */
  readonly dataPlaneService: string;
}

/** The CP and DP ECS services through the ECS API. */
export class EcsServices implements ServicesPort {
  constructor(private readonly ecs: Pick<ECSClient, 'send'>, private readonly where: EcsServicesLocation) {}

  public async read(): Promise<ServicesReading> {
    const { cluster, controlPlaneService, dataPlaneService } = this.where;
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [controlPlaneService, dataPlaneService] }));
    const find = (nameOrArn: string): Service => {
      const name = lastSegment(nameOrArn);
      const service = out.services?.find((s) => s.serviceName === name || s.serviceArn === nameOrArn);
      if (!service) {
        const failure = out.failures?.find((f) => f.arn !== undefined && lastSegment(f.arn) === name);
        throw new Error(`service ${name} in cluster ${lastSegment(cluster)}: ${failure?.reason ?? 'not returned'}`);
      }
      if (service.status !== undefined && service.status !== 'ACTIVE') {
        throw new Error(`service ${name} in cluster ${lastSegment(cluster)} is ${service.status}`);
      }
      return service;
    };
    const cp = find(controlPlaneService);
    const dp = find(dataPlaneService);
    return { controlPlane: counts(cp), dataPlane: { ...counts(dp), deploymentInProgress: deploymentInProgress(dp) } satisfies DataPlaneServiceReading };
  }

  public async setControlPlaneDesiredCount(count: number): Promise<void> {
    await this.ecs.send(new UpdateServiceCommand({ cluster: this.where.cluster, service: this.where.controlPlaneService, desiredCount: count }));
  }
}

function counts(service: Service): ServiceCounts {
  return { desired: service.desiredCount ?? 0, running: service.runningCount ?? 0, pending: service.pendingCount ?? 0 };
}

/** A rolling deployment shows as a second deployment, or as the primary one still rolling out. */
function deploymentInProgress(service: Service): boolean {
  const deployments = service.deployments ?? [];
  return deployments.length > 1 || deployments.some((d) => d.status === 'PRIMARY' && d.rolloutState === 'IN_PROGRESS');
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
