import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { startKongAdminEmulator, type DataPlane, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable, type KongServices } from './support/aws';
import { taskStateChange } from './support/events';
import { startMoto, type MotoServer } from './support/moto';

/**
 * The bundle the construct ships, loaded by a fresh Node.js process as Lambda
 * would load it, handling its first events against moto and the emulator.
 */

const BUNDLE = path.join(__dirname, '..', 'dist', 'lambda', 'index.js');
const HASH = '1f3870be274f6c49b3e31a0c6728957f';

let moto: MotoServer;
let emulator: KongAdminEmulator;
let ecs: ECSClient;
let ddb: DynamoDBClient;
let rds: RDSClient;

beforeAll(async () => {
  moto = await startMoto();
  emulator = await startKongAdminEmulator();
  ecs = new ECSClient(moto.clientConfig);
  ddb = new DynamoDBClient(moto.clientConfig);
  rds = new RDSClient(moto.clientConfig);
});
afterAll(async () => {
  for (const client of [ecs, ddb, rds]) client?.destroy();
  await emulator?.stop();
  await moto?.stop();
});

interface Run {
  readonly results: unknown[];
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: string;
  readonly code: number | null;
}

/** Runs `events` through the bundle's handler, all at once, in a new Node.js process. */
async function runBundle(env: Record<string, string>, events: unknown[]): Promise<Run> {
  const script = `
    const { handler } = require(${JSON.stringify(BUNDLE)});
    const events = JSON.parse(process.env.EVENTS);
    Promise.all(events.map((e) => handler(e))).then(
      (results) => { process.stdout.write('RESULTS ' + JSON.stringify(results) + '\\n'); },
      (error) => { process.stderr.write(String(error && error.stack || error)); process.exitCode = 1; },
    );`;
  const child = spawn(process.execPath, ['-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: moto.endpoint,
      // The SDK warns that Node.js 20 (this machine's) loses support in 2027; Lambda runs 22.
      NODE_NO_WARNINGS: '1',
      EVENTS: JSON.stringify(events),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = stdout.split('\n').filter(Boolean);
  const resultLine = lines.find((l) => l.startsWith('RESULTS '));
  return {
    results: resultLine ? JSON.parse(resultLine.slice('RESULTS '.length)) : [],
    logs: lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)),
    stderr,
    code,
  };
}

async function givenGateway(): Promise<{ where: KongServices; env: Record<string, string>; table: string }> {
  const where = await givenKongServices(ecs, { dataPlane: 2 });
  const table = await givenStateTable(ddb);
  const database = await givenDatabaseCluster(rds);
  const nowSeconds = Math.floor(Date.now() / 1000);
  // Each DP task's row, from its own private IP.
  const tasks = await dataPlaneTasks(ecs, where);
  emulator.setDataPlanes(tasks.map((t, i) => ({
    id: `5b0f3c4e-7f3c-4d0e-9a57-00000000000${i + 1}`, ip: t.ip, hostname: `dp-${i + 1}`, version: '3.9.3',
    config_hash: HASH, last_seen: nowSeconds, sync_status: 'normal',
  }) as DataPlane));
  return {
    where,
    table,
    env: {
      CLUSTER_ARN: where.cluster,
      CONTROL_PLANE_SERVICE: where.controlPlaneService,
      DATA_PLANE_SERVICE: where.dataPlaneService,
      DATABASE_CLUSTER: database,
      STATE_TABLE: table,
      ADMIN_API_URL: emulator.baseUrl,
    },
  };
}

const starting = (where: KongServices, taskId: string) =>
  taskStateChange({ cluster: where.cluster, service: where.dataPlaneService, taskId, lastStatus: 'PROVISIONING', version: 1, time: Date.now() });

async function storedState(table: string): Promise<{ phase: string; seen: Record<string, unknown> }> {
  const item = (await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'idle-scaler' } }, ConsistentRead: true }))).Item!;
  return JSON.parse(item.state.S!);
}

describe('the Lambda bundle', () => {
  test('GIVEN a fresh Node.js process WHEN the bundle handles its first event, a DP task starting THEN the CP starts and the DPs count as in sync', async () => {
    const { where, env, table } = await givenGateway();

    const run = await runBundle(env, [starting(where, 'dp-task-1')]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.results).toEqual([expect.objectContaining({ phase: 'cooldown', decision: 'synced' })]);
    const cp = (await ecs.send(new DescribeServicesCommand({ cluster: where.cluster, services: ['kong-cp'] }))).services![0];
    expect(cp.desiredCount).toBe(1);
    expect((await storedState(table)).phase).toBe('cooldown');
    // One JSON line per decision, with its metrics in the embedded metric format.
    const wake = run.logs.find((l) => l.decision === 'wake')!;
    expect(wake).toMatchObject({ Wakes: 1, ControlPlaneService: `${where.cluster}/kong-cp` });
    expect(wake._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'KongHybrid/IdleScaler', Dimensions: [['ControlPlaneService']], Metrics: [{ Name: 'Wakes', Unit: 'Count' }] }] });
  });

  test('GIVEN five DP tasks starting at once WHEN the bundle handles them together THEN its conditional writes conflict, retry, and lose no start', async () => {
    const { where, env, table } = await givenGateway();

    const run = await runBundle(env, [1, 2, 3, 4, 5].map((i) => starting(where, `dp-task-${i}`)));

    expect(run.stderr).toBe('');
    expect(run.logs.filter((l) => l.decision === 'wake')).toHaveLength(1);
    expect(run.logs.some((l) => typeof l.conflicts === 'number' && l.conflicts > 0)).toBe(true);
    expect(run.logs.filter((l) => l.decision === 'failed' || l.decision === 'action-failed')).toEqual([]);
    expect(Object.keys((await storedState(table)).seen)).toHaveLength(5);
  });

  test('GIVEN an exporter function WHEN the bundle sees the DPs in sync THEN it invokes the exporter for their hash (the bundled Lambda client works), and nothing fails', async () => {
    const { where, env } = await givenGateway();
    // moto's simple Lambda backend takes invocations without running them (no Docker here)
    await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: false } }) });

    const run = await runBundle({ ...env, EXPORTER_FUNCTION: 'kong-fallback-exporter' }, [starting(where, 'dp-task-1')]);

    expect(run.stderr).toBe('');
    const synced = run.logs.find((l) => l.decision === 'synced')!;
    expect(synced.actions).toEqual(['export-config']);
    expect(synced.ExportRequests).toBe(1);
    expect(synced.reason).toContain(`exporting config ${HASH.slice(0, 8)}`);
    expect(run.logs.filter((l) => l.decision === 'failed' || l.decision === 'action-failed')).toEqual([]);
  });

  test('GIVEN a bad environment WHEN invoked THEN the error names the variable and the value', async () => {
    const { env } = await givenGateway();

    const run = await runBundle({ ...env, POLL_INTERVAL_SECONDS: '30' }, [{ action: 'status' }]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('environment variable POLL_INTERVAL_SECONDS is "30": expected a number of seconds from 1 to 15');
  });
});
