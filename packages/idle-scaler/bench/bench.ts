/**
 * Figures, not assertions (`npx projen bench` in this workspace):
 * 1. the Lambda bundle's size, raw and zipped;
 * 2. its cold load in a fresh Node.js process;
 * 3. the latency of one look at the world, against moto server and the Admin API emulator;
 * 4. the latency the scaler adds after the CP is running and after the DPs are in sync,
 *    in simulated wakes on a virtual clock (the real Scaler and core, calls taking the
 *    time measured in 3).
 * Targets (issue 5): ≤ 300 KB, ≤ 200 ms, ≤ 15 s each.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { startKongAdminEmulator, type DataPlane } from '../../admin-client/test/emulator';
import { DynamoStateStore } from '../src/adapters/dynamodb';
import { EcsServices } from '../src/adapters/ecs';
import { KongDataPlaneSync } from '../src/adapters/kong';
import { AuroraCluster } from '../src/adapters/rds';
import type { ScalerState } from '../src/core';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable } from '../test/support/aws';
import { startMoto } from '../test/support/moto';
import { simulateWake } from './simulation';

const BUNDLE = path.join(__dirname, '..', 'dist', 'lambda', 'index.js');

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
const s = (v: number) => `${(v / 1000).toFixed(2)} s`;

function bundleSize(): void {
  const raw = statSync(BUNDLE).size;
  const gz = gzipSync(readFileSync(BUNDLE)).length;
  console.log(`bundle size              ${(raw / 1024).toFixed(1)} KB minified (${(gz / 1024).toFixed(1)} KB gzipped), target ≤ 300 KB`);
}

function coldLoad(runs = 15): void {
  const script = `const t0 = process.hrtime.bigint(); require(${JSON.stringify(BUNDLE)}); process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));`;
  const loads: number[] = [];
  const processes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' } });
    processes.push(Number(process.hrtime.bigint() - start) / 1e6);
    loads.push(Number(out));
  }
  const l = stats(loads);
  const p = stats(processes);
  console.log(`cold load (require)      p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, max ${ms(l.max)} over ${runs} fresh processes, target ≤ 200 ms`);
  console.log(`  whole process          p50 ${ms(p.p50)} (Node.js start included)`);
}

async function lookLatency(runs = 30) {
  const moto = await startMoto();
  const emulator = await startKongAdminEmulator();
  const ecsClient = new ECSClient(moto.clientConfig);
  const rdsClient = new RDSClient(moto.clientConfig);
  const ddbClient = new DynamoDBClient(moto.clientConfig);
  try {
    const where = await givenKongServices(ecsClient, { dataPlane: 3 });
    const database = await givenDatabaseCluster(rdsClient);
    const table = await givenStateTable(ddbClient);
    const now = Math.floor(Date.now() / 1000);
    const tasks = await dataPlaneTasks(ecsClient, where);
    emulator.setDataPlanes(tasks.map((t, i) => ({
      id: `5b0f3c4e-7f3c-4d0e-9a57-00000000000${i + 1}`, ip: t.ip, hostname: `dp-${i + 1}`, version: '3.9.3',
      config_hash: '1f3870be274f6c49b3e31a0c6728957f', last_seen: now, sync_status: 'normal',
    }) as DataPlane));
    const ecs = new EcsServices(ecsClient, where);
    const rds = new AuroraCluster(rdsClient, database);
    const kong = new KongDataPlaneSync(createKongAdminClient({ baseUrl: emulator.baseUrl, timeoutMs: 3_000, retries: 1 }), { staleAfterSeconds: 90 });
    const store = new DynamoStateStore(ddbClient, table, { now: () => Date.now(), sleep: async () => {} });

    const time = async (f: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await f();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    // Warm up connections, as a warm Lambda has them.
    await Promise.all([ecs.read(), ecs.listDataPlaneTasks(), rds.status(), kong.read(Date.now()), store.load()]);
    const samples = { ecs: [] as number[], tasks: [] as number[], rds: [] as number[], kong: [] as number[], dynamodb: [] as number[], look: [] as number[] };
    // An idle gateway: the scaler stopped the CP an hour ago (with no stop on record, a first look wakes the CP).
    const idle: ScalerState = { phase: 'idle', stoppedAt: Date.now() - 3_600_000, seen: {} };
    let version = (await store.load()).version;
    for (let i = 0; i < runs; i++) {
      samples.ecs.push(await time(() => ecs.read()));
      samples.tasks.push(await time(() => ecs.listDataPlaneTasks()));
      samples.rds.push(await time(() => rds.status()));
      samples.kong.push(await time(() => kong.read(Date.now())));
      samples.dynamodb.push(await time(async () => { await store.load(); await store.save(idle, version, undefined); version++; }));
      samples.look.push(await time(() => Promise.all([ecs.read(), ecs.listDataPlaneTasks(), rds.status(), kong.read(Date.now())])));
    }
    firstEvent(moto.endpoint, emulator.baseUrl, where, table, database);
    const p50 = (k: keyof typeof samples) => stats(samples[k]).p50;
    console.log(`one look (parallel)      p50 ${ms(p50('look'))}, p95 ${ms(stats(samples.look).p95)}: ECS services ${ms(p50('ecs'))}, DP tasks (ListTasks + DescribeTasks) ${ms(p50('tasks'))}, RDS ${ms(p50('rds'))}, Admin API ${ms(p50('kong'))}; state read+write ${ms(p50('dynamodb'))} (moto and the emulator on loopback)`);
    return { ecs: Math.max(p50('ecs'), p50('tasks')), rds: p50('rds'), kong: p50('kong'), dynamodb: p50('dynamodb') / 2 };
  } finally {
    for (const c of [ecsClient, rdsClient, ddbClient]) c.destroy();
    await emulator.stop();
    await moto.stop();
  }
}

/** A cold start as Lambda has it: a fresh process loads the bundle and handles a tick (state read, one ECS call). */
function firstEvent(motoEndpoint: string, adminApiUrl: string, where: { cluster: string }, table: string, database: string, runs = 10): void {
  const script = `
    const t0 = process.hrtime.bigint();
    const { handler } = require(${JSON.stringify(BUNDLE)});
    handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }).then((r) => {
      if (r.decision !== 'idle') throw new Error(JSON.stringify(r));
      process.stdout.write('MS ' + String(Number(process.hrtime.bigint() - t0) / 1e6));
    });`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL: motoEndpoint, CLUSTER_ARN: where.cluster, CONTROL_PLANE_SERVICE: 'kong-cp', DATA_PLANE_SERVICE: 'kong-dp',
        DATABASE_CLUSTER: database, STATE_TABLE: table, ADMIN_API_URL: adminApiUrl,
      },
    });
    times.push(Number(/MS (\S+)/.exec(out)![1]));
  }
  const t = stats(times);
  console.log(`cold first event         p50 ${ms(t.p50)}, max ${ms(t.max)}: load, create the clients, read the state and ECS, decide, log (a tick while idle, fresh process each time)`);
}

async function addedLatency(callMs: { ecs: number; rds: number; kong: number; dynamodb: number }, runs = 300): Promise<void> {
  // AWS answers slower than loopback: count each call at least 50 ms (ECS, RDS, DynamoDB) and 20 ms (the Admin API in the VPC).
  const real = { ecs: Math.max(callMs.ecs, 50), rds: Math.max(callMs.rds, 50), kong: Math.max(callMs.kong, 20), dynamodb: Math.max(callMs.dynamodb, 50) };
  for (const pollIntervalMs of [5_000, 15_000]) {
    const running: number[] = [];
    const synced: number[] = [];
    let seed = 42;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < runs; i++) {
      const figures = await simulateWake({
        controlPlaneRunningMs: 15_000 + random() * 75_000,
        adminApiUpMs: 2_000 + random() * 4_000,
        dataPlanesSyncedMs: 5_000 + random() * 5_000,
        callMs: real,
      }, { pollIntervalMs });
      running.push(figures.runningSeenAfterMs);
      synced.push(figures.syncedSeenAfterMs);
    }
    const r = stats(running);
    const y = stats(synced);
    console.log(`added latency, poll ${pollIntervalMs / 1000} s  after CP running: p50 ${s(r.p50)}, p95 ${s(r.p95)}, max ${s(r.max)}; after DPs in sync: p50 ${s(y.p50)}, p95 ${s(y.p95)}, max ${s(y.max)} (${runs} simulated wakes), target ≤ 15 s each`);
  }
}

async function main(): Promise<void> {
  console.log('@kong-hybrid/idle-scaler benchmark');
  bundleSize();
  coldLoad();
  const callMs = await lookLatency();
  await addedLatency(callMs);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
