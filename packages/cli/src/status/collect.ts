import type { StatusReport } from '@kong-hybrid/idle-scaler';
import type { Context } from '../context';
import { CliError, describe } from '../errors';
import { scalerStatus } from '../scaler';
import type { Deployment } from '../stack';
import type { ControlPlaneState, DataPlaneTaskStatus, StatusDocument, UnknownItem } from './document';

/** A reading, or why there is none. */
export type Reading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** One ECS task as the status needs it. */
export interface TaskReading {
  readonly id: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly health?: string;
  readonly ip?: string;
  readonly startedAt?: number;
}

export interface ServiceReading {
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly deploymentInProgress: boolean;
  readonly tasks: readonly TaskReading[];
}

/** Everything `status` read, each part on its own (one failing leaves the others). */
export interface StatusInputs {
  readonly now: number;
  readonly deployment: Deployment;
  readonly controlPlane: Reading<ServiceReading>;
  readonly dataPlane: Reading<ServiceReading>;
  readonly database: Reading<{ identifier: string; status: string; minAcu?: number; maxAcu?: number }>;
  readonly capacity: Reading<{ acu: number; at: number }>;
  /** Absent: the gateway has no idle scaler. */
  readonly scaler?: Reading<StatusReport>;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function controlPlaneState(desired: number, running: number): ControlPlaneState {
  if (running > 0) return desired > 0 ? 'running' : 'stopping';
  return desired > 0 ? 'starting' : 'stopped';
}

/** Builds the status document from what was read. Pure. */
export function buildStatus(inputs: StatusInputs): StatusDocument {
  const unknown: UnknownItem[] = [];
  const miss = (item: string, reason: string) => unknown.push({ item, reason });
  const report = inputs.scaler?.ok ? inputs.scaler.value : undefined;
  const state = report?.state;

  let controlPlane: StatusDocument['controlPlane'] = null;
  if (inputs.controlPlane.ok) {
    const cp = inputs.controlPlane.value;
    const cpState = controlPlaneState(cp.desired, cp.running);
    const task = cp.tasks.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
    // Since when: its task's start, else when the idle scaler first saw it running (or stopped it, or woke it).
    const since = cpState === 'running' || cpState === 'stopping' ? task?.startedAt ?? state?.controlPlaneRunningAt
      : cpState === 'stopped' ? state?.stoppedAt
        : state?.wokeAt;
    const obs = report?.observation;
    const answering = obs ? (obs.sync ? true : obs.errors.some((e) => e.source === 'admin-api') ? false : null) : null;
    controlPlane = { state: cpState, desired: cp.desired, running: cp.running, pending: cp.pending, since: iso(since), adminApiAnswering: answering };
    if (since === undefined) miss('control plane since', cpState === 'stopped' ? 'no stop on record (the idle scaler keeps its last stop)' : 'its task reports no start time yet');
  } else {
    miss('control plane', inputs.controlPlane.reason);
  }

  let database: StatusDocument['database'] = null;
  if (inputs.database.ok) {
    const db = inputs.database.value;
    database = {
      identifier: db.identifier,
      status: db.status,
      acu: inputs.capacity.ok ? inputs.capacity.value.acu : null,
      acuAt: inputs.capacity.ok ? iso(inputs.capacity.value.at) : null,
      minAcu: db.minAcu ?? null,
      maxAcu: db.maxAcu ?? null,
    };
  } else {
    miss('database', inputs.database.reason);
  }
  if (!inputs.capacity.ok) miss('database capacity (ACU)', inputs.capacity.reason);

  let dataPlanes: StatusDocument['dataPlanes'] = null;
  if (inputs.dataPlane.ok) {
    const dp = inputs.dataPlane.value;
    const judged = new Map((report?.dataPlanes ?? []).map((d) => [d.task, d]));
    const rows = new Map((report?.observation.sync?.rows ?? []).map((r) => [r.id, r]));
    const tasks: DataPlaneTaskStatus[] = dp.tasks.filter((t) => t.desiredStatus === 'RUNNING').map((t) => {
      const sync = judged.get(t.id);
      const row = sync?.node ? rows.get(sync.node) : undefined;
      return {
        id: t.id,
        lastStatus: t.lastStatus,
        health: t.health ?? null,
        ip: t.ip ?? null,
        startedAt: iso(t.startedAt),
        sync: sync ? { state: sync.state, configHash: sync.configHash ?? null, lastSeen: iso(sync.lastSeen), version: row?.version ?? null } : null,
      };
    });
    dataPlanes = { desired: dp.desired, running: dp.running, pending: dp.pending, deploymentInProgress: dp.deploymentInProgress, tasks };
  } else {
    miss('data planes', inputs.dataPlane.reason);
  }

  // Which configuration each data plane runs: only the control plane can tell (its /clustering/data-planes).
  if (!inputs.scaler) {
    miss('data plane sync', 'this gateway has no idle scaler to read it; `kong-hybrid admin GET /clustering/data-planes` shows Kong\'s own rows');
  } else if (!inputs.scaler.ok) {
    miss('data plane sync', `the idle scaler could not be asked: ${inputs.scaler.reason}`);
  } else if (!report?.dataPlanes) {
    const cpDown = controlPlane && controlPlane.state !== 'running';
    const adminError = report?.observation.errors.find((e) => e.source === 'admin-api');
    miss('data plane sync', cpDown
      ? `the control plane is ${controlPlane!.state}, and only it can tell which configuration each data plane runs (wake it: kong-hybrid wake --wait)`
      : adminError ? `the control plane's Admin API did not answer the idle scaler: ${adminError.message}` : 'the idle scaler could not read the data plane tasks');
  }
  for (const error of report?.observation.errors ?? []) {
    if (error.source !== 'admin-api') miss(`the idle scaler's look at ${error.source.toUpperCase()}`, error.message);
  }

  const scaler: StatusDocument['scaler'] = report ? {
    phase: report.phase,
    cooldownUntil: report.cooldownUntil ?? null,
    cooldownLeftMs: report.cooldownLeftMs ?? null,
    stopDueForMs: report.stopDueForMs ?? null,
    neverHealthyStopInMs: report.neverHealthyStopInMs ?? null,
    wokeAt: iso(state?.wokeAt),
    stoppedAt: iso(state?.stoppedAt),
    controlPlaneConfigHash: report.controlPlaneConfigHash ?? null,
    syncGaps: [...report.syncGaps],
    stopBlockers: [...report.stopBlockers],
    lastDecisions: report.lastDecisions.map((d) => ({ at: d.at, decision: d.decision, phase: d.phase, reason: d.reason })),
  } : null;
  if (inputs.scaler && !inputs.scaler.ok) miss('idle scaler', inputs.scaler.reason);

  return {
    schema: 'kong-hybrid/status/v1',
    at: new Date(inputs.now).toISOString(),
    stack: { name: inputs.deployment.stackName, status: inputs.deployment.stackStatus, region: inputs.deployment.region ?? null },
    controlPlane,
    database,
    dataPlanes,
    scaler,
    unknown,
  };
}

async function reading<T>(fn: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const e = error as CliError;
    return { ok: false, reason: e instanceof CliError ? e.message : describe(error) };
  }
}

function missingOutput(deployment: Deployment, name: string): never {
  throw new CliError(`stack ${deployment.stackName} has no ${name} output (deployed with an older @kong-hybrid/cdk: update it and deploy)`);
}

/** Reads ECS, RDS, CloudWatch and the idle scaler in parallel, and builds the status. */
export async function collectStatus(ctx: Context, deployment: Deployment, now: () => number = Date.now): Promise<StatusDocument> {
  const [ecs, rds, cloudwatch] = await Promise.all([
    import('@aws-sdk/client-ecs'), import('@aws-sdk/client-rds'), import('@aws-sdk/client-cloudwatch'),
  ]);
  const ecsClient = new ecs.ECSClient(ctx.aws);
  const rdsClient = new rds.RDSClient(ctx.aws);
  const cwClient = new cloudwatch.CloudWatchClient(ctx.aws);
  try {
    const cluster = deployment.clusterName;
    const services = reading(async () => {
      if (!cluster) missingOutput(deployment, 'ClusterName');
      const names = [deployment.controlPlaneServiceName ?? missingOutput(deployment, 'ControlPlaneServiceName'), deployment.dataPlaneServiceName ?? missingOutput(deployment, 'DataPlaneServiceName')];
      const answer = await ctx.call('ECS DescribeServices', () => ecsClient.send(new ecs.DescribeServicesCommand({ cluster, services: names })));
      const read = async (name: string): Promise<ServiceReading> => {
        const s = answer.services?.find((x) => x.serviceName === name);
        if (!s) throw new CliError(`ECS service ${name} not found in cluster ${cluster}`);
        const arns = (await ctx.call('ECS ListTasks', () => ecsClient.send(new ecs.ListTasksCommand({ cluster, serviceName: name })))).taskArns ?? [];
        // A service's tasks are in its group (ListTasks filters by service already: belt and braces).
        const described = (arns.length > 0 ? (await ctx.call('ECS DescribeTasks', () => ecsClient.send(new ecs.DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) })))).tasks ?? [] : [])
          .filter((t) => t.group === undefined || t.group === `service:${name}`);
        const deployments = s.deployments ?? [];
        return {
          desired: s.desiredCount ?? 0,
          running: s.runningCount ?? 0,
          pending: s.pendingCount ?? 0,
          deploymentInProgress: deployments.length > 1 || deployments.some((d) => d.rolloutState === 'IN_PROGRESS'),
          tasks: described.map((t) => ({
            id: t.taskArn!.slice(t.taskArn!.lastIndexOf('/') + 1),
            lastStatus: t.lastStatus ?? 'UNKNOWN',
            desiredStatus: t.desiredStatus ?? 'UNKNOWN',
            ...(t.healthStatus ? { health: t.healthStatus } : {}),
            ...(privateIp(t) ? { ip: privateIp(t) } : {}),
            ...(t.startedAt ? { startedAt: t.startedAt.getTime() } : {}),
          })),
        };
      };
      return Promise.all(names.map(read));
    });
    const database = reading(async () => {
      const id = deployment.databaseClusterIdentifier ?? missingOutput(deployment, 'DatabaseClusterIdentifier');
      const answer = await ctx.call('RDS DescribeDBClusters', () => rdsClient.send(new rds.DescribeDBClustersCommand({ DBClusterIdentifier: id })));
      const c = answer.DBClusters?.[0];
      if (!c) throw new CliError(`Aurora cluster ${id} not found`);
      const scaling = c.ServerlessV2ScalingConfiguration;
      return { identifier: id, status: c.Status ?? 'unknown', ...(scaling?.MinCapacity !== undefined ? { minAcu: scaling.MinCapacity } : {}), ...(scaling?.MaxCapacity !== undefined ? { maxAcu: scaling.MaxCapacity } : {}) };
    });
    // Aurora Serverless v2 reports its capacity as the ServerlessDatabaseCapacity metric (0 while paused):
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.viewing.monitoring.html
    const capacity = reading(async () => {
      const id = deployment.databaseClusterIdentifier ?? missingOutput(deployment, 'DatabaseClusterIdentifier');
      const end = new Date(now());
      const answer = await ctx.call('CloudWatch GetMetricStatistics', () => cwClient.send(new cloudwatch.GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS', MetricName: 'ServerlessDatabaseCapacity', Dimensions: [{ Name: 'DBClusterIdentifier', Value: id }],
        StartTime: new Date(end.getTime() - CAPACITY_WINDOW_MS), EndTime: end, Period: 60, Statistics: ['Average'],
      })));
      const latest = (answer.Datapoints ?? []).filter((d) => d.Timestamp && d.Average !== undefined).sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
      if (!latest) throw new CliError(`CloudWatch has no ServerlessDatabaseCapacity for ${id} in the last ${CAPACITY_WINDOW_MS / 60_000} minutes`);
      return { acu: latest.Average!, at: latest.Timestamp!.getTime() };
    });
    const scaler = deployment.idleScalerFunctionName ? reading(() => scalerStatus(ctx, deployment)) : undefined;

    const [svc, db, acu, sc] = await Promise.all([services, database, capacity, scaler]);
    return buildStatus({
      now: now(),
      deployment,
      controlPlane: svc.ok ? { ok: true, value: svc.value[0] } : svc,
      dataPlane: svc.ok ? { ok: true, value: svc.value[1] } : svc,
      database: db,
      capacity: acu,
      ...(sc ? { scaler: sc } : {}),
    });
  } finally {
    for (const client of [ecsClient, rdsClient, cwClient]) client.destroy();
  }
}

/** How far back `status` looks for the capacity metric (reported every minute). */
export const CAPACITY_WINDOW_MS = 15 * 60_000;

function privateIp(task: { attachments?: Array<{ details?: Array<{ name?: string; value?: string }> }>; containers?: Array<{ networkInterfaces?: Array<{ privateIpv4Address?: string }> }> }): string | undefined {
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Attachment.html (ElasticNetworkInterface details)
  return task.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value
    ?? task.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address;
}
