/**
 * The world a new user's deployment lives in, simulated on a virtual clock:
 * ECS (the control plane's and the data plane's services, their tasks' life
 * cycles and events), Aurora, DynamoDB, the Kong control plane (boot, Admin
 * API, `/clustering/data-planes`, config pushes) and data planes (connect,
 * ping, apply), EventBridge (delivery delays, losses, duplicates) and Lambda
 * (concurrent invocations, timeouts, async retries, the schedule).
 *
 * The scaler runs in it with its REAL handler (`createHandler`) and REAL
 * adapters: the world stands in for the AWS SDK clients (`send`) and for
 * `fetch` under the real Kong Admin API client, whose answers come from the
 * Admin API emulator's Kong model and are checked against our OpenAPI
 * document. Timings come from `src/timing.ts`.
 */
import {
  DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, UpdateServiceCommand, type ECSClient, type Task,
} from '@aws-sdk/client-ecs';
import { DescribeDBClustersCommand, StartDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { Contract } from '../../../admin-client/test/emulator/contract';
import { Kong, type Entity } from '../../../admin-client/test/emulator/kong';
import { DynamoStateStore } from '../../src/adapters/dynamodb';
import { EcsServices } from '../../src/adapters/ecs';
import { KongDataPlaneSync } from '../../src/adapters/kong';
import { AuroraCluster } from '../../src/adapters/rds';
import { DEFAULT_CONFIG, type ScalerConfig } from '../../src/core';
import { createHandler, type HandlerResult } from '../../src/handler';
import type { Clock, FallbackExporter } from '../../src/ports';
import type { ScalerPorts } from '../../src/scaler';
import { EMPTY_CONFIG_HASH, FALLBACK_LABEL } from '../../src/sync';
import { FIGURES, figureMs, LAMBDA_ASYNC_RETRY_DELAYS_MS, simulatedRangeMs, STALE_AFTER_MS } from '../../src/timing';
import { deploymentStateChange, scheduledEvent, taskStateChange } from '../support/events';
import { Sim, never, seeded } from './sim';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CLUSTER = 'kong';
export const CP_SERVICE = 'kong-cp';
export const DP_SERVICE = 'kong-dp';
const EMPTY = EMPTY_CONFIG_HASH;

/**
 * How long things take in the world: each duration of Kong or AWS drawn from
 * its figure in `src/timing-figures.ts` (where its source is), over the
 * figure's range ({@link simulatedRangeMs}); the rest (marked) are the
 * world's own assumptions.
 */
const FARGATE_START_MS = simulatedRangeMs(FIGURES.fargateTaskStart);
const PROVISION_MS = [3_000, 10_000] as const;
export const WORLD_TIMINGS = {
  /** PROVISIONING → PENDING (an assumed share), PENDING → RUNNING: together the Fargate task start. */
  provisionMs: PROVISION_MS,
  pendingMs: [FARGATE_START_MS[0] - PROVISION_MS[0], FARGATE_START_MS[1] - PROVISION_MS[1]] as const,
  /** Kong's start in a data plane container. */
  dpKongBootMs: simulatedRangeMs(FIGURES.kongStart),
  /** Kong's start in the control plane container, its database reachable. */
  cpKongBootMs: simulatedRangeMs(FIGURES.kongStart),
  /** A stopping task: DEACTIVATING to STOPPED (ECS's stopTimeout). */
  taskStopMs: figureMs(FIGURES.ecsStopTimeout),
  /** After desired count 0, the CP's Admin API stops answering. */
  cpStopAnsweringMs: simulatedRangeMs(FIGURES.kongStopAnswering),
  /** Applying a pushed configuration. */
  applyMs: simulatedRangeMs(FIGURES.configApply),
  /** StartDBCluster of a stopped cluster, and the end of a stop. */
  dbStartMs: simulatedRangeMs(FIGURES.auroraStoppedClusterStart),
  dbStopMs: simulatedRangeMs(FIGURES.auroraClusterStop),
  /** Aurora Serverless v2 at 0 ACU pauses after this long without connections (SecondsUntilAutoPause). */
  auroraAutoPauseMs: figureMs(FIGURES.auroraAutoPause),
  /** EventBridge delivery of an event to Lambda. */
  eventDeliveryMs: simulatedRangeMs(FIGURES.eventDelivery),
  /** API latencies (the real ones are measured by the bench; these are of AWS's order). */
  latencyMs: { ecs: [30, 90] as const, rds: [30, 90] as const, dynamodb: [5, 20] as const, kong: [3, 15] as const, lambda: [20, 60] as const },
  tickIntervalMs: figureMs(FIGURES.scalerTickInterval),
  /**
   * The exporter's run: its Admin API reads, the second look at the data
   * planes after the propagation delay, the S3 write (issue 12). Assumed.
   */
  exportMs: [13_000, 25_000] as const,
};

type Range = readonly [number, number];

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPED';

/** A data plane's Kong inside its task. */
interface DataPlaneNode {
  readonly nodeId: string;
  /** The hash of the configuration it runs (32 zeros: none). */
  hash: string;
  /** When it last started running the control plane's current configuration. */
  configuredAt?: number;
  /** Kong is up in the container. */
  up: boolean;
  /** Connection generation: pings of an older connection stop. */
  connection: number;
  connected: boolean;
  /** The control plane refuses to configure it (a newer Kong version). */
  readonly incompatible: boolean;
  /** It never applies what the control plane pushes (a reconfigure error): it keeps what it started with. */
  readonly ignoresPushes: boolean;
  /** The fallback configuration's hash (the export file's MD5) it started from, if it did: its `fallback-config` label. */
  fallbackHash?: string;
  /** When it first served a configuration (its `/status/ready` answers 200 from then on). */
  readyAt?: number;
}

export interface SimTask {
  readonly arn: string;
  readonly id: string;
  readonly service: 'cp' | 'dp';
  readonly ip: string;
  readonly createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  version: number;
  /** The deployment that started it (DP). */
  readonly deployment: string;
  readonly node?: DataPlaneNode;
}

/** One scaler log line, parsed. */
export interface LogLine {
  readonly time: string;
  readonly decision: string;
  readonly reason: string;
  readonly invocation?: string;
  readonly [key: string]: unknown;
}

/** A stop of the control plane as ECS applied it, with the world as it was. */
export interface StopRecord {
  readonly at: number;
  /** The Admin API answered at that moment. */
  readonly readable: boolean;
  readonly cpConfigHash: string;
  readonly cpConfigChangedAt: number;
  readonly dataPlanes: ReadonlyArray<{ readonly id: string; readonly createdAt: number; readonly lastStatus: TaskStatus; readonly desiredStatus: string; readonly hash: string; readonly up: boolean }>;
}

/** Faults a scenario injects. */
export interface Faults {
  /** Whether this delivery of an EventBridge event is lost. */
  dropEvent: (event: WorldEvent) => boolean;
  /** Whether this event is delivered twice. */
  duplicateEvent: (event: WorldEvent) => boolean;
  /** Extra delivery delay of this event (on top of the usual). */
  extraDelayMs: (event: WorldEvent) => number;
  /** ECS, RDS, DynamoDB operations to throttle: remaining count by operation name. */
  readonly throttle: Record<string, number>;
  /** The control plane's Kong never starts (a bad image, a bad setting). */
  controlPlaneBroken: boolean;
  /** The scaler's Lambda cannot reach the Admin API (the CP itself may be fine). */
  adminApiUnreachable: boolean;
  /** New data plane tasks run a Kong the control plane will not configure. */
  incompatibleDataPlanes: boolean;
  /** New data plane tasks never apply the control plane's pushes (they keep their fallback, or nothing). */
  dataPlanesIgnorePushes: boolean;
  /** Latency of an operation (`UpdateService`, `PutItem`, …, `fetch`) instead of the usual. */
  readonly latencyMs: Record<string, number>;
  /** Overrides for new data plane tasks: PROVISIONING and PENDING durations, Kong's start (a slow image pull, a slow boot). */
  dataPlaneProvisionMs?: number;
  dataPlanePendingMs?: number;
  dataPlaneBootMs?: number;
}

export interface WorldEvent {
  readonly detailType: string;
  readonly payload: Record<string, unknown>;
  readonly occurredAt: number;
  /** For task events: the task and its status. */
  readonly task?: { readonly id: string; readonly lastStatus: string };
}

export interface WorldOptions {
  readonly seed: number;
  readonly start: number;
  readonly config?: Partial<ScalerConfig>;
  /** Data plane tasks running (and configured) at the start, with the CP stopped. */
  readonly dataPlaneTasks?: number;
  readonly databaseStatus?: 'available' | 'stopped' | 'stopping';
  /** Admin API client retries. @default 1, as the Lambda */
  readonly adminRetries?: number;
  /** No scaler state yet (a new deployment, or the item deleted). @default false: the scaler stopped the CP an hour before the start */
  readonly freshDeployment?: boolean;
  /** The function's timeout. @default the sync timeout plus a minute, as the construct sets it */
  readonly lambdaTimeoutMs?: number;
  /** How many addresses the data planes' subnet has free (a small pool reuses them soon). @default 240 */
  readonly ipPool?: number;
  /** Every API call takes the middle of its latency range, and every event the same delivery time: invocations in lockstep. */
  readonly lockstep?: boolean;
  /**
   * The data planes' fallback configuration (issue 12): the scaler asks the
   * exporter for it, and a new DP task starts from the last export stored.
   * `current`: an export of the CP's configuration exists at the start;
   * `stale`: of an older configuration; `none`: none yet.
   * @default - no fallback: no exporter, DP tasks start empty
   */
  readonly fallback?: 'current' | 'stale' | 'none';
}

/** An export of the CP's configuration, as the exporter stored it. */
export interface StoredExport {
  /** The CP configuration's hash (the one the DPs agreed on). */
  readonly cpHash: string;
  /** The file's MD5: the hash a DP started from it reports. */
  readonly fileHash: string;
  readonly at: number;
}

/** One Lambda invocation: killed at its deadline (nothing it does after that happens). */
interface Invocation {
  readonly id: string;
  readonly deadline: number;
  killed: boolean;
  done: boolean;
}

export class World {
  public readonly sim: Sim;
  public readonly config: ScalerConfig;
  public readonly logs: LogLine[] = [];
  public readonly stops: StopRecord[] = [];
  public readonly tasks: SimTask[] = [];
  public readonly faults: Faults = {
    dropEvent: () => false,
    duplicateEvent: () => false,
    extraDelayMs: () => 0,
    throttle: {},
    latencyMs: {},
    controlPlaneBroken: false,
    adminApiUnreachable: false,
    incompatibleDataPlanes: false,
    dataPlanesIgnorePushes: false,
  };
  /** The exports stored (the last one is what a new DP task fetches), and every request the exporter got, with what it did. */
  public readonly exports: StoredExport[] = [];
  public readonly exportRequests: Array<{ at: number; configHash: string; outcome: 'exported' | 'already exported' | 'not in sync' | 'cannot read' }> = [];
  /** Invocation failures (errors and timeouts) and Lambda's retries. */
  public readonly lambdaFailures: Array<{ at: number; invocation: string; error: string }> = [];
  public invocationCount = 0;
  /** When the CP service's desired count last went from 0 to more. */
  public cpWantedSince: number | undefined;
  /** The first time the Admin API answered since `cpWantedSince`. */
  public cpAnsweredSince: number | undefined;

  // ECS
  public cpDesired = 0;
  public dpDesired: number;
  public deployment = 'ecs-svc/0001';
  public deploymentInProgress = false;
  private taskCounter = 0;
  /** Tasks being replaced: the service scheduler already counts their replacement. */
  private readonly replacing = new Set<SimTask>();
  private ips = new Set<string>();
  // Kong control plane
  public cpAnswering = false;
  public cpConfigHash: string;
  public cpConfigChangedAt: number;
  private cpBootGeneration = 0;
  private lastPushAt = -Infinity;
  private configCounter = 0;
  private readonly rows = new Map<string, Entity>();
  /** Data planes waiting to (re)connect: their retry timer (5-10 s) fires at a random point once the CP answers. */
  private readonly waiting = new Set<SimTask>();
  private readonly kong: Kong;
  private readonly contract = Contract.load();
  /** Requests or responses that break our OpenAPI document. */
  public readonly contractViolations: string[] = [];
  // Aurora
  public dbStatus: string;
  private dbLastUsedAt: number;
  // DynamoDB
  private readonly items = new Map<string, Record<string, AttributeValue>>();

  constructor(private readonly options: WorldOptions) {
    this.sim = new Sim(options.start, seeded(options.seed));
    this.config = { ...DEFAULT_CONFIG, exportFallback: options.fallback !== undefined, ...options.config };
    this.kong = new Kong({ now: () => this.sim.t / 1000, role: 'control_plane', requestCount: () => 0 });
    this.dbStatus = options.databaseStatus ?? 'available';
    this.dbLastUsedAt = options.start - WORLD_TIMINGS.auroraAutoPauseMs;
    this.cpConfigHash = this.nextHash();
    this.cpConfigChangedAt = options.start - 86_400_000;
    this.dpDesired = options.dataPlaneTasks ?? 2;
    // Data plane tasks that started long ago, configured while the CP last ran, their rows long stale.
    for (let i = 0; i < this.dpDesired; i++) {
      const task = this.newTask('dp', options.start - 86_400_000);
      task.lastStatus = 'RUNNING';
      task.startedAt = task.createdAt + 40_000;
      task.version = 3;
      task.node!.up = true;
      task.node!.hash = this.cpConfigHash;
      this.upsertRow(task, options.start - 3_600_000);
      this.waiting.add(task);
    }
    if (options.fallback === 'current') this.exports.push({ cpHash: this.cpConfigHash, fileHash: fileHashOf(this.cpConfigHash), at: options.start - 3_600_000 });
    if (options.fallback === 'stale') {
      const older = this.nextHash();
      this.exports.push({ cpHash: older, fileHash: fileHashOf(older), at: options.start - 7_200_000 });
    }
    if (options.databaseStatus === 'stopping') this.sim.after(this.between(WORLD_TIMINGS.dbStopMs), () => { this.dbStatus = 'stopped'; });
    // An idle gateway: the scaler stopped the CP an hour ago (a fresh deployment has no state: `freshDeployment`).
    if (!options.freshDeployment) {
      this.items.set('idle-scaler', {
        pk: { S: 'idle-scaler' },
        version: { N: '1' },
        state: { S: JSON.stringify({ phase: 'idle', stoppedAt: options.start - 3_600_000, configHash: this.cpConfigHash, seen: {} }) },
        phase: { S: 'idle' },
      });
    }
    this.scheduleTicks();
  }

  // ---------------------------------------------------------------- the scaler

  /** The scaler's ports for one invocation: real adapters over this world's clients. */
  private portsFor(inv: Invocation): ScalerPorts {
    const clock: Clock = {
      now: () => this.sim.t,
      sleep: (ms) => (inv.killed ? never() : this.sim.sleep(ms).then(() => (inv.killed ? never() : undefined))),
    };
    const ecs = { send: (command: unknown) => this.call(inv, 'ecs', command, () => this.ecsApi(command)) } as unknown as Pick<ECSClient, 'send'>;
    const rds = { send: (command: unknown) => this.call(inv, 'rds', command, () => this.rdsApi(command)) } as unknown as Pick<RDSClient, 'send'>;
    const ddb = { send: (command: unknown) => this.call(inv, 'dynamodb', command, () => this.dynamoApi(command)) } as unknown as Pick<DynamoDBClient, 'send'>;
    const fetch = ((request: Request) => this.call(inv, 'kong', request, () => this.kongApi(request))) as unknown as typeof globalThis.fetch;
    // The exporter is invoked asynchronously (Lambda Invoke, InvocationType Event): the call returns once Lambda queued it.
    const exporter: FallbackExporter = { requestExport: (configHash) => this.call(inv, 'lambda', 'Invoke', () => { this.sim.after(0, () => this.runExporter(configHash)); }) };
    // As the Lambda builds it: one retry, its wait on the (virtual) Clock.
    const admin = createKongAdminClient({ baseUrl: 'http://kong-cp.kong.local:8001', fetch, timeoutMs: 3_000, retries: this.options.adminRetries ?? 1, clock });
    return {
      store: new DynamoStateStore(ddb, 'idle-scaler-state', clock),
      services: new EcsServices(ecs, { cluster: CLUSTER, controlPlaneService: CP_SERVICE, dataPlaneService: DP_SERVICE }),
      database: new AuroraCluster(rds, 'kong-db'),
      dataPlanes: new KongDataPlaneSync(admin, { staleAfterSeconds: STALE_AFTER_MS / 1000 }),
      ...(this.options.fallback ? { exporter } : {}),
      clock,
      log: (line) => this.logs.push({ ...(JSON.parse(line) as LogLine), invocation: inv.id }),
      random: this.sim.random,
    } as ScalerPorts;
  }

  /**
   * One API call: half the latency to get there, the effect, half to come
   * back. A killed invocation's calls never come back (and never land if they
   * had not yet).
   */
  private async call<T>(inv: Invocation, api: keyof typeof WORLD_TIMINGS.latencyMs, command: unknown, effect: () => T): Promise<Awaited<T>> {
    if (inv.killed) return never<Awaited<T>>();
    const range = WORLD_TIMINGS.latencyMs[api];
    const name = commandName(command);
    const latency = this.faults.latencyMs[name] ?? (this.options.lockstep ? (range[0] + range[1]) / 2 : this.between(range));
    await this.sim.sleep(latency / 2);
    if (inv.killed) return never<Awaited<T>>();
    const left = this.faults.throttle[name] ?? 0;
    let result: Awaited<T> | undefined;
    let error: unknown;
    if (left > 0) {
      this.faults.throttle[name] = left - 1;
      error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    } else {
      try {
        result = await effect();
      } catch (e) {
        error = e;
      }
    }
    await this.sim.sleep(latency / 2);
    if (inv.killed) return never<Awaited<T>>();
    if (error !== undefined) throw error;
    return result as Awaited<T>;
  }

  /** Invokes the function as EventBridge does: asynchronously, retried twice on an error or a timeout. */
  public invokeAsync(payload: unknown, attempt = 0): void {
    void this.invoke(payload).then(
      () => undefined,
      (error) => {
        if (attempt >= LAMBDA_ASYNC_RETRY_DELAYS_MS.length) return;
        this.sim.after(LAMBDA_ASYNC_RETRY_DELAYS_MS[attempt], () => this.invokeAsync(payload, attempt + 1));
        void error;
      },
    );
  }

  /** Invokes the function once (an operator's synchronous call); rejects on an error or a timeout. */
  public invoke(payload: unknown): Promise<HandlerResult> {
    const inv: Invocation = { id: `inv-${++this.invocationCount}`, deadline: this.sim.t + (this.options.lambdaTimeoutMs ?? this.config.syncTimeoutMs + 60_000), killed: false, done: false };
    const handler = createHandler(this.portsFor(inv), {
      dataPlaneService: DP_SERVICE,
      config: this.config,
      metrics: { namespace: 'KongHybrid/IdleScaler', dimensions: { ControlPlaneService: `${CLUSTER}/${CP_SERVICE}` } },
      reserveMs: 15_000,
    });
    return new Promise((resolve, reject) => {
      this.sim.at(inv.deadline, () => {
        if (inv.done) return;
        inv.killed = true;
        inv.done = true;
        this.lambdaFailures.push({ at: this.sim.t, invocation: inv.id, error: 'Task timed out' });
        reject(new Error(`${inv.id}: Task timed out`));
      });
      handler(payload, { awsRequestId: inv.id, getRemainingTimeInMillis: () => inv.deadline - this.sim.t }).then(
        (result) => {
          if (inv.killed) return;
          inv.done = true;
          resolve(result);
        },
        (error: Error) => {
          if (inv.killed) return;
          inv.done = true;
          this.lambdaFailures.push({ at: this.sim.t, invocation: inv.id, error: String(error?.message ?? error) });
          reject(error);
        },
      );
    });
  }

  /** The schedule: a `Scheduled Event` every minute, on the minute. */
  private scheduleTicks(): void {
    const every = WORLD_TIMINGS.tickIntervalMs;
    const next = Math.ceil((this.sim.t + 1) / every) * every;
    this.sim.at(next, () => {
      this.invokeAsync(scheduledEvent(this.sim.t));
      this.scheduleTicks();
    });
  }

  /** EventBridge: the rules of the `IdleScaler` construct, delivery delays, losses and duplicates. */
  private publish(event: WorldEvent): void {
    if (!this.matchesRules(event)) return;
    const deliveries = this.faults.dropEvent(event) ? 0 : this.faults.duplicateEvent(event) ? 2 : 1;
    for (let i = 0; i < deliveries; i++) {
      const usual = this.options.lockstep ? WORLD_TIMINGS.eventDeliveryMs[1] : this.between(WORLD_TIMINGS.eventDeliveryMs);
      const delay = usual + this.faults.extraDelayMs(event) + i * this.between([1_000, 20_000]);
      this.sim.after(delay, () => this.invokeAsync(event.payload));
    }
  }

  private matchesRules(event: WorldEvent): boolean {
    if (event.detailType === 'ECS Task State Change') {
      const detail = event.payload.detail as Record<string, unknown>;
      return detail.group === `service:${DP_SERVICE}` && ['PROVISIONING', 'PENDING'].includes(String(detail.lastStatus));
    }
    if (event.detailType === 'ECS Deployment State Change') {
      const detail = event.payload.detail as Record<string, unknown>;
      return detail.eventName === 'SERVICE_DEPLOYMENT_IN_PROGRESS';
    }
    return false;
  }

  // ---------------------------------------------------------------- ECS

  private newTask(service: 'cp' | 'dp', at = this.sim.t): SimTask {
    const id = hex(++this.taskCounter, 32, this.sim.random);
    const ip = this.freeIp();
    const task: SimTask = {
      arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${CLUSTER}/${id}`,
      id,
      service,
      ip,
      createdAt: at,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      version: 1,
      deployment: this.deployment,
      ...(service === 'dp' ? { node: { nodeId: uuid(this.sim.random), hash: EMPTY, up: false, connection: 0, connected: false, incompatible: this.faults.incompatibleDataPlanes, ignoresPushes: this.faults.dataPlanesIgnorePushes } } : {}),
    };
    this.tasks.push(task);
    return task;
  }

  private freeIp(): string {
    // Addresses of stopped tasks come back, as they do in a busy subnet (a small pool makes it likely).
    const pool = this.options.ipPool ?? 240;
    if (this.ips.size >= pool) throw new Error(`the simulated subnet has no free address left (${pool})`);
    for (;;) {
      const ip = `10.0.3.${10 + Math.floor(this.sim.random() * pool)}`;
      if (!this.ips.has(ip)) {
        this.ips.add(ip);
        return ip;
      }
    }
  }

  /** The service scheduler: starts or stops tasks until the service has its desired count. */
  private reconcile(service: 'cp' | 'dp'): void {
    const desired = service === 'cp' ? this.cpDesired : this.dpDesired;
    const active = this.tasks.filter((t) => t.service === service && t.desiredStatus === 'RUNNING' && !this.replacing.has(t));
    for (let i = active.length; i < desired; i++) this.launch(service);
    const extra = active.length - desired;
    if (extra > 0) {
      // Newest first.
      for (const task of [...active].sort((a, b) => b.createdAt - a.createdAt).slice(0, extra)) this.stopTask(task);
    }
  }

  private launch(service: 'cp' | 'dp', onRunning?: () => void): SimTask {
    const task = this.newTask(service);
    const dp = service === 'dp';
    this.emitTask(task);
    this.sim.after((dp ? this.faults.dataPlaneProvisionMs : undefined) ?? this.between(WORLD_TIMINGS.provisionMs), () => {
      if (task.desiredStatus !== 'RUNNING') return;
      this.setStatus(task, 'PENDING');
      this.sim.after((dp ? this.faults.dataPlanePendingMs : undefined) ?? this.between(WORLD_TIMINGS.pendingMs), () => {
        if (task.desiredStatus !== 'RUNNING') return;
        task.startedAt = this.sim.t;
        this.setStatus(task, 'RUNNING');
        onRunning?.();
        if (dp) this.sim.after(this.faults.dataPlaneBootMs ?? this.between(WORLD_TIMINGS.dpKongBootMs), () => this.dataPlaneUp(task));
        else this.sim.after(this.between(WORLD_TIMINGS.cpKongBootMs), () => this.controlPlaneBoot(task));
      });
    });
    return task;
  }

  private setStatus(task: SimTask, status: TaskStatus): void {
    task.lastStatus = status;
    task.version++;
    this.emitTask(task);
  }

  private stopTask(task: SimTask): void {
    this.replacing.delete(task);
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.version++;
    if (task.lastStatus === 'RUNNING') this.setStatus(task, 'DEACTIVATING');
    else this.emitTask(task);
    if (task.service === 'cp') this.sim.after(this.between(WORLD_TIMINGS.cpStopAnsweringMs), () => this.controlPlaneDown(task));
    this.sim.after(WORLD_TIMINGS.taskStopMs, () => {
      task.stoppedAt = this.sim.t;
      if (task.node) {
        task.node.up = false;
        task.node.connected = false;
      }
      this.setStatus(task, 'STOPPED');
      this.ips.delete(task.ip);
      this.reconcile(task.service);
      this.checkDeploymentDone();
    });
  }

  private emitTask(task: SimTask): void {
    const payload = taskStateChange({ cluster: CLUSTER, service: task.service === 'dp' ? DP_SERVICE : CP_SERVICE, taskId: task.id, lastStatus: task.lastStatus, version: task.version, time: this.sim.t });
    (payload.detail as Record<string, unknown>).desiredStatus = task.desiredStatus;
    (payload.detail as Record<string, unknown>).createdAt = new Date(task.createdAt).toISOString();
    this.publish({ detailType: 'ECS Task State Change', payload, occurredAt: this.sim.t, task: { id: task.id, lastStatus: task.lastStatus } });
  }

  private ecsApi(command: unknown): unknown {
    if (command instanceof DescribeServicesCommand) {
      const service = (name: string, kind: 'cp' | 'dp', desired: number) => {
        const mine = this.tasks.filter((t) => t.service === kind);
        return {
          serviceName: name,
          serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${CLUSTER}/${name}`,
          status: 'ACTIVE',
          desiredCount: desired,
          runningCount: mine.filter((t) => t.lastStatus === 'RUNNING').length,
          // The API's pendingCount: tasks in PENDING (PROVISIONING ones are not counted).
          pendingCount: mine.filter((t) => t.lastStatus === 'PENDING').length,
          deployments: kind === 'dp' && this.deploymentInProgress
            ? [{ id: this.deployment, status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, { id: 'ecs-svc/old', status: 'ACTIVE', rolloutState: 'COMPLETED' }]
            : [{ id: kind === 'dp' ? this.deployment : 'ecs-svc/cp', status: 'PRIMARY', rolloutState: 'COMPLETED' }],
        };
      };
      return { services: [service(CP_SERVICE, 'cp', this.cpDesired), service(DP_SERVICE, 'dp', this.dpDesired)], failures: [] };
    }
    if (command instanceof UpdateServiceCommand) {
      const { service, desiredCount } = command.input;
      if (service !== CP_SERVICE) throw Object.assign(new Error(`not allowed: ${service}`), { name: 'AccessDeniedException' });
      this.setControlPlaneDesired(desiredCount ?? 0);
      return { service: { serviceName: CP_SERVICE, desiredCount } };
    }
    if (command instanceof ListTasksCommand) {
      const { serviceName, desiredStatus = 'RUNNING', nextToken, maxResults = 100 } = command.input;
      const kind = serviceName === DP_SERVICE ? 'dp' : serviceName === CP_SERVICE ? 'cp' : undefined;
      const arns = this.tasks.filter((t) => t.service === kind && t.desiredStatus === desiredStatus).map((t) => t.arn);
      const start = nextToken ? Number(nextToken) : 0;
      const page = arns.slice(start, start + maxResults);
      return { taskArns: page, ...(start + maxResults < arns.length ? { nextToken: String(start + maxResults) } : {}) };
    }
    if (command instanceof DescribeTasksCommand) {
      const wanted = command.input.tasks ?? [];
      if (wanted.length > 100) throw Object.assign(new Error('too many tasks'), { name: 'InvalidParameterException' });
      const found = wanted.map((arn) => this.tasks.find((t) => t.arn === arn || t.id === arn));
      return {
        tasks: found.filter((t): t is SimTask => t !== undefined).map((t) => describeTask(t)),
        failures: wanted.filter((_, i) => !found[i]).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    }
    throw new Error(`the simulated ECS does not know ${commandName(command)}`);
  }

  /** Called when ECS applies a desired count to the CP service (a scenario can make something happen right then). */
  public onControlPlaneDesired?: (count: number) => void;

  private setControlPlaneDesired(count: number): void {
    const before = this.cpDesired;
    this.cpDesired = count;
    if (before === 0 && count > 0) {
      this.cpWantedSince = this.sim.t;
      this.cpAnsweredSince = undefined;
    }
    if (before > 0 && count === 0) {
      this.cpWantedSince = undefined;
      this.stops.push({
        at: this.sim.t,
        readable: this.cpAnswering && !this.faults.adminApiUnreachable,
        cpConfigHash: this.cpConfigHash,
        cpConfigChangedAt: this.cpConfigChangedAt,
        dataPlanes: this.tasks.filter((t) => t.service === 'dp' && t.lastStatus !== 'STOPPED').map((t) => ({
          id: t.id, createdAt: t.createdAt, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, hash: t.node!.hash, up: t.node!.up,
        })),
      });
    }
    this.reconcile('cp');
    this.onControlPlaneDesired?.(count);
  }

  // ---------------------------------------------------------------- Kong control plane

  private controlPlaneBoot(task: SimTask): void {
    if (task.desiredStatus !== 'RUNNING') return;
    if (this.faults.controlPlaneBroken || this.dbStatus !== 'available') {
      // Kong cannot start (no database, or broken): the container exits; ECS starts another task.
      this.stopTask(task);
      return;
    }
    const paused = this.sim.t - this.dbLastUsedAt >= WORLD_TIMINGS.auroraAutoPauseMs;
    const generation = ++this.cpBootGeneration;
    this.sim.after(paused ? figureMs(FIGURES.auroraResume) : 0, () => {
      if (task.desiredStatus !== 'RUNNING' || generation !== this.cpBootGeneration || this.dbStatus !== 'available') {
        if (task.desiredStatus === 'RUNNING' && this.dbStatus !== 'available') this.stopTask(task);
        return;
      }
      this.cpAnswering = true;
      this.cpAnsweredSince ??= this.sim.t;
      this.keepDatabaseBusy();
      for (const waiting of this.waiting) this.sim.after(this.between([0, simulatedRangeMs(FIGURES.dpReconnectDelay)[1]]), () => this.connect(waiting));
      this.waiting.clear();
    });
  }

  private keepDatabaseBusy(): void {
    if (!this.cpAnswering) return;
    this.dbLastUsedAt = this.sim.t;
    this.sim.after(60_000, () => this.keepDatabaseBusy());
  }

  private controlPlaneDown(task: SimTask): void {
    if (!this.cpAnswering) return;
    const others = this.tasks.some((t) => t !== task && t.service === 'cp' && t.desiredStatus === 'RUNNING' && t.lastStatus === 'RUNNING');
    if (others) return;
    this.cpAnswering = false;
    this.cpBootGeneration++;
    for (const t of this.tasks) {
      const node = t.node;
      if (!node || !node.connected) continue;
      node.connected = false;
      node.connection++;
      this.waiting.add(t);
    }
  }

  /** An admin changes the configuration through the Admin API (only possible while it answers). */
  public adminChange(): boolean {
    if (!this.cpAnswering) return false;
    this.cpConfigHash = this.nextHash();
    this.cpConfigChangedAt = this.sim.t;
    // The push loop sleeps db_update_frequency after each push (FIGURES.kongPushDelay).
    const pushAt = Math.max(this.sim.t, this.lastPushAt + figureMs(FIGURES.kongPushDelay)) + this.between([0, 1_000]);
    this.sim.at(pushAt, () => this.push());
    return true;
  }

  private push(): void {
    if (!this.cpAnswering) return;
    this.lastPushAt = this.sim.t;
    for (const t of this.tasks) if (t.node?.connected && !t.node.incompatible) this.send(t, this.cpConfigHash);
  }

  /** The control plane sends a configuration; the data plane applies it and pings at once. */
  private send(task: SimTask, hash: string): void {
    const node = task.node!;
    const connection = node.connection;
    this.sim.after(this.between(WORLD_TIMINGS.applyMs), () => {
      if (!node.connected || node.connection !== connection) return;
      if (node.ignoresPushes) return;
      node.hash = hash;
      node.readyAt ??= this.sim.t;
      if (hash === this.cpConfigHash) node.configuredAt = this.sim.t;
      this.sim.after(this.between([0, figureMs(FIGURES.kongPingAfterApply)]), () => this.ping(task, connection, false));
    });
  }

  private nextHash(): string {
    return hex(++this.configCounter * 7919, 32, this.sim.random);
  }

  // ---------------------------------------------------------------- Kong data planes

  private dataPlaneUp(task: SimTask): void {
    if (task.desiredStatus !== 'RUNNING' || !task.node) return;
    // A new Fargate task has an empty disk: no LMDB cache, an empty configuration, unless its
    // start script fetched the last export and Kong loaded it (declarative_config, kong/init.lua:929-943).
    const fallback = this.options.fallback ? this.exports[this.exports.length - 1] : undefined;
    if (fallback) {
      task.node.hash = fallback.fileHash;
      task.node.fallbackHash = fallback.fileHash;
      task.node.readyAt = this.sim.t;
    }
    task.node.up = true;
    this.connect(task);
  }

  private connect(task: SimTask): void {
    const node = task.node!;
    if (!node.up || node.connected || task.lastStatus === 'STOPPED') return;
    if (!this.cpAnswering) {
      this.waiting.add(task);
      return;
    }
    if (node.incompatible) {
      // The CP records it as incompatible and closes the connection; the DP retries.
      this.upsertRow(task, this.sim.t);
      this.sim.after(this.between(simulatedRangeMs(FIGURES.dpReconnectDelay)), () => this.connect(task));
      return;
    }
    node.connected = true;
    const connection = ++node.connection;
    this.upsertRow(task, this.sim.t);
    this.send(task, this.cpConfigHash);
    this.sim.after(figureMs(FIGURES.kongPingInterval), () => this.ping(task, connection, true));
  }

  private ping(task: SimTask, connection: number, periodic: boolean): void {
    const node = task.node!;
    if (!node.connected || node.connection !== connection || !node.up) return;
    this.upsertRow(task, this.sim.t);
    if (periodic) this.sim.after(figureMs(FIGURES.kongPingInterval), () => this.ping(task, connection, true));
  }

  private upsertRow(task: SimTask, at: number): void {
    const node = task.node!;
    const seconds = Math.floor(at / 1000);
    this.rows.set(node.nodeId, {
      id: node.nodeId,
      ip: task.ip,
      hostname: `ip-${task.ip.replace(/\./g, '-')}.ec2.internal`,
      version: node.incompatible ? '3.10.0' : '3.9.3',
      config_hash: node.hash,
      last_seen: seconds,
      updated_at: seconds,
      ttl: FIGURES.kongDataPlaneRowTtl.seconds,
      sync_status: node.incompatible ? 'kong_version_incompatible' : 'normal',
      // cluster_dp_labels, sent in basic_info and stored in the row (kong/clustering/control_plane.lua:260)
      labels: node.fallbackHash ? { [FALLBACK_LABEL]: node.fallbackHash } : null,
    });
  }

  /**
   * The exporter function (packages/cdk, lambda/fallback-config-exporter):
   * skips a hash already exported, reads the data planes, exports only when
   * every fresh one that is not on its fallback runs the hash it was asked
   * for, looks again after the propagation delay, then stores the export.
   */
  private runExporter(configHash: string): void {
    const record = (outcome: World['exportRequests'][number]['outcome']) => this.exportRequests.push({ at: this.sim.t, configHash, outcome });
    if (this.exports.some((e) => e.cpHash === configHash) && this.exports[this.exports.length - 1].cpHash === configHash) {
      record('already exported');
      return;
    }
    const inSync = () => {
      const fresh = [...this.rows.values()].filter((r) => this.sim.t - Number(r.last_seen) * 1000 <= STALE_AFTER_MS);
      const cp = fresh.filter((r) => !(r.labels && r.labels[FALLBACK_LABEL] === r.config_hash));
      return cp.length > 0 && cp.every((r) => r.config_hash === configHash);
    };
    if (!this.cpAnswering) {
      record('cannot read');
      return;
    }
    if (!inSync()) {
      record('not in sync');
      return;
    }
    this.sim.after(this.between(WORLD_TIMINGS.exportMs), () => {
      // The export read the CP's configuration as it is now; its second look must still see the hash.
      if (!this.cpAnswering) {
        record('cannot read');
        return;
      }
      if (!inSync() || this.cpConfigHash !== configHash) {
        record('not in sync');
        return;
      }
      this.exports.push({ cpHash: configHash, fileHash: fileHashOf(configHash), at: this.sim.t });
      record('exported');
    });
  }

  /** `GET /clustering/data-planes` and the rest of the Admin API, from the emulator's Kong model, checked against the document. */
  private async kongApi(request: Request): Promise<Response> {
    if (!this.cpAnswering || this.faults.adminApiUnreachable) {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.2.10:8001'), { code: 'ECONNREFUSED' }) });
    }
    const url = new URL(request.url);
    const found = this.contract.find(request.method, url.pathname);
    if (!('match' in found)) {
      this.contractViolations.push(`${request.method} ${url.pathname}: no operation of the document`);
      return new Response(JSON.stringify({ message: 'Not found' }), { status: 404, headers: { 'content-type': 'application/json' } });
    }
    const problems = this.contract.validateRequest(found.match, url.searchParams, { present: false, json: false });
    if (problems.length > 0) this.contractViolations.push(`request ${request.method} ${url.pathname}: ${problems.join('; ')}`);
    this.kong.dataPlanes = [...this.rows.values()].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    const answer = this.kong.handle({ method: request.method, path: url.pathname, query: url.searchParams, rawQuery: url.search, headers: Object.fromEntries(request.headers) });
    const responseProblems = this.contract.validateResponse(found.match, answer.status, { present: answer.body !== undefined, json: true, value: answer.body });
    if (responseProblems.length > 0) this.contractViolations.push(`response ${request.method} ${url.pathname}: ${responseProblems.join('; ')}`);
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  }

  // ---------------------------------------------------------------- Aurora

  private rdsApi(command: unknown): unknown {
    if (command instanceof DescribeDBClustersCommand) return { DBClusters: [{ DBClusterIdentifier: 'kong-db', Status: this.dbStatus }] };
    if (command instanceof StartDBClusterCommand) {
      if (this.dbStatus !== 'stopped') {
        throw Object.assign(new Error(`DbCluster kong-db is in ${this.dbStatus} state but expected it to be one of stopped,inaccessible-encryption-credentials-recoverable.`), { name: 'InvalidDBClusterStateFault' });
      }
      this.dbStatus = 'starting';
      this.sim.after(this.between(WORLD_TIMINGS.dbStartMs), () => { this.dbStatus = 'available'; });
      return { DBCluster: { Status: 'starting' } };
    }
    throw new Error(`the simulated RDS does not know ${commandName(command)}`);
  }

  /** Someone stops the database (an operator, a cost tool): `stopping`, then `stopped`. */
  public stopDatabase(stoppingMs = this.between(WORLD_TIMINGS.dbStopMs)): void {
    this.dbStatus = 'stopping';
    this.sim.after(stoppingMs, () => { this.dbStatus = 'stopped'; });
  }

  // ---------------------------------------------------------------- DynamoDB

  private dynamoApi(command: unknown): unknown {
    if (command instanceof GetItemCommand) {
      const key = command.input.Key!.pk.S!;
      const item = this.items.get(key);
      return item ? { Item: structuredClone(item) } : {};
    }
    if (command instanceof PutItemCommand) {
      const item = command.input.Item!;
      const key = item.pk.S!;
      const current = this.items.get(key);
      const condition = command.input.ConditionExpression;
      const names = command.input.ExpressionAttributeNames ?? {};
      const values = command.input.ExpressionAttributeValues ?? {};
      let ok: boolean;
      if (condition === undefined) ok = true;
      else if (/^attribute_not_exists\((#\w+)\)$/.test(condition)) ok = current === undefined;
      else {
        const m = /^(#\w+) = (:\w+)$/.exec(condition);
        if (!m) throw new Error(`the simulated DynamoDB does not know the condition ${condition}`);
        const attribute = names[m[1]];
        ok = current !== undefined && JSON.stringify(current[attribute]) === JSON.stringify(values[m[2]]);
      }
      if (!ok) throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      this.items.set(key, structuredClone(item));
      return {};
    }
    throw new Error(`the simulated DynamoDB does not know ${commandName(command)}`);
  }

  /** The stored state item, as the next invocation would read it. */
  public storedState(): { phase: string; cooldownUntil?: number; wokeAt?: number; [key: string]: unknown } | undefined {
    const item = this.items.get('idle-scaler');
    return item?.state?.S ? JSON.parse(item.state.S) : undefined;
  }

  // ---------------------------------------------------------------- what scenarios do

  /** The data plane service scales to `count` tasks (Application Auto Scaling). */
  public scaleDataPlane(count: number): void {
    this.dpDesired = count;
    this.reconcile('dp');
  }

  /** The data plane service scales out by one task; returns it. */
  public launchDataPlaneTask(): SimTask {
    this.scaleDataPlane(this.dpDesired + 1);
    return this.tasks[this.tasks.length - 1];
  }

  /** A data plane task dies (out of memory, a failed health check): ECS replaces it. */
  public killDataPlaneTask(task?: SimTask): SimTask | undefined {
    const victim = task ?? this.runningDataPlanes()[0];
    if (victim) this.stopTask(victim);
    return victim;
  }

  /**
   * ECS replaces a data plane task (a failed health check, a Fargate
   * retirement): the new task starts first, the old one stops once the new
   * one runs, as a service with maximumPercent 200 does.
   */
  public replaceDataPlaneTask(old = this.runningDataPlanes()[0]): SimTask {
    this.replacing.add(old);
    return this.launch('dp', () => this.stopTask(old));
  }

  /** A rolling deployment of the data plane: new tasks first, then the old ones stop. */
  public deployDataPlane(): void {
    this.deployment = `ecs-svc/${String(++this.taskCounter).padStart(4, '0')}`;
    this.deploymentInProgress = true;
    const old = this.tasks.filter((t) => t.service === 'dp' && t.desiredStatus === 'RUNNING');
    this.publish({
      detailType: 'ECS Deployment State Change',
      payload: deploymentStateChange({ cluster: CLUSTER, service: DP_SERVICE, deploymentId: this.deployment, eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', time: this.sim.t }),
      occurredAt: this.sim.t,
    });
    const deployment = this.deployment;
    for (const task of old) this.replacing.add(task);
    const fresh = old.map(() => this.launch('dp'));
    // ECS stops an old task once a new one is healthy (its /status/ready needs a configuration);
    // a new task that dies is replaced by another.
    const replaceWhenHealthy = (i: number) => {
      if (this.deployment !== deployment) return;
      if (fresh[i].desiredStatus !== 'RUNNING') fresh[i] = this.launch('dp');
      const task = fresh[i];
      if (task.lastStatus === 'RUNNING' && task.node!.hash !== EMPTY) this.stopTask(old[i]);
      else this.sim.after(5_000, () => replaceWhenHealthy(i));
    };
    fresh.forEach((_, i) => replaceWhenHealthy(i));
  }

  private checkDeploymentDone(): void {
    if (!this.deploymentInProgress) return;
    const active = this.tasks.filter((t) => t.service === 'dp' && t.desiredStatus === 'RUNNING');
    const settled = active.every((t) => t.deployment === this.deployment && t.lastStatus === 'RUNNING')
      && !this.tasks.some((t) => t.service === 'dp' && t.deployment !== this.deployment && t.lastStatus !== 'STOPPED');
    if (settled) this.deploymentInProgress = false;
  }

  public runningDataPlanes(): SimTask[] {
    return this.tasks.filter((t) => t.service === 'dp' && t.desiredStatus === 'RUNNING' && t.lastStatus === 'RUNNING');
  }

  /** Every data plane task that should serve runs the control plane's configuration. */
  public dataPlanesOnConfig(): boolean {
    return this.tasks.filter((t) => t.service === 'dp' && t.desiredStatus === 'RUNNING').every((t) => t.lastStatus === 'RUNNING' && t.node!.hash === this.cpConfigHash);
  }

  /** Runs the world until `end`, checking `check` after every step. */
  public run(until: number, check: () => void): Promise<void> {
    return this.sim.run(until, check);
  }

  public between(range: Range): number {
    return this.sim.between(range[0], range[1]);
  }

  /** Decisions of the scaler so far, by name. */
  public decisions(name: string): LogLine[] {
    return this.logs.filter((l) => l.decision === name);
  }
}

/** The MD5 of the export file of a CP configuration (deterministic: the world draws nothing for it). */
export function fileHashOf(cpHash: string): string {
  return createHash('md5').update(`export of ${cpHash}`).digest('hex');
}

function describeTask(t: SimTask): Task {
  return {
    taskArn: t.arn,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
    group: `service:${t.service === 'dp' ? DP_SERVICE : CP_SERVICE}`,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    version: t.version,
    launchType: 'FARGATE',
    createdAt: new Date(t.createdAt),
    ...(t.startedAt !== undefined ? { startedAt: new Date(t.startedAt) } : {}),
    ...(t.stoppedAt !== undefined ? { stoppedAt: new Date(t.stoppedAt) } : {}),
    attachments: [{
      type: 'ElasticNetworkInterface',
      status: t.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
      details: [
        { name: 'subnetId', value: 'subnet-0123456789abcdef0' },
        { name: 'networkInterfaceId', value: `eni-${t.id.slice(0, 17)}` },
        { name: 'privateIPv4Address', value: t.ip },
      ],
    }],
    containers: [{ name: 'kong', lastStatus: t.lastStatus, networkInterfaces: [{ privateIpv4Address: t.ip }] }],
  };
}

function commandName(command: unknown): string {
  if (command instanceof Request) return 'fetch';
  if (typeof command === 'string') return command;
  return (command as { constructor?: { name?: string } })?.constructor?.name?.replace(/Command$/, '') ?? 'unknown';
}

function hex(n: number, length: number, random: () => number): string {
  let out = (n >>> 0).toString(16);
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out.slice(0, length);
}

function uuid(random: () => number): string {
  const h = hex(0, 32, random).replace(/^0/, 'a');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
