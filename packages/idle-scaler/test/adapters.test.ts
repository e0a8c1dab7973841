import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { DynamoStateStore, STATE_TABLE_KEY } from '../src/adapters/dynamodb';
import { EcsServices } from '../src/adapters/ecs';
import { LambdaFallbackExporter } from '../src/adapters/lambda';
import { AuroraCluster } from '../src/adapters/rds';
import { INITIAL_STATE, type ScalerState } from '../src/core';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable, scaleDataPlaneTasks } from './support/aws';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startMoto, type MotoServer } from './support/moto';

let moto: MotoServer;
let proxy: FaultProxy;
let ecs: ECSClient;
let throttledEcs: ECSClient;
let rds: RDSClient;
let ddb: DynamoDBClient;
/** A fixed clock: `updatedAt` comes from it. */
const clock = { now: () => Date.UTC(2026, 0, 1, 9), sleep: async () => {} };

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  ecs = new ECSClient(moto.clientConfig);
  throttledEcs = new ECSClient({ ...moto.clientConfig, endpoint: proxy.endpoint, maxAttempts: 3 });
  rds = new RDSClient(moto.clientConfig);
  ddb = new DynamoDBClient(moto.clientConfig);
});
afterAll(async () => {
  for (const client of [ecs, throttledEcs, rds, ddb]) client?.destroy();
  await proxy?.stop();
  await moto?.stop();
});

describe('EcsServices', () => {
  test('GIVEN a stopped CP and a DP of two tasks WHEN read THEN both services\' counts come back from one call', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 2 });

    const reading = await new EcsServices(ecs, where).read();

    expect(reading.controlPlane).toEqual({ desired: 0, running: 0, pending: 0 });
    expect(reading.dataPlane).toEqual({ desired: 2, running: 2, pending: 0, deploymentInProgress: false });
  });

  test('GIVEN a DP whose tasks are still starting WHEN read THEN they show as pending and rolling out', async () => {
    const where = await givenKongServices(ecs, { dataPlaneCreatedWith: 2 });

    const reading = await new EcsServices(ecs, where).read();

    expect(reading.dataPlane).toEqual({ desired: 2, running: 0, pending: 2, deploymentInProgress: true });
  });

  test('GIVEN a stopped CP WHEN its desired count is set to 1 THEN ECS runs it', async () => {
    const where = await givenKongServices(ecs);
    const services = new EcsServices(ecs, where);

    await services.setControlPlaneDesiredCount(1);

    expect((await services.read()).controlPlane).toEqual({ desired: 1, running: 1, pending: 0 });
  });

  test('GIVEN two DP tasks running WHEN listed THEN each comes back RUNNING with its private IP (the network interface\'s privateIPv4Address)', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 2 });
    const expected = await dataPlaneTasks(ecs, where);

    const tasks = await new EcsServices(ecs, where).listDataPlaneTasks();

    expect(tasks.map((t) => t.arn).sort()).toEqual(expected.map((t) => t.arn).sort());
    expect(tasks.every((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING' && /^10\.\d+\.\d+\.\d+$/.test(t.ip ?? ''))).toBe(true);
    expect(new Set(tasks.map((t) => t.ip)).size).toBe(2);
  });

  test('GIVEN a task of another service in the cluster WHEN the DP tasks are listed THEN it is not among them', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 1 });
    await ecs.send(new RunTaskCommand({ cluster: where.cluster, taskDefinition: 'kong-cp', launchType: 'FARGATE', group: 'service:kong-cp', networkConfiguration: { awsvpcConfiguration: { subnets: [where.network.subnetId], securityGroups: [where.network.securityGroupId] } } }));

    const tasks = await new EcsServices(ecs, where).listDataPlaneTasks();

    expect(tasks).toHaveLength(1);
  });

  test('GIVEN a stopped DP task WHEN described THEN it says STOPPED; an unknown one is undefined', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 1 });
    const [task] = await dataPlaneTasks(ecs, where);
    await scaleDataPlaneTasks(ecs, where, 0);
    const services = new EcsServices(ecs, where);

    await expect(services.describeTask(task.arn)).resolves.toMatchObject({ arn: task.arn, desiredStatus: 'STOPPED' });
    await expect(services.listDataPlaneTasks()).resolves.toEqual([]);
    await expect(services.describeTask(`arn:aws:ecs:us-east-1:123456789012:task/${where.cluster}/0123456789abcdef0123456789abcdef`)).resolves.toBeUndefined();
  });

  test('GIVEN a cluster without the DP service WHEN read THEN the error names the service and the cluster', async () => {
    const where = await givenKongServices(ecs);

    await expect(new EcsServices(ecs, { ...where, dataPlaneService: 'kong-dp-missing' }).read())
      .rejects.toThrow(`service kong-dp-missing in cluster ${where.cluster}: MISSING`);
  });

  test('GIVEN ECS throttles twice WHEN read THEN the SDK retries and the read succeeds', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 1 });
    proxy.throttle('DescribeServices', 2);
    const before = proxy.throttled;

    const reading = await new EcsServices(throttledEcs, where).read();

    expect(proxy.throttled - before).toBe(2);
    expect(reading.dataPlane.running).toBe(1);
  });

  test('GIVEN ECS keeps throttling WHEN read THEN it fails with ThrottlingException', async () => {
    const where = await givenKongServices(ecs, { dataPlane: 1 });
    proxy.throttle('DescribeServices', 10);

    await expect(new EcsServices(throttledEcs, where).read()).rejects.toMatchObject({ name: 'ThrottlingException' });
    proxy.throttle('DescribeServices', 0);
  });
});

describe('AuroraCluster', () => {
  test('GIVEN an available cluster WHEN its status is read THEN it is available', async () => {
    const id = await givenDatabaseCluster(rds);

    await expect(new AuroraCluster(rds, id).status()).resolves.toBe('available');
  });

  test('GIVEN a stopped cluster WHEN started THEN it becomes available', async () => {
    const id = await givenDatabaseCluster(rds, { stopped: true });
    const db = new AuroraCluster(rds, id);
    expect(await db.status()).toBe('stopped');

    await db.start();

    expect(await db.status()).toBe('available');
  });

  test('GIVEN an available cluster WHEN started again THEN nothing fails (another invocation was first)', async () => {
    const id = await givenDatabaseCluster(rds);

    await expect(new AuroraCluster(rds, id).start()).resolves.toBeUndefined();
  });

  test('GIVEN no such cluster WHEN its status is read THEN the error says so', async () => {
    await expect(new AuroraCluster(rds, 'no-such-cluster').status()).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
  });
});

describe('DynamoStateStore', () => {
  const waking: ScalerState = { phase: 'waking', wokeAt: 1_000, wakeReason: 'dp-task-starting: task/1', seen: { 'task:task/1': { version: 1, at: 1_000 } } };

  test('GIVEN an empty table WHEN loaded THEN the state is the initial one, version 0', async () => {
    const store = new DynamoStateStore(ddb, await givenStateTable(ddb), clock);

    await expect(store.load()).resolves.toEqual({ state: INITIAL_STATE, version: 0 });
  });

  test('GIVEN a saved state WHEN loaded THEN it comes back with the next version and the lease', async () => {
    const store = new DynamoStateStore(ddb, await givenStateTable(ddb), clock);

    expect(await store.save(waking, 0, { owner: 'req-1', until: 5_000 })).toBe(true);

    await expect(store.load()).resolves.toEqual({ state: waking, version: 1, lease: { owner: 'req-1', until: 5_000 } });
  });

  test('GIVEN a clock WHEN a state is saved THEN its updatedAt is the clock\'s time, not the machine\'s', async () => {
    const table = await givenStateTable(ddb);

    await new DynamoStateStore(ddb, table, clock).save(waking, 0, undefined);

    const item = await ddb.send(new GetItemCommand({ TableName: table, Key: { [STATE_TABLE_KEY]: { S: 'idle-scaler' } } }));
    expect(item.Item?.updatedAt).toEqual({ S: new Date(clock.now()).toISOString() });
  });

  test('GIVEN a decision history WHEN saved with the state THEN it comes back with it; a malformed one is left out', async () => {
    const table = await givenStateTable(ddb);
    const store = new DynamoStateStore(ddb, table, clock);
    const history = [{ at: '2026-01-01T09:00:00.000Z', decision: 'wake' as const, phase: 'waking' as const, reason: 'dp-task-starting: task/1' }];

    await store.save(waking, 0, undefined, history);
    expect((await store.load()).history).toEqual(history);

    await ddb.send(new PutItemCommand({ TableName: table, Item: { [STATE_TABLE_KEY]: { S: 'idle-scaler' }, version: { N: '2' }, state: { S: JSON.stringify(waking) }, history: { S: 'not json' } } }));
    const loaded = await store.load();
    expect(loaded.history).toBeUndefined();
    expect(loaded.state).toEqual(waking);
  });

  test('GIVEN a state changed by another invocation WHEN saved with the old version THEN nothing is written', async () => {
    const store = new DynamoStateStore(ddb, await givenStateTable(ddb), clock);
    await store.save(waking, 0, undefined);
    await store.save({ ...waking, wakeReason: 'second' }, 1, undefined);

    expect(await store.save({ ...waking, wakeReason: 'stale' }, 1, undefined)).toBe(false);

    const loaded = await store.load();
    expect(loaded.version).toBe(2);
    expect(loaded.state.wakeReason).toBe('second');
  });

  test('GIVEN ten writers of the same version WHEN they save at once THEN exactly one wins', async () => {
    const store = new DynamoStateStore(ddb, await givenStateTable(ddb), clock);
    await store.save(INITIAL_STATE, 0, undefined);

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.save({ ...waking, wakeReason: `writer ${i}` }, 1, undefined)));

    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await store.load()).state.wakeReason).toBe(`writer ${winner}`);
  });

  test('GIVEN a malformed stored state WHEN loaded THEN the initial state stands in and says why', async () => {
    const table = await givenStateTable(ddb);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { [STATE_TABLE_KEY]: { S: 'idle-scaler' }, version: { N: '7' }, state: { S: '{"phase":"napping"}' } } }));

    const loaded = await new DynamoStateStore(ddb, table, clock).load();

    expect(loaded.state).toEqual(INITIAL_STATE);
    expect(loaded.version).toBe(7);
    expect(loaded.invalid).toContain('phase "napping"');
  });
});

describe('LambdaFallbackExporter', () => {
  /** A Lambda client to moto (its simple Lambda backend answers invocations without running them) that records each request it sends. */
  async function recordingClient(): Promise<{ lambda: LambdaClient; sent: Array<{ path: string; headers: Record<string, string>; body: string }> }> {
    await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: false } }) });
    const lambda = new LambdaClient(moto.clientConfig);
    const sent: Array<{ path: string; headers: Record<string, string>; body: string }> = [];
    lambda.middlewareStack.add((next) => async (args) => {
      const request = args.request as { path: string; headers: Record<string, string>; body: Uint8Array };
      sent.push({ path: request.path, headers: request.headers, body: new TextDecoder().decode(request.body) });
      return next(args);
    }, { step: 'finalizeRequest', name: 'record' });
    return { lambda, sent };
  }

  test('GIVEN a config hash WHEN an export is requested THEN the exporter function is invoked asynchronously (Event) with that hash, and Lambda takes it (202)', async () => {
    const { lambda, sent } = await recordingClient();
    const exporter = new LambdaFallbackExporter(lambda, 'kong-fallback-exporter');

    await exporter.requestExport('a'.repeat(32));

    expect(sent).toHaveLength(1);
    expect(sent[0].path).toBe('/2015-03-31/functions/kong-fallback-exporter/invocations');
    expect(sent[0].headers['x-amz-invocation-type']).toBe('Event');
    expect(JSON.parse(sent[0].body)).toEqual({ action: 'export', configHash: 'a'.repeat(32) });
    lambda.destroy();
  });

  test('GIVEN Lambda cannot be reached WHEN an export is requested THEN the request fails (the shell counts a failure; the scaler asks again later)', async () => {
    const lambda = new LambdaClient({ ...moto.clientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    await expect(new LambdaFallbackExporter(lambda, 'kong-fallback-exporter').requestExport('a'.repeat(32))).rejects.toThrow();
    lambda.destroy();
  });
});
