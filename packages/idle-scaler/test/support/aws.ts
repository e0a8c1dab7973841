import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateClusterCommand, CreateServiceCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { CreateDBClusterCommand, StopDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import { STATE_TABLE_KEY } from '../../src/adapters/dynamodb';

/** The Kong services of one test, in a cluster of their own. */
export interface KongServices {
  readonly cluster: string;
  readonly controlPlaneService: string;
  readonly dataPlaneService: string;
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
export async function givenKongServices(ecs: ECSClient, options: { controlPlane?: number; dataPlane?: number; dataPlaneCreatedWith?: number } = {}): Promise<KongServices> {
  const cluster = unique('kong');
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  for (const family of ['kong-cp', 'kong-dp']) {
    await ecs.send(new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [{ name: 'kong', image: 'kong:3.9.1', essential: true }],
    }));
  }
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'kong-cp', taskDefinition: 'kong-cp', desiredCount: 0 }));
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'kong-dp', taskDefinition: 'kong-dp', desiredCount: options.dataPlaneCreatedWith ?? 0 }));
  if (options.controlPlane) await ecs.send(new UpdateServiceCommand({ cluster, service: 'kong-cp', desiredCount: options.controlPlane }));
  if (options.dataPlane) await ecs.send(new UpdateServiceCommand({ cluster, service: 'kong-dp', desiredCount: options.dataPlane }));
  return { cluster, controlPlaneService: 'kong-cp', dataPlaneService: 'kong-dp' };
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
