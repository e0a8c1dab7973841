import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { startKongAdminEmulator, type DataPlane, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { DynamoStateStore } from '../../src/adapters/dynamodb';
import { EcsServices } from '../../src/adapters/ecs';
import { KongDataPlaneSync } from '../../src/adapters/kong';
import { AuroraCluster } from '../../src/adapters/rds';
import { DEFAULT_CONFIG, type ScalerConfig } from '../../src/core';
import { createHandler, type Handler, type HandlerResult } from '../../src/handler';
import type { ServicesPort } from '../../src/ports';
import type { StatusReport } from '../../src/scaler';
import { dataPlaneRow } from './data-plane-row';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable, scaleDataPlaneTasks, type KongServices } from './aws';
import { scheduledEvent, taskStateChange } from './events';
import type { MotoServer } from './moto';

/** 2026-01-01T09:00:00Z: the start of every timeline. */
export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
export const HASH_1 = '1f3870be274f6c49b3e31a0c6728957f';
export const HASH_2 = '8e296a067a37563370ded05f5a3bf3ec';

/** How long things take in the simulated world. */
export interface WorldTimings {
  /** From the CP's desired count 1 (and the database available) to its Admin API answering: Fargate, Kong, Aurora resume. */
  readonly controlPlaneBootMs: number;
  /** From the CP answering to the DPs reconnecting and reporting their config (Kong: 5-10 s). */
  readonly dataPlaneReconnectMs: number;
}

export const DEFAULT_TIMINGS: WorldTimings = { controlPlaneBootMs: 40_000, dataPlaneReconnectMs: 8_000 };

/**
 * The world around the scaler, on a virtual clock: ECS and RDS are moto
 * (real API calls), the CP's Admin API is the emulator. The world reacts to
 * what moto says: when the CP's desired count is 1 (and the database is
 * available) for long enough, the Admin API answers and the DPs report.
 */
export class World {
  public t = T0;
  public configHash = HASH_1;
  /** Forces the Admin API down whatever the CP does (a broken CP, a network problem). */
  public adminApiBroken = false;
  /** When the world's physical milestones happened (for latency figures). */
  public readonly milestones: { controlPlaneAnswering?: number; dataPlanesSynced?: number } = {};
  private cpWantedSince: number | undefined;
  private dbAvailableSince: number | undefined = T0;
  private rows = new Map<string, DataPlane>();

  constructor(
    readonly ecs: ECSClient,
    readonly rds: RDSClient,
    readonly emulator: KongAdminEmulator,
    readonly where: KongServices,
    readonly databaseId: string | undefined,
    readonly timings: WorldTimings,
  ) {}

  /** Moves the clock and lets the world catch up. */
  public async advance(ms: number): Promise<void> {
    this.t += ms;
    await this.settle();
  }

  /**
   * A wait of `ms`. This harness has one clock for invocations that run side
   * by side in real time, so each wait would add to the others': the
   * sub-second waits (the conflict backoff) take no virtual time here. The
   * scenario suite (test/scenario/) schedules every wait properly.
   */
  public async sleep(ms: number): Promise<void> {
    if (ms >= 1_000) await this.advance(ms);
  }

  /** Reads moto and updates what the Admin API answers. */
  public async settle(): Promise<void> {
    const { controlPlane, dataPlane } = await this.services();
    if (controlPlane.desiredCount! > 0) this.cpWantedSince ??= this.t;
    else this.cpWantedSince = undefined;
    if (this.databaseId) {
      const status = (await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: this.databaseId }))).DBClusters?.[0]?.Status;
      if (status === 'available') this.dbAvailableSince ??= this.t;
      else this.dbAvailableSince = undefined;
    }
    const since = this.cpWantedSince !== undefined && this.dbAvailableSince !== undefined ? Math.max(this.cpWantedSince, this.dbAvailableSince) : undefined;
    const answering = since !== undefined && this.t - since >= this.timings.controlPlaneBootMs && !this.adminApiBroken;
    if (answering) this.milestones.controlPlaneAnswering ??= this.t;
    this.emulator.setDown(!answering);

    // Connected DPs report every heartbeat from their task's address; rows of
    // gone or cut-off DPs keep their last_seen (Kong keeps them in its database).
    const reconnected = answering && this.t - (since! + this.timings.controlPlaneBootMs) >= this.timings.dataPlaneReconnectMs;
    const tasks = reconnected ? await dataPlaneTasks(this.ecs, this.where) : [];
    for (const task of tasks) this.rows.set(task.id, dataPlaneRow(task.id, task.ip, Math.floor(this.t / 1000), this.configHash));
    if (reconnected && (dataPlane.runningCount ?? 0) > 0) this.milestones.dataPlanesSynced ??= this.t;
    this.emulator.setDataPlanes([...this.rows.values()]);
  }

  /** An admin changes the configuration: the CP pushes it, the DPs report its hash at once. */
  public pushConfig(hash: string): void {
    this.configHash = hash;
  }

  /** The DP service scales to `count` tasks (they run at once, each with its own private IP). */
  public async scaleDataPlane(count: number): Promise<void> {
    await scaleDataPlaneTasks(this.ecs, this.where, count);
  }

  public async controlPlaneDesiredCount(): Promise<number> {
    return (await this.services()).controlPlane.desiredCount ?? -1;
  }

  /** Forgets when things happened (before a new wake). */
  public resetMilestones(): void {
    delete this.milestones.controlPlaneAnswering;
    delete this.milestones.dataPlanesSynced;
  }

  private async services() {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: this.where.cluster, services: [this.where.controlPlaneService, this.where.dataPlaneService] }));
    const find = (name: string) => out.services!.find((s) => s.serviceName === name)!;
    return { controlPlane: find(this.where.controlPlaneService), dataPlane: find(this.where.dataPlaneService) };
  }
}

/** One log line of the scaler, parsed. */
export interface LogEntry {
  readonly time: string;
  readonly decision: string;
  readonly reason: string;
  readonly phase?: string;
  readonly [key: string]: unknown;
}

export interface HarnessOptions {
  readonly config?: Partial<ScalerConfig>;
  readonly timings?: Partial<WorldTimings>;
  readonly dataPlaneTasks?: number;
  readonly databaseStopped?: boolean;
  /** The ECS client the scaler uses (the world always uses moto directly). */
  readonly scalerEcs?: ECSClient;
  /** Wraps the scaler's ECS adapter (to order calls in race tests). */
  readonly wrapServices?: (services: ServicesPort) => ServicesPort;
}

/**
 * The scaler with its real adapters (DynamoDB, ECS and RDS on moto, Kong on
 * the emulator) on the world's virtual clock, fed EventBridge events as AWS
 * delivers them.
 */
export class Harness {
  public readonly logs: LogEntry[] = [];
  public readonly config: ScalerConfig;
  private handler!: Handler;
  private invocations = 0;

  private constructor(public readonly world: World, config: ScalerConfig) {
    this.config = config;
  }

  public static async start(moto: MotoServer, options: HarnessOptions = {}): Promise<Harness> {
    const ecs = new ECSClient(moto.clientConfig);
    const rds = new RDSClient(moto.clientConfig);
    const ddb = new DynamoDBClient(moto.clientConfig);
    const where = await givenKongServices(ecs, { dataPlane: options.dataPlaneTasks ?? 2 });
    const databaseId = await givenDatabaseCluster(rds, { stopped: options.databaseStopped });
    const table = await givenStateTable(ddb);
    const emulator = await startKongAdminEmulator();
    const world = new World(ecs, rds, emulator, where, databaseId, { ...DEFAULT_TIMINGS, ...options.timings });
    await world.settle();

    const config = { ...DEFAULT_CONFIG, ...options.config };
    const harness = new Harness(world, config);
    const services = new EcsServices(options.scalerEcs ?? ecs, where);
    const clock = { now: () => world.t, sleep: (ms: number) => world.sleep(ms) };
    // An idle gateway: the scaler stopped the CP an hour ago, its DPs in sync then.
    await new DynamoStateStore(ddb, table, clock).save({ phase: 'idle', stoppedAt: T0 - 3_600_000, configHash: HASH_1, seen: {} }, 0, undefined);
    harness.handler = createHandler({
      store: new DynamoStateStore(ddb, table, clock),
      services: options.wrapServices ? options.wrapServices(services) : services,
      database: new AuroraCluster(rds, databaseId),
      dataPlanes: new KongDataPlaneSync(createKongAdminClient({ baseUrl: emulator.baseUrl, timeoutMs: 2_000, retries: 1, clock }), { staleAfterSeconds: 90 }),
      clock,
      log: (line) => harness.logs.push(JSON.parse(line) as LogEntry),
    }, {
      dataPlaneService: where.dataPlaneService,
      config,
      metrics: { namespace: 'KongHybrid/IdleScaler', dimensions: { ControlPlaneService: `${where.cluster}/kong-cp` } },
      reserveMs: 15_000,
    });
    harness.closers.push(async () => {
      await emulator.stop();
      for (const client of [ecs, rds, ddb]) client.destroy();
    });
    return harness;
  }

  private readonly closers: Array<() => Promise<void>> = [];

  /** Invokes the scaler as Lambda would, with the function's timeout on the virtual clock. */
  public async invoke(raw: unknown, options: { timeoutMs?: number } = {}): Promise<HandlerResult> {
    this.invocations++;
    const deadline = this.world.t + (options.timeoutMs ?? this.config.syncTimeoutMs + 60_000);
    return this.handler(raw, { awsRequestId: `invocation-${this.invocations}`, getRemainingTimeInMillis: () => deadline - this.world.t });
  }

  /** `{"action":"status"}` through the real handler: the state the next invocation would read, and a look. */
  public async status(): Promise<StatusReport> {
    const report = await this.invoke({ action: 'status' });
    if (report.kind !== 'status') throw new Error(`status answered ${JSON.stringify(report)}`);
    return report;
  }

  /** A DP task starting, as ECS reports it. */
  public dataPlaneTaskStarting(taskId: string, version = 1) {
    return this.invoke(taskStateChange({ cluster: this.world.where.cluster, service: this.world.where.dataPlaneService, taskId, lastStatus: 'PROVISIONING', version, time: this.world.t }));
  }

  /** The schedule, every `everyMs`, for `forMs` (the world moves between ticks). */
  public async ticks(forMs: number, everyMs = 60_000, between?: (t: number) => Promise<void> | void): Promise<void> {
    const end = this.world.t + forMs;
    while (this.world.t + everyMs <= end) {
      // Ticks land on the minute; an invocation that polled past one skips it, as its lease would make it do.
      const next = Math.ceil((this.world.t + 1) / everyMs) * everyMs;
      await this.world.advance(next - this.world.t);
      await between?.(this.world.t);
      await this.invoke(scheduledEvent(this.world.t));
    }
  }

  /** Decisions so far, by name. */
  public decisions(name: string): LogEntry[] {
    return this.logs.filter((l) => l.decision === name);
  }

  /**
   * The log as a timeline an operator reads: time since T0, decision, phase,
   * reason, actions, metrics. A run of quiet lines (the same decision, no
   * action) shows as its first line and how long it lasted.
   */
  public timeline(): string {
    const clock = (l: LogEntry) => {
      const t = Date.parse(l.time) - T0;
      return `+${String(Math.floor(t / 60_000)).padStart(2, '0')}:${String(Math.floor((t % 60_000) / 1000)).padStart(2, '0')}`;
    };
    const quiet = (l: LogEntry) => ['cooldown', 'idle', 'waiting'].includes(l.decision) && !((l.actions as string[] | undefined)?.length);
    const entries = this.logs.filter((l) => l.decision !== 'observe');
    const lines: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const l = entries[i];
      let j = i;
      while (quiet(l) && j + 1 < entries.length && entries[j + 1].decision === l.decision && quiet(entries[j + 1])) j++;
      const metrics = ['Wakes', 'WakeToRunning', 'WakeToSynced', 'CooldownExtensions', 'Stops', 'SyncTimeouts', 'Failures']
        .filter((m) => l[m] !== undefined).map((m) => `${m}=${l[m]}`).join(' ');
      const actions = Array.isArray(l.actions) && l.actions.length > 0 ? ` [${(l.actions as string[]).join(', ')}]` : '';
      const run = j > i ? `  (×${j - i + 1} until ${clock(entries[j])})` : '';
      lines.push(`${clock(l)}  ${l.decision.padEnd(18)} ${(l.phase ?? '').padEnd(8)} ${l.reason}${actions}${metrics ? `  {${metrics}}` : ''}${run}`);
      i = j;
    }
    return lines.join('\n');
  }

  public async stop(): Promise<void> {
    for (const close of this.closers) await close();
  }
}
