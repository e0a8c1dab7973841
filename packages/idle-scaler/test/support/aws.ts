import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand, CreateServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, UpdateServiceCommand, type ECSClient,
} from '@aws-sdk/client-ecs';
import { CreateDBClusterCommand, StopDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import { STATE_TABLE_KEY } from '../../src/adapters/dynamodb';

/** The Kong services of one test, in a cluster of their own. */
export interface KongServices {
  readonly cluster: string;
  readonly controlPlaneService: string;
  readonly dataPlaneService: string;
  /** Where DP tasks run (awsvpc): each gets a network interface and a private IP there. */
  readonly network: Network;
}

/** A subnet and a security group in moto's EC2. */
export interface Network {
  readonly subnetId: string;
  readonly securityGroupId: string;
}

/**
 * A VPC (with DNS hostnames, which moto needs to name a task's network
 * interface), a subnet and a security group, through EC2's Query API (this
 * workspace has no EC2 client; moto does not check signatures).
 */
export async function givenNetwork(endpoint: string): Promise<Network> {
  const call = async (params: Record<string, string>): Promise<string> => {
    const res = await fetch(`${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'authorization': 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ Version: '2016-11-15', ...params }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`EC2 ${params.Action}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';
  const vpcId = tag(await call({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  await call({ Action: 'ModifyVpcAttribute', VpcId: vpcId, 'EnableDnsHostnames.Value': 'true' });
  const subnetId = tag(await call({ Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.0.3.0/24' }), 'subnetId');
  const securityGroupId = tag(await call({ Action: 'CreateSecurityGroup', VpcId: vpcId, GroupName: unique('kong-dp'), GroupDescription: 'Kong data plane' }), 'groupId');
  return { subnetId, securityGroupId };
}

let counter = 0;
/** A name no other test in this moto server uses. */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

/**
 * Creates a cluster with a Kong CP and a DP service. moto reports a service
 * created with desired count N as N pending and its deployment in progress,
 * and makes tasks run at once on UpdateService: create with 0, then update.
 */
export async function givenKongServices(ecs: ECSClient, options: { controlPlane?: number; dataPlane?: number; dataPlaneCreatedWith?: number; endpoint?: string } = {}): Promise<KongServices> {
  const network = await givenNetwork(options.endpoint ?? (await endpointOf(ecs)));
  const cluster = unique('kong');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  for (const family of ['kong-cp', 'kong-dp']) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      // moto needs the container's own cpu and memory to run a task.
      containerDefinitions: [{ name: 'kong', image: 'kong:3.9.3', essential: true, cpu: 512, memory: 1024 }],
    }));
  }
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'kong-cp', taskDefinition: 'kong-cp', desiredCount: 0 }));
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'kong-dp', taskDefinition: 'kong-dp', desiredCount: options.dataPlaneCreatedWith ?? 0 }));
  if (options.controlPlane) await ecs.send(new UpdateServiceCommand({ cluster, service: 'kong-cp', desiredCount: options.controlPlane }));
  const where = { cluster, controlPlaneService: 'kong-cp', dataPlaneService: 'kong-dp', network };
  if (options.dataPlane) await scaleDataPlaneTasks(ecs, where, options.dataPlane);
  return where;
}

/**
 * Scales the DP service to `count` and makes its tasks match: moto's services
 * launch no tasks, so they are run (RunTask, group `service:kong-dp`, each
 * with a network interface and a private IP) or stopped here, as ECS's
 * service scheduler would.
 */
export async function scaleDataPlaneTasks(ecs: ECSClient, where: KongServices, count: number): Promise<void> {
  await ecs.send(new UpdateServiceCommand({ cluster: where.cluster, service: where.dataPlaneService, desiredCount: count }));
  const tasks = await dataPlaneTasks(ecs, where);
  if (tasks.length < count) {
    await ecs.send(new RunTaskCommand({
      cluster: where.cluster,
      taskDefinition: 'kong-dp',
      launchType: 'FARGATE',
      group: `service:${where.dataPlaneService}`,
      count: count - tasks.length,
      networkConfiguration: { awsvpcConfiguration: { subnets: [where.network.subnetId], securityGroups: [where.network.securityGroupId] } },
    }));
  }
  for (const task of tasks.slice(count)) await ecs.send(new StopTaskCommand({ cluster: where.cluster, task: task.arn }));
}

/** The DP service's running tasks in moto, with their private IPs. */
export async function dataPlaneTasks(ecs: ECSClient, where: KongServices): Promise<Array<{ arn: string; id: string; ip: string }>> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: where.cluster, desiredStatus: 'RUNNING' }))).taskArns ?? [];
  if (arns.length === 0) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: where.cluster, tasks: arns }))).tasks ?? [];
  return tasks
    .filter((t) => t.group === `service:${where.dataPlaneService}` && t.desiredStatus === 'RUNNING')
    .map((t) => ({
      arn: t.taskArn!,
      id: t.taskArn!.slice(t.taskArn!.lastIndexOf('/') + 1),
      ip: t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value ?? '',
    }));
}

/** The endpoint the client was configured with (moto's). */
async function endpointOf(ecs: ECSClient): Promise<string> {
  const provider = (ecs.config as { endpoint?: unknown }).endpoint;
  const ep = (typeof provider === 'function' ? await provider() : provider) as { protocol?: string; hostname?: string; port?: number } | undefined;
  if (!ep?.hostname) throw new Error('givenKongServices needs the moto endpoint: pass options.endpoint');
  return `${ep.protocol ?? 'http:'}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}`;
}

/** An Aurora PostgreSQL cluster, stopped when asked. */
export async function givenDatabaseCluster(rds: RDSClient, options: { stopped?: boolean } = {}): Promise<string> {
  const id = unique('kong-db');
  await rds.send(new CreateDBClusterCommand({
    DBClusterIdentifier: id,
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    MasterUsername: 'kong',
    ManageMasterUserPassword: true,
    ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
  }));
  if (options.stopped) await rds.send(new StopDBClusterCommand({ DBClusterIdentifier: id }));
  return id;
}

/** The scaler's state table, as the construct creates it. */
export async function givenStateTable(ddb: DynamoDBClient): Promise<string> {
  const name = unique('idle-scaler-state');
  await ddb.send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: STATE_TABLE_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: STATE_TABLE_KEY, KeyType: 'HASH' }],
  }));
  return name;
}
