import { Aws, CustomResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { propNamer } from './private/prop-names';
import { checkCidrList, checkDurationSeconds, checkInteger } from './private/validation';
import { LAMBDA_REASONS, awsManagedKey, skipCheckov } from './private/checkov';
import { grantSecretsManagerKey } from './private/encryption';
import { allowStartDatabase, bundledVpcFunction } from './private/lambda-function';

/**
 * Stack statuses after which the bootstrap repairs `/kong-admin` (the same
 * list as the handler's, lambda/admin-api-proxy/events.ts; a test keeps them equal).
 */
export const REPAIR_AFTER_STACK_STATUSES = ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];

/** Properties of `AdminApiProxy`. */
export interface AdminApiProxyProps {
  /**
   * The Kong control plane's ECS service. When its desired count is 0 (the
   * idle scaler stopped it), the bootstrap sets it to 1 and waits; the idle
   * scaler then adopts it and stops it again after its cooldown.
   */
  readonly controlPlaneService: ecs.IBaseService;

  /**
   * The control plane's Admin API inside the VPC, such as
   * `http://kong-cp.kong.internal:8001` (Cloud Map): the function calls it,
   * and the `kong-admin` service in Kong points at it.
   */
  readonly adminApiUrl: string;

  /**
   * The Aurora cluster behind the control plane: started when found `stopped`.
   * @default - no database is watched or started
   */
  readonly database?: rds.IDatabaseCluster;

  /**
   * The addresses (IPv4 or IPv6 CIDR blocks) Kong's `ip-restriction` plugin
   * lets through to the admin path.
   * @default - none: ip-restriction denies every address (`0.0.0.0/0` and `::/0`), and the admin path answers 403 to everyone
   */
  readonly allowedCidrs?: string[];

  /**
   * Origins of a Kong Manager that calls the proxied Admin API from a browser,
   * such as `http://localhost:8002`: a `cors` plugin allows them.
   * @default - none: no cors plugin
   */
  readonly kongManagerOrigins?: string[];

  /**
   * The path the data planes proxy to the Admin API (one segment, and the
   * prefix is stripped before the request reaches the control plane).
   * @default '/kong-admin'
   */
  readonly routePath?: string;

  /**
   * Bump to rotate the API key on the next deployment: a new key is written
   * into the secret and into Kong, and the old one stops working.
   * @default 1
   */
  readonly apiKeyGeneration?: number;

  /**
   * How long a create or update waits for the Admin API (control plane start,
   * database resume, migrations). 1 to 13 minutes; the function's timeout is
   * two minutes longer. A delete waits at most 5 minutes, then succeeds.
   * @default Duration.minutes(10)
   */
  readonly waitTimeout?: Duration;

  /**
   * The VPC the function runs in.
   * @default - the control plane cluster's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in the VPC the function runs: it needs a route to the ECS, RDS and
   * Secrets Manager APIs (NAT gateway or VPC endpoints) and to the control plane.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the API key's secret,
   * the function's log group and its environment variables. The function may
   * use it through Secrets Manager to read and write the API key.
   * @default - the services' own keys (aws/secretsmanager, CloudWatch Logs' and Lambda's encryption)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The proxied Admin API, configured in Kong at deploy time by a custom resource.
 *
 * Its function runs in the VPC, wakes the control plane when it is stopped,
 * waits for its Admin API, and then creates or corrects, in Kong:
 *
 * - the `kong-admin` service, pointing at `adminApiUrl`;
 * - on that service, the `key-auth` plugin (header `apikey`, hidden from the
 *   control plane, never in the query string), the `acl` plugin (only the
 *   `kong-admin` group), `ip-restriction` (`allowedCidrs`), and `cors` when
 *   `kongManagerOrigins` are given;
 * - the `kong-admin` consumer, in the `kong-admin` ACL group, with a key-auth
 *   credential whose key Secrets Manager generated (`apiKeySecret`);
 * - the `kong-admin` route on `routePath`, with `strip_path`, created last so
 *   the path is never reachable unprotected.
 *
 * It reads before it writes and writes only what differs: a deployment with
 * the same input makes no change in Kong. On delete it removes what it
 * created (entities tagged `kong-hybrid-admin-proxy`).
 *
 * It also repairs drift (a `deck gateway sync` that deleted what is not in
 * its file, a stray DELETE): two EventBridge rules run the same convergence,
 * with the same settings, when a control plane task starts (a wake by the
 * idle scaler, a deployment, a replacement) and after every stack update
 * (UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE). A repair never wakes the
 * control plane, never writes a new key and never deletes a credential. The
 * template stays deterministic: nothing in it changes from one synth to the
 * next.
 *
 * The function must reach the Admin API: allow it with
 * `gateway.allowAdminApiFrom(proxy)` (or
 * `controlPlane.connections.allowFrom(proxy, ec2.Port.tcp(8001))`), and make
 * `proxy.resource` depend on that rule.
 */
export class AdminApiProxy extends Construct implements ec2.IConnectable {
  /** The header the API key goes in. */
  public static readonly API_KEY_HEADER = 'apikey';

  /** The secret holding the API key (a plain string): read it to call the admin API. */
  public readonly apiKeySecret: secretsmanager.ISecret;

  /** The function's security group: allow it to the control plane's Admin API port, nothing more is needed. */
  public readonly connections: ec2.Connections;

  /** The function behind the custom resource. */
  public readonly function: lambda.IFunction;

  /** The custom resource (make it depend on what the function needs first). */
  public readonly resource: CustomResource;

  /** The proxied path, such as `/kong-admin`. */
  public readonly routePath: string;

  /** Repairs `/kong-admin` when a control plane task starts. */
  public readonly repairOnControlPlaneStart: events.Rule;

  /** Repairs `/kong-admin` after every update of the stack. */
  public readonly repairOnStackUpdate: events.Rule;

  constructor(scope: Construct, id: string, props: AdminApiProxyProps) {
    super(scope, id);
    const n = propNamer(this);
    const allowedCidrs = [...(props.allowedCidrs ?? [])];
    checkCidrList(n('allowedCidrs'), allowedCidrs);
    const origins = [...(props.kongManagerOrigins ?? [])];
    origins.forEach((origin, i) => {
      if (!Token.isUnresolved(origin) && !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
        throw new Error(`${n('kongManagerOrigins')}[${i}] must be an origin such as "http://localhost:8002" (scheme, host, optional port; no path, no wildcard), got ${JSON.stringify(origin)}`);
      }
    });
    this.routePath = props.routePath ?? '/kong-admin';
    if (!Token.isUnresolved(this.routePath) && !/^\/[A-Za-z0-9._~-]+$/.test(this.routePath)) {
      throw new Error(`${n('routePath')} must be one path segment such as "/kong-admin", got ${JSON.stringify(this.routePath)}`);
    }
    const generation = props.apiKeyGeneration ?? 1;
    checkInteger(n('apiKeyGeneration'), generation, 1, Number.MAX_SAFE_INTEGER);
    const waitTimeout = props.waitTimeout ?? Duration.minutes(10);
    checkDurationSeconds(n('waitTimeout'), waitTimeout, 60, 13 * 60);
    if (!Token.isUnresolved(props.adminApiUrl) && !/^https?:\/\/[^/?#:]+(:\d{1,5})?\/?$/.test(props.adminApiUrl)) {
      throw new Error(`${n('adminApiUrl')} must be an http(s) URL without a path, such as "http://kong-cp.kong.internal:8001", got ${JSON.stringify(props.adminApiUrl)}`);
    }

    const cp = props.controlPlaneService;
    const vpc = props.vpc ?? cp.cluster.vpc;

    const secret = new secretsmanager.Secret(this, 'ApiKey', {
      description: `Kong admin API key (key-auth, header "${AdminApiProxy.API_KEY_HEADER}") for ${this.routePath}: generated by Secrets Manager, written into Kong by the admin bootstrap`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      encryptionKey: props.encryptionKey,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated by bumping apiKeyGeneration and deploying: the bootstrap writes the new key into the secret and into Kong together; a Secrets Manager rotation would change the secret without telling Kong.',
    });
    if (!props.encryptionKey) skipCheckov(secret, 'CKV_AWS_149', awsManagedKey('The admin API key'));
    this.apiKeySecret = secret;

    // The custom resource's properties, and the repairs' settings: the same object.
    const properties = {
      AdminApiUrl: props.adminApiUrl,
      RoutePath: this.routePath,
      AllowedCidrs: allowedCidrs,
      ManagerOrigins: origins,
      ApiKeySecretId: secret.secretArn,
      ApiKeyGeneration: String(generation),
      Cluster: cp.cluster.clusterArn,
      ControlPlaneService: cp.serviceName,
      ...(props.database ? { DatabaseCluster: props.database.clusterIdentifier } : {}),
      WaitSeconds: String(waitTimeout.toSeconds()),
    };

    const { fn, securityGroup } = bundledVpcFunction(this, {
      id: 'Handler',
      asset: 'admin-api-proxy',
      description: `Configures the proxied Kong Admin API (${this.routePath}: service, key-auth, acl, ip-restriction, consumer and key, route)`,
      timeout: waitTimeout.plus(Duration.minutes(2)),
      vpc,
      vpcSubnets: props.vpcSubnets,
      logRetention: props.logRetention,
      securityGroupDescription: 'Kong admin bootstrap: HTTPS to the AWS APIs and the control plane Admin API only',
      awsApis: 'ECS, RDS and Secrets Manager APIs',
      encryptionKey: props.encryptionKey,
      // Names, ARNs, CIDRs and timings only: the key is read from its secret at run time.
      environment: { ADMIN_PROXY_SETTINGS: Stack.of(this).toJsonString(properties) },
    });
    skipCheckov(fn, 'CKV_AWS_116', LAMBDA_REASONS.customResource);
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.function = fn;

    // Least privilege: this service, this cluster, this secret.
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'WakeControlPlane',
      actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
      resources: [cp.serviceArn],
    }));
    if (props.database) allowStartDatabase(fn, props.database);
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ApiKey',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue'],
      resources: [secret.secretArn],
    }));
    grantSecretsManagerKey(this, props.encryptionKey, fn, true);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::KongAdminApiProxy',
      properties,
    });
    // The function's permissions and its own egress rules exist before it first runs.
    this.resource.node.addDependency(fn.role!, securityGroup);

    // Repairs. A missed or late event leaves drift until the next start or
    // update; duplicates find nothing to do. Lambda retries a failed
    // asynchronous invocation twice.
    const repair = new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) });
    this.repairOnControlPlaneStart = new events.Rule(this, 'RepairOnControlPlaneStart', {
      description: `Repairs ${this.routePath} in Kong when a control plane task starts (wake, deployment, replacement)`,
      // ECS Task State Change: detail.group is service:<name>
      // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html).
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [cp.cluster.clusterArn],
          group: [`service:${cp.serviceName}`],
          lastStatus: ['RUNNING'],
          desiredStatus: ['RUNNING'],
        },
      },
      targets: [repair],
    });
    this.repairOnStackUpdate = new events.Rule(this, 'RepairOnStackUpdate', {
      description: `Repairs ${this.routePath} in Kong after every update of this stack`,
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/event-detail-stack-status-change.html
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: {
          'stack-id': [Aws.STACK_ID],
          'status-details': { status: REPAIR_AFTER_STACK_STATUSES },
        },
      },
      targets: [repair],
    });
  }

  /** Lets `grantee` read the API key. */
  public grantReadApiKey(grantee: iam.IGrantable): iam.Grant {
    return this.apiKeySecret.grantRead(grantee);
  }
}

