import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { startKongAdminEmulator, type DataPlane, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { AuroraCluster, createHandler, DEFAULT_CONFIG, DynamoStateStore, EcsServices, FALLBACK_LABEL, KongDataPlaneSync, systemClock, type ScalerConfig } from '@kong-hybrid/idle-scaler';
import { dataPlaneRow } from '@kong-hybrid/idle-scaler/test/support/data-plane-row';
import { dataPlaneTasks, givenDatabaseCluster, givenKongServices, givenStateTable, unique, type KongServices } from '@kong-hybrid/idle-scaler/test/support/aws';
import type { MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import { synthesizeSample } from '../../../cost-model/test/sample';
import { startAdminPath, startCheckIp, type AdminPath } from './alb';
import { startLocalLambda, type LocalLambda } from './lambda-endpoint';

/** The sample deployment's template: synthesized once for the test file, a copy of it for each gateway (which changes it). */
let sample: unknown;
function sampleTemplate(): unknown {
  sample ??= synthesizeSample()[0].template;
  return structuredClone(sample);
}

/** The command under test: the bundle, as the package's bin runs it. */
export const BIN = path.join(__dirname, '..', '..', 'bin', 'kong-hybrid.mjs');
export const HASH = '1f3870be274f6c49b3e31a0c6728957f';
/** The address the checkip stand-in reports for this machine (TEST-NET-2). */
export const PUBLIC_IP = '198.51.100.7';

/** How long things take in this world (real time, short). */
export interface Timings {
  /** From the CP's desired count 1 to its Admin API answering. */
  readonly controlPlaneBootMs: number;
  /** From the CP answering to the DPs reporting its configuration. */
  readonly dataPlaneReconnectMs: number;
}

export interface GatewayOptions {
  readonly dataPlanes?: number;
  /** A gateway with the idle scaler (false: controlPlaneAlwaysOn). @default true */
  readonly scaler?: boolean;
  readonly timings?: Partial<Timings>;
  readonly config?: Partial<ScalerConfig>;
  readonly allowedCidrs?: string[];
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A deployed gateway, as the CLI sees it: its stack (CloudFormation on moto,
 * with the outputs `KongHybridGateway` writes, on a real synthesized
 * template), ECS, RDS, Secrets Manager and CloudWatch on moto, the idle
 * scaler's real handler behind a local Lambda Invoke endpoint (its state in
 * DynamoDB on moto), the control plane's Admin API on the emulator, and the
 * admin path (/kong-admin) in front of it. A loop on the real clock plays
 * the world: the CP answers a while after its desired count turns 1, then
 * the DPs report its configuration.
 */
export class TestGateway {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;
  /** The CP's running tasks differed from its desired count at the last look. */
  private cpTasksOff = false;
  private cpWantedSince?: number;
  private lastAcu?: { value: number; at: number };
  private rows = new Map<string, DataPlane>();
  private readonly closers: Array<() => Promise<void> | void> = [];
  public configHash = HASH;
  /** While true, DP tasks started from now on do not connect (no row): a data plane that has not synced. */
  public holdNewDataPlanes = false;
  /**
   * While set, DP tasks started from now on connect serving this fallback
   * configuration (the file's MD5, also their `fallback-config` label) and
   * keep it: a data plane the control plane has not configured yet.
   */
  public fallbackHash?: string;

  private constructor(
    readonly moto: MotoServer,
    readonly stackName: string,
    readonly where: KongServices,
    readonly databaseId: string,
    readonly apiKey: string,
    readonly emulator: KongAdminEmulator,
    readonly adminPath: AdminPath,
    readonly lambda: LocalLambda | undefined,
    readonly functionName: string | undefined,
    readonly checkIpUrl: string,
    readonly timings: Timings,
    private readonly ecs: ECSClient,
    private readonly cloudwatch: CloudWatchClient,
  ) {}

  public static async start(moto: MotoServer, options: GatewayOptions = {}): Promise<TestGateway> {
    const aws = moto.clientConfig;
    const ecs = new ECSClient(aws);
    const rds = new RDSClient(aws);
    const ddb = new DynamoDBClient(aws);
    const cloudwatch = new CloudWatchClient(aws);
    const where = await givenKongServices(ecs, { dataPlane: options.dataPlanes ?? 2, endpoint: moto.endpoint });
    const databaseId = await givenDatabaseCluster(rds);
    const emulator = await startKongAdminEmulator();
    emulator.setDown(true);
    const apiKey = `key-${unique('admin')}`;
    const secrets = new SecretsManagerClient(aws);
    const secret = await secrets.send(new CreateSecretCommand({ Name: unique('kong-admin-api-key'), SecretString: apiKey }));
    secrets.destroy();
    const adminPath = await startAdminPath({ upstream: emulator.origin, apiKey, allowedCidrs: options.allowedCidrs ?? ['198.51.100.0/24'], callerIp: PUBLIC_IP });
    const checkIp = await startCheckIp(() => adminPath.options.callerIp);

    let lambda: LocalLambda | undefined;
    let functionName: string | undefined;
    if (options.scaler ?? true) {
      const table = await givenStateTable(ddb);
      // An idle gateway: the scaler stopped the CP an hour ago, its DPs in sync then.
      await new DynamoStateStore(ddb, table, systemClock).save({ phase: 'idle', stoppedAt: Date.now() - 3_600_000, configHash: HASH, seen: {} }, 0, undefined);
      const config: ScalerConfig = { ...DEFAULT_CONFIG, pollIntervalMs: 250, syncTimeoutMs: 30_000, wakeBoundMs: 90_000, confirmDelayMs: 500, ...options.config };
      const handler = createHandler({
        store: new DynamoStateStore(ddb, table, systemClock),
        services: new EcsServices(ecs, where),
        database: new AuroraCluster(rds, databaseId),
        dataPlanes: new KongDataPlaneSync(createKongAdminClient({ baseUrl: emulator.origin, timeoutMs: 1_000, retries: 0 }), { staleAfterSeconds: 90 }),
        clock: systemClock,
        log: () => undefined,
      }, {
        dataPlaneService: where.dataPlaneService,
        config,
        metrics: { namespace: 'KongHybrid/IdleScaler', dimensions: { ControlPlaneService: `${where.cluster}/kong-cp` } },
        reserveMs: 1_000,
      });
      functionName = unique('KongHybridReference-IdleScaler');
      lambda = await startLocalLambda({ [functionName]: (event, context) => handler(event, context) });
    }

    const stackName = unique('KongHybridTest').replace(/[^A-Za-z0-9-]/g, '-');
    // A real synthesized deployment (`kong-hybrid cost` prices it), whose resources moto is not
    // asked to create: each carries a condition that is false (CloudFormation skips such resources,
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html),
    // and one marker resource makes the stack.
    const template = sampleTemplate() as { Outputs?: Record<string, unknown>; Resources: Record<string, Record<string, unknown>>; Conditions?: Record<string, unknown> };
    template.Conditions = { ...template.Conditions, NotInMoto: { 'Fn::Equals': ['moto', 'aws'] } };
    for (const resource of Object.values(template.Resources)) resource.Condition = 'NotInMoto';
    template.Resources.Marker = { Type: 'AWS::SSM::Parameter', Properties: { Name: `/kong-hybrid-test/${stackName}`, Type: 'String', Value: 'kong-hybrid test stack' } };
    const output = (name: string, value: string) => ({ [`Kong${name}0A1B2C3D`]: { Value: value } });
    template.Outputs = {
      ...output('Endpoint', 'https://kong-gw.example.com'),
      ...output('AdminUrl', adminPath.adminUrl),
      ...output('AdminApiKeySecretArn', secret.ARN!),
      ...output('AdminAllowedCidrs', adminPath.options.allowedCidrs.join(',') || 'none'),
      ...(functionName ? output('IdleScalerFunctionName', functionName) : {}),
      ...output('ClusterName', where.cluster),
      ...output('ControlPlaneServiceName', where.controlPlaneService),
      ...output('DataPlaneServiceName', where.dataPlaneService),
      ...output('DatabaseClusterIdentifier', databaseId),
    };
    // `cdk bootstrap` writes the version the template's BootstrapVersion parameter reads.
    await fetch(`${moto.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.PutParameter', 'authorization': 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0' },
      body: JSON.stringify({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '30', Type: 'String', Overwrite: true }),
    });
    const cfn = new CloudFormationClient({ ...aws, maxAttempts: 1 });
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
    cfn.destroy();

    const gateway = new TestGateway(moto, stackName, where, databaseId, apiKey, emulator, adminPath, lambda, functionName, checkIp.url,
      { controlPlaneBootMs: 1_500, dataPlaneReconnectMs: 700, ...options.timings }, ecs, cloudwatch);
    gateway.closers.push(() => emulator.stop(), () => adminPath.stop(), () => checkIp.stop(), () => lambda?.stop(), () => { for (const c of [ecs, rds, ddb, cloudwatch]) c.destroy(); });
    await gateway.tick();
    gateway.loop();
    return gateway;
  }

  /** The environment of a CLI process: this world's endpoints, test credentials, no AWS files of the machine. */
  public env(extra: Record<string, string> = {}): Record<string, string> {
    const home = mkdtempSync(path.join(tmpdir(), 'kong-hybrid-cli-home-'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TZ: 'UTC',
      AWS_CONFIG_FILE: path.join(home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The SDK's own endpoint variables: everything on moto, Lambda on the local Invoke endpoint.
      // https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
      AWS_ENDPOINT_URL: this.moto.endpoint,
      ...(this.lambda ? { AWS_ENDPOINT_URL_LAMBDA: this.lambda.endpoint } : {}),
      KONG_HYBRID_CHECKIP_URL: this.checkIpUrl,
      NODE_NO_WARNINGS: '1',
      ...extra,
    };
    // An empty value in `extra` unsets the variable.
    return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  }

  /** Runs `kong-hybrid <args> --stack <this stack>` and collects what it printed. */
  public cli(args: string[], options: { env?: Record<string, string>; input?: string; stack?: boolean } = {}): Promise<CliRun> {
    return runCli([...args, ...(options.stack === false ? [] : ['--stack', this.stackName])], this.env(options.env), options.input);
  }

  /** Starts `kong-hybrid <args> --stack <this stack>` and lets the test talk to it while it runs. */
  public spawnCli(args: string[], options: { env?: Record<string, string> } = {}): RunningCli {
    return new RunningCli([...args, '--stack', this.stackName], this.env(options.env));
  }

  /** The control plane's desired count in ECS. */
  public async controlPlaneDesired(): Promise<number> {
    return (await this.services()).cp.desiredCount ?? -1;
  }

  /** The control plane's push reaches the data planes serving a fallback: from the next look they run its configuration. */
  public configureFallbackDataPlanes(): void {
    this.fallbackHash = undefined;
    for (const [task, row] of this.rows) if (row.labels?.[FALLBACK_LABEL]) this.rows.delete(task);
  }

  /**
   * The world's loop: a look at ECS every 200 ms while something moves (the scaler
   * runs or ran in the last 2 s, the CP's tasks differ from its desired count, the CP
   * boots or the DPs reconnect to it), every second while nothing does. Looking five
   * times a second all the time was most of moto's work in these tests; what moves
   * is seen as soon as before, and a test that changes ECS itself calls settle().
   */
  private loop(): void {
    if (this.stopped) return;
    const now = Date.now();
    const moving = now - (this.lambda?.lastActiveAt() ?? 0) < 2_000 || this.cpTasksOff
      || (this.cpWantedSince !== undefined && now - this.cpWantedSince < this.timings.controlPlaneBootMs + this.timings.dataPlaneReconnectMs + 1_000);
    this.timer = setTimeout(() => {
      this.ticking ??= this.tick().finally(() => { this.ticking = undefined; });
      this.ticking.catch(() => undefined).finally(() => this.loop());
    }, moving ? 200 : 1_000);
  }

  /** Waits until the world's loop has looked at ECS once more. */
  public async settle(): Promise<void> {
    await this.ticking;
    await this.tick();
  }

  /** One look at ECS: the CP's task follows its desired count; its Admin API and the DPs' rows follow the CP. */
  private async tick(): Promise<void> {
    const now = Date.now();
    const { cp } = await this.services();
    const desired = cp.desiredCount ?? 0;
    // moto's services launch no tasks: run (or stop) the CP's, as ECS's scheduler would.
    // (moto's ListTasks ignores serviceName: the group tells a service's tasks.)
    const listed = (await this.ecs.send(new ListTasksCommand({ cluster: this.where.cluster, desiredStatus: 'RUNNING' }))).taskArns ?? [];
    const described = listed.length > 0 ? (await this.ecs.send(new DescribeTasksCommand({ cluster: this.where.cluster, tasks: listed }))).tasks ?? [] : [];
    const cpTasks = described.filter((t) => t.group === `service:${this.where.controlPlaneService}`).map((t) => t.taskArn!);
    if (cpTasks.length < desired) {
      await this.ecs.send(new RunTaskCommand({
        cluster: this.where.cluster, taskDefinition: 'kong-cp', launchType: 'FARGATE', group: `service:${this.where.controlPlaneService}`, count: desired - cpTasks.length,
        networkConfiguration: { awsvpcConfiguration: { subnets: [this.where.network.subnetId], securityGroups: [this.where.network.securityGroupId] } },
      }));
    }
    for (const arn of cpTasks.slice(desired)) await this.ecs.send(new StopTaskCommand({ cluster: this.where.cluster, task: arn }));
    this.cpTasksOff = cpTasks.length !== desired;

    if (desired > 0) this.cpWantedSince ??= now;
    else this.cpWantedSince = undefined;
    const answering = this.cpWantedSince !== undefined && now - this.cpWantedSince >= this.timings.controlPlaneBootMs;
    this.emulator.setDown(!answering);
    if (answering && now - this.cpWantedSince! - this.timings.controlPlaneBootMs >= this.timings.dataPlaneReconnectMs) {
      for (const task of await dataPlaneTasks(this.ecs, this.where)) {
        const known = this.rows.get(task.id);
        if (this.holdNewDataPlanes && !known) continue;
        const fallback = known ? known.labels?.[FALLBACK_LABEL] : this.fallbackHash;
        this.rows.set(task.id, dataPlaneRow(task.id, task.ip, Math.floor(now / 1000), fallback ?? this.configHash, fallback));
      }
    }
    this.emulator.setDataPlanes([...this.rows.values()]);

    // Aurora Serverless v2's capacity metric: 0 ACU while paused, 0.5 once the CP is connected.
    const acu = answering ? 0.5 : 0;
    if (!this.lastAcu || this.lastAcu.value !== acu || now - this.lastAcu.at > 30_000) {
      // The first datapoint is a minute old: the gateway has been idle a while.
      const at = this.lastAcu ? now : now - 60_000;
      this.lastAcu = { value: acu, at: now };
      await this.cloudwatch.send(new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [{ MetricName: 'ServerlessDatabaseCapacity', Dimensions: [{ Name: 'DBClusterIdentifier', Value: this.databaseId }], Value: acu, Timestamp: new Date(at), Unit: 'Count' }],
      }));
    }
  }

  private async services() {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: this.where.cluster, services: [this.where.controlPlaneService, this.where.dataPlaneService] }));
    const find = (name: string) => out.services!.find((s) => s.serviceName === name)!;
    return { cp: find(this.where.controlPlaneService), dp: find(this.where.dataPlaneService) };
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.lambda?.idle();
    for (const close of this.closers) await close();
  }
}

/** Runs the command as a child process (the package's bin, on this Node.js). */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A CLI process that keeps running (admin-proxy): wait for what it prints, then stop it with Ctrl-C (SIGINT). */
export class RunningCli {
  public stdout = '';
  public stderr = '';
  private readonly child;
  private readonly closed: Promise<number>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d) => { this.stdout += d; });
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    this.closed = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** The first group of `pattern` once stdout matches it. */
  public waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return this.poll(() => pattern.exec(this.stdout)?.[1] ?? pattern.exec(this.stdout)?.[0], `stdout to match ${pattern}`, timeoutMs);
  }

  public waitForStderr(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    return this.poll(() => pattern.exec(this.stderr)?.[0], `stderr to match ${pattern}`, timeoutMs);
  }

  private async poll(found: () => string | undefined, what: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`waited for ${what}; the process ${this.child.exitCode !== null ? `exited ${this.child.exitCode}` : 'is still running'}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ctrl-C, and what it printed. */
  public async stop(): Promise<CliRun> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    const code = await this.closed;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}
