import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describeControlPlane } from '../src/control-plane';
import { startMoto, type MotoServer } from './support/moto';

let moto: MotoServer;
let ecs: ECSClient;

beforeAll(async () => {
  moto = await startMoto();
  ecs = new ECSClient(moto.clientConfig);
});
afterAll(async () => {
  ecs?.destroy();
  await moto?.stop();
});

async function givenControlPlaneService(cluster: string, desiredCount: number) {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'kong-cp',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [{ name: 'kong', image: 'kong:3.9.1', essential: true }],
  }));
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'kong-cp', taskDefinition: 'kong-cp', desiredCount }));
}

describe('describeControlPlane', () => {
  test('GIVEN a stopped control plane service WHEN described THEN its desired count is 0', async () => {
    await givenControlPlaneService('stopped', 0);

    const status = await describeControlPlane(ecs, { cluster: 'stopped', service: 'kong-cp' });

    expect(status.desiredCount).toBe(0);
    expect(status.runningCount).toBe(0);
  });

  test('GIVEN a started control plane service WHEN described THEN its desired count is 1', async () => {
    await givenControlPlaneService('started', 1);

    const status = await describeControlPlane(ecs, { cluster: 'started', service: 'kong-cp' });

    expect(status.desiredCount).toBe(1);
  });

  test('GIVEN no such service WHEN described THEN the error names the service and the cluster', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'empty' }));

    await expect(describeControlPlane(ecs, { cluster: 'empty', service: 'kong-cp' }))
      .rejects.toThrow(/control plane service kong-cp in cluster empty: MISSING/);
  });
});
