import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable } from './support/aws';
import { startMoto, type MotoServer } from './support/moto';

/**
 * The moto server every test file gets (tools/jest/moto.cjs): one per jest
 * worker, lent to one test file at a time and reset for each, as if new.
 */
const MOTO_CJS = path.join(__dirname, '..', '..', '..', 'tools', 'jest', 'moto.cjs');
const { SharedMoto, resetMoto } = require(MOTO_CJS) as { // eslint-disable-line @typescript-eslint/no-require-imports
  SharedMoto: new () => { startMoto(timeoutMs?: number): Promise<MotoServer>; stop(): Promise<void> };
  resetMoto(endpoint: string): Promise<void>;
};

async function motoApi(moto: MotoServer, what: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${moto.endpoint}/moto-api/${what}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`moto-api/${what}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/`)).ok;
  } catch {
    return false;
  }
}

async function tables(moto: MotoServer): Promise<string[]> {
  const ddb = new DynamoDBClient(moto.clientConfig);
  try {
    return (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    ddb.destroy();
  }
}

describe('moto between test files', () => {
  test('GIVEN a test file\'s resources, state transitions and moto config WHEN moto is reset for the next file THEN that file sees none of them, and ECS tasks stay where they are', async () => {
    const moto = await startMoto();
    const ecs = new ECSClient(moto.clientConfig);
    const rds = new RDSClient(moto.clientConfig);
    const ddb = new DynamoDBClient(moto.clientConfig);
    try {
      // What an earlier file leaves: services and tasks, a database, a table, its own transitions and config.
      const where = await givenKongServices(ecs, { dataPlane: 2, endpoint: moto.endpoint });
      const database = await givenDatabaseCluster(rds);
      const table = await givenStateTable(ddb);
      await motoApi(moto, 'state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'immediate' } });
      await motoApi(moto, 'state-manager/set-transition', { model_name: 'batch::job', transition: { progression: 'immediate' } });
      await motoApi(moto, 'config', { lambda: { use_docker: false } });
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([expect.stringContaining(where.cluster)]);
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual([database]);
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual([table]);

      await resetMoto(moto.endpoint);

      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters).toEqual([]);
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      // Ours again for ECS tasks; moto's own default for the rest (moto/moto_api/__init__.py at moto 5.2.5).
      expect(await motoApi(moto, 'state-manager/get-transition?model_name=ecs::task')).toEqual({ progression: 'manual', times: 1_000_000_000 });
      expect(await motoApi(moto, 'state-manager/get-transition?model_name=batch::job')).toEqual({ progression: 'manual', times: 1 });
      expect(await motoApi(moto, 'config')).toEqual({ batch: { use_docker: true }, lambda: { use_docker: true } });
      // A task described again and again stays RUNNING, as on a new server.
      const again = await givenKongServices(ecs, { dataPlane: 1, endpoint: moto.endpoint });
      const [task] = await dataPlaneTasks(ecs, again);
      for (let i = 0; i < 3; i++) {
        const described = await ecs.send(new DescribeTasksCommand({ cluster: again.cluster, tasks: [task.arn] }));
        expect(described.tasks?.[0]?.lastStatus).toBe('RUNNING');
      }
    } finally {
      for (const client of [ecs, rds, ddb]) client.destroy();
      await moto.stop();
    }
  });

  test('GIVEN a worker\'s moto lent to a test file WHEN the file stops it THEN the server lives on and the next file gets it, empty; a second moto asked for while it is lent is a server of its own', async () => {
    const worker = new SharedMoto();
    try {
      const first = await worker.startMoto();
      const ddb = new DynamoDBClient(first.clientConfig);
      await givenStateTable(ddb);
      ddb.destroy();

      const second = await worker.startMoto();
      expect(second.endpoint).not.toBe(first.endpoint);
      expect(await tables(second)).toEqual([]);
      expect(await tables(first)).toHaveLength(1);
      await second.stop();
      expect(await answers(second.endpoint)).toBe(false);

      await first.stop();
      expect(await answers(first.endpoint)).toBe(true);
      const next = await worker.startMoto();
      expect(next.endpoint).toBe(first.endpoint);
      expect(await tables(next)).toEqual([]);
      await next.stop();
    } finally {
      await worker.stop();
    }
  });

  test('GIVEN a jest worker holding its moto WHEN the worker is killed (SIGKILL, no clean-up) THEN its moto server ends too', async () => {
    const script = `new (require(${JSON.stringify(MOTO_CJS)}).SharedMoto)().startMoto()`
      + '.then((m) => console.log(m.endpoint), (e) => { console.error(e); process.exit(1); }); setInterval(() => {}, 60000);';
    const worker = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      worker.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.trim());
      });
      worker.once('exit', (code) => reject(new Error(`the worker exited with ${code} before its moto answered`)));
    });
    expect(await answers(endpoint)).toBe(true);

    worker.kill('SIGKILL');

    // It ends as soon as it reads the end of its stdin; the bound only keeps a
    // server that never ends from holding this test (and jest) forever.
    for (let i = 0; i < 300 && await answers(endpoint); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await answers(endpoint)).toBe(false);
  });
});
