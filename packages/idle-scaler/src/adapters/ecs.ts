import {
  DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, UpdateServiceCommand, type ECSClient, type Service, type Task,
} from '@aws-sdk/client-ecs';
import type { DataPlaneServiceReading, ServiceCounts } from '../core';
import type { ServicesPort, ServicesReading } from '../ports';
import type { DataPlaneTask } from '../sync';

/** Where the Kong services run. Both must be in the same cluster (one DescribeServices call reads both). */
export interface EcsServicesLocation {
  /** ARN or name of the ECS cluster. */
  readonly cluster: string;
  /** Name or ARN of the control plane's service. */
  readonly controlPlaneService: string;
  /** Name or ARN of the data plane's service. */
  readonly dataPlaneService: string;
}

/** DescribeTasks takes at most 100 tasks (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html). */
const DESCRIBE_TASKS_MAX = 100;

/** The CP and DP ECS services through the ECS API. */
export class EcsServices implements ServicesPort {
  /** @param ecs any client that sends ECS commands (the SDK's, or a test's) */
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

  /**
   * The DP service's tasks that ECS wants running (ListTasks with
   * `serviceName` and `desiredStatus: RUNNING`, every page; DescribeTasks by
   * 100), with their state, private IP and times. Tasks of other groups are
   * dropped (belt and braces: ListTasks filters by service already).
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
   */
  public async listDataPlaneTasks(): Promise<DataPlaneTask[]> {
    const { cluster, dataPlaneService } = this.where;
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.ecs.send(new ListTasksCommand({ cluster, serviceName: lastSegment(dataPlaneService), desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) }));
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const tasks: Array<DataPlaneTask & { group?: string }> = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_MAX) {
      tasks.push(...(await this.describe(arns.slice(i, i + DESCRIBE_TASKS_MAX))));
    }
    const group = `service:${lastSegment(dataPlaneService)}`;
    return tasks.filter((t) => t.group === undefined || t.group === group).map(({ group: _, ...task }) => task);
  }

  /** One task's current state; undefined when ECS no longer knows it (stopped tasks are kept about an hour). */
  public async describeTask(taskArn: string): Promise<DataPlaneTask | undefined> {
    const [task] = await this.describe([taskArn]);
    if (!task) return undefined;
    const { group: _, ...rest } = task;
    return rest;
  }

  public async setControlPlaneDesiredCount(count: number): Promise<void> {
    await this.ecs.send(new UpdateServiceCommand({ cluster: this.where.cluster, service: this.where.controlPlaneService, desiredCount: count }));
  }

  private async describe(taskArns: string[]): Promise<Array<DataPlaneTask & { group?: string }>> {
    if (taskArns.length === 0) return [];
    // Tasks that stopped and were forgotten between ListTasks and DescribeTasks come back as failures (MISSING): gone.
    const out = await this.ecs.send(new DescribeTasksCommand({ cluster: this.where.cluster, tasks: taskArns }));
    return (out.tasks ?? []).map(toDataPlaneTask);
  }
}

function toDataPlaneTask(task: Task): DataPlaneTask & { group?: string } {
  const ip = eniAddress(task) ?? task.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address;
  return {
    arn: task.taskArn ?? '',
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    desiredStatus: task.desiredStatus ?? 'UNKNOWN',
    ...(ip ? { ip } : {}),
    ...(task.createdAt ? { createdAt: task.createdAt.getTime() } : {}),
    ...(task.startedAt ? { startedAt: task.startedAt.getTime() } : {}),
    ...(task.group ? { group: task.group } : {}),
  };
}

/**
 * The private IPv4 address of the task's elastic network interface (awsvpc,
 * as Fargate requires): its attachment's `privateIPv4Address` detail, as in
 * the task state change event example of
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
function eniAddress(task: Task): string | undefined {
  const eni = task.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  return eni?.details?.find((d) => d.name === 'privateIPv4Address')?.value;
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
