import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { awsManagedKey, skipCheckov } from './private/checkov';
import { allowEventBridgeToUse } from './private/encryption';
import { acknowledge, allowStartDatabase, bundledVpcFunction } from './private/lambda-function';
import { propNamer } from './private/prop-names';
import { FIGURES, WAKE_BOUND_SYNC_TIMEOUTS } from './private/timing';

/** Properties of `IdleScaler`. */
export interface IdleScalerProps {
  /**
   * The Kong control plane's ECS service. The scaler sets its desired count
   * to 1 and 0; keep it out of Application Auto Scaling, and leave its desired
   * count out of the template so that a deployment does not reset it.
   */
  readonly controlPlaneService: ecs.IBaseService;

  /** The Kong data plane's ECS service, in the same cluster as the control plane. */
  readonly dataPlaneService: ecs.IBaseService;

  /**
   * The control plane's Admin API as the function reaches it inside the VPC,
   * for example `http://kong-cp.kong.local:8001` (Cloud Map). The scaler reads
   * `GET /clustering/data-planes` from it.
   */
  readonly adminApiUrl: string;

  /**
   * The control plane's security groups: the scaler is allowed to them on the
   * Admin API's port (from `adminApiUrl`) and nothing else.
   * @default - none: allow `connections` to the Admin API port yourself
   */
  readonly controlPlaneConnections?: ec2.IConnectable;

  /**
   * The Aurora cluster behind the control plane: started when found stopped
   * while the control plane wakes up.
   * @default - no database is watched or started
   */
  readonly database?: rds.IDatabaseCluster;

  /**
   * Alarms that mean the data plane is scaling out: their ALARM state wakes
   * the control plane. ECS task events already cover every data plane task
   * start, so this is an earlier signal, not a required one.
   * @default - none
   */
  readonly scaleOutAlarms?: cloudwatch.IAlarm[];

  /**
   * The VPC the function runs in.
   * @default - the control plane cluster's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in the VPC the function runs. It needs a route to the ECS, RDS and
   * DynamoDB APIs (NAT gateway or VPC endpoints) and to the control plane.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How long to wait for the control plane to run and every running data plane
   * to report one common config hash, before carrying on (and saying so).
   * At most 14 minutes (one Lambda invocation polls through it).
   * @default Duration.minutes(5)
   */
  readonly syncTimeout?: Duration;

  /**
   * How long the control plane stays up once the data planes are in sync.
   * @default Duration.minutes(30)
   */
  readonly cooldown?: Duration;

  /**
   * The bound on a wake that goes wrong. A control plane whose Admin API has
   * not answered once this long after its wake is stopped (it serves no data
   * plane; `neverHealthyAlarm` fires), and a stop deferred this long past the
   * end of the cooldown (a data plane that never takes the configuration, a
   * read that keeps failing) fires `deferredStopAlarm`; the control plane then
   * stays up, as it must while a data plane may lack its configuration. More
   * than `syncTimeout`, at most a day.
   * @default - three times `syncTimeout` (15 minutes by default)
   */
  readonly wakeBound?: Duration;

  /**
   * What a data plane start, a data plane deployment, the scale-out alarm or
   * a config push during the cooldown adds to the remaining cooldown.
   * @default Duration.minutes(15)
   */
  readonly cooldownExtension?: Duration;

  /**
   * How often the function looks while the control plane wakes up and the data
   * planes sync: the most it adds to their physical start. 1 to 15 seconds.
   * @default Duration.seconds(5)
   */
  readonly pollInterval?: Duration;

  /**
   * How often the schedule invokes the function: it drives the cooldown while
   * the control plane is up, and checks the data plane (one ECS call) while it
   * is down. 1 to 15 minutes.
   * @default Duration.minutes(1)
   */
  readonly tickInterval?: Duration;

  /**
   * The exporter of the data planes' fallback configuration (`FallbackConfig`'s
   * `exporter`): the scaler invokes it, asynchronously, whenever every data
   * plane task runs a configuration it has not asked to export yet.
   * @default - no fallback configuration is exported
   */
  readonly fallbackConfigExporter?: lambda.IFunction;

  /**
   * How long the function's logs (one JSON line per decision) are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A customer-managed KMS key (symmetric) that encrypts what the scaler
   * stores: its state table, its dead-letter queue, its log group and its
   * environment variables. Its key policy lets CloudWatch Logs and
   * EventBridge (which puts undeliverable events in the queue) use it when
   * the key is defined in this app; the function may use it through DynamoDB
   * and SQS.
   * @default - the services' own keys (DynamoDB's and SQS's, CloudWatch Logs' encryption)
   */
  readonly encryptionKey?: kms.IKey;
}

/** The CloudWatch namespace of the scaler's metrics (embedded metric format). */
const METRICS_NAMESPACE = 'KongHybrid/IdleScaler';

/**
 * The Lambda function that starts the Kong control plane when the data plane
 * needs it and stops it when idle, with its triggers (ECS task and deployment
 * events of the data plane, the scale-out alarms, a schedule), its state table,
 * least-privilege permissions, its own security group and an alarm on
 * repeated failures. Its code is the bundle of `@kong-hybrid/idle-scaler`,
 * shipped in this library's assets.
 *
 * Operators can invoke the function with `{"action":"wake"}`,
 * `{"action":"sleep"}` (stops only after the usual checks) or
 * `{"action":"status"}`.
 */
export class IdleScaler extends Construct implements ec2.IConnectable {
  /** The scaler function. */
  public readonly function: lambda.IFunction;

  /** The function's security group: allow it to the control plane's Admin API port. */
  public readonly connections: ec2.Connections;

  /** The table holding the scaler's state (one item, written conditionally). */
  public readonly stateTable: dynamodb.ITable;

  /** In ALARM when the scaler keeps failing to read or act (add your notification actions). */
  public readonly failureAlarm: cloudwatch.IAlarm;

  /**
   * Where the scaler's events go when they cannot be handled: invocations that
   * still failed after Lambda's two retries, and events EventBridge could not
   * deliver. Kept 14 days; inspect them, then purge.
   */
  public readonly deadLetterQueue: sqs.IQueue;

  /** In ALARM while the dead-letter queue holds an event (add your notification actions). */
  public readonly deadLetterAlarm: cloudwatch.IAlarm;

  /**
   * In ALARM when the control plane's stop has been deferred for `wakeBound`
   * past the end of its cooldown: a data plane that never takes the
   * configuration, or a read that keeps failing, keeps it up (add your
   * notification actions).
   */
  public readonly deferredStopAlarm: cloudwatch.IAlarm;

  /**
   * In ALARM when the scaler stopped a control plane whose Admin API never
   * answered within `wakeBound` of its wake (a bad image or setting, no
   * database): the data planes that needed it have no configuration.
   */
  public readonly neverHealthyAlarm: cloudwatch.IAlarm;

  /** The Admin API port the scaler talks to (from `adminApiUrl`). */
  public readonly adminApiPort: number;

  private readonly metricDimensions: Record<string, string>;

  constructor(scope: Construct, id: string, props: IdleScalerProps) {
    super(scope, id);

    const syncTimeout = props.syncTimeout ?? Duration.seconds(FIGURES.scalerSyncTimeout.seconds);
    const cooldown = props.cooldown ?? Duration.seconds(FIGURES.scalerCooldown.seconds);
    const extension = props.cooldownExtension ?? Duration.seconds(FIGURES.scalerCooldownExtension.seconds);
    const pollInterval = props.pollInterval ?? Duration.seconds(FIGURES.scalerPollInterval.seconds);
    const tickInterval = props.tickInterval ?? Duration.seconds(FIGURES.scalerTickInterval.seconds);
    const n = propNamer(this);
    checkRange(n('syncTimeout'), syncTimeout, Duration.seconds(10), Duration.minutes(14));
    checkRange(n('cooldown'), cooldown, Duration.minutes(1), Duration.hours(24));
    checkRange(n('cooldownExtension'), extension, Duration.minutes(2), Duration.hours(24));
    checkRange(n('pollInterval'), pollInterval, Duration.seconds(1), Duration.seconds(15));
    checkRange(n('tickInterval'), tickInterval, Duration.minutes(1), Duration.minutes(15));
    const wakeBound = props.wakeBound ?? Duration.seconds(WAKE_BOUND_SYNC_TIMEOUTS * syncTimeout.toSeconds());
    // Unset, it follows syncTimeout: name what the user set.
    checkRange(props.wakeBound === undefined ? `the default ${n('wakeBound')} (three times ${n('syncTimeout')})` : n('wakeBound'), wakeBound, Duration.minutes(1), Duration.hours(24));
    if (wakeBound.toMilliseconds() <= syncTimeout.toMilliseconds()) {
      throw new Error(`${n('wakeBound')} must be longer than ${n('syncTimeout')} (${syncTimeout.toHumanString()}), got ${wakeBound.toHumanString()}`);
    }
    this.adminApiPort = adminPort(props.adminApiUrl, n('adminApiUrl'));

    const cp = props.controlPlaneService;
    const dp = props.dataPlaneService;
    const cluster = cp.cluster;
    if (differentClusters(this, cluster, dp.cluster)) {
      throw new Error(`${n('dataPlaneService')} must run in the control plane's cluster (${describeCluster(cluster)}), got a service of cluster ${describeCluster(dp.cluster)}`);
    }
    const vpc = props.vpc ?? cluster.vpc;
    this.metricDimensions = { ControlPlaneService: `${cluster.clusterName}/${cp.serviceName}` };

    const key = props.encryptionKey;
    const table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(key ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key } : {}),
      // The state is rebuilt from ECS on loss (a running CP is adopted, never stranded).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateTable = table;
    skipCheckov(table, 'CKV_AWS_28', 'One small item, rebuilt from ECS when lost (a running control plane is adopted): point-in-time recovery would protect nothing.');
    if (!key) skipCheckov(table, 'CKV_AWS_119', awsManagedKey('The state table'));

    // Every trigger invokes the function asynchronously (EventBridge): Lambda runs a
    // failed event twice more, keeps a throttled one up to 6 hours, then discards it
    // unless the function has a dead-letter queue; this is it, so none is dropped.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...(key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the idle scaler\'s function and of its EventBridge targets');
    if (key) {
      allowEventBridgeToUse(this, key);
    } else {
      skipCheckov(deadLetterQueue, 'CKV_AWS_27', 'Encrypted at rest with SQS-managed keys (SSE-SQS), which checkov does not count. A KMS key would have to be customer-managed (encryptionKey): the AWS managed key aws/sqs admits only this account\'s principals, and EventBridge delivers here as a service.');
    }
    this.deadLetterQueue = deadLetterQueue;

    const { fn, securityGroup } = bundledVpcFunction(this, {
      id: 'Function',
      asset: 'idle-scaler',
      description: 'Starts the Kong control plane on demand and stops it when idle',
      // One invocation polls through the whole wait for sync.
      timeout: syncTimeout.plus(Duration.minutes(1)),
      vpc,
      vpcSubnets: props.vpcSubnets,
      logRetention: props.logRetention,
      securityGroupDescription: 'Kong idle scaler: HTTPS to the AWS APIs and the control plane Admin API only',
      deadLetterQueue,
      encryptionKey: key,
      awsApis: props.fallbackConfigExporter ? 'ECS, RDS, DynamoDB and Lambda APIs' : 'ECS, RDS and DynamoDB APIs',
      environment: {
        CLUSTER_ARN: cluster.clusterArn,
        CONTROL_PLANE_SERVICE: cp.serviceName,
        DATA_PLANE_SERVICE: dp.serviceName,
        ...(props.database ? { DATABASE_CLUSTER: props.database.clusterIdentifier } : {}),
        STATE_TABLE: table.tableName,
        ADMIN_API_URL: props.adminApiUrl,
        SYNC_TIMEOUT_SECONDS: String(syncTimeout.toSeconds()),
        COOLDOWN_SECONDS: String(cooldown.toSeconds()),
        WAKE_BOUND_SECONDS: String(wakeBound.toSeconds()),
        EXTENSION_SECONDS: String(extension.toSeconds()),
        POLL_INTERVAL_SECONDS: String(pollInterval.toSeconds()),
        METRICS_NAMESPACE,
        ...(props.fallbackConfigExporter ? { EXPORTER_FUNCTION: props.fallbackConfigExporter.functionName } : {}),
      },
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    if (props.controlPlaneConnections) {
      props.controlPlaneConnections.connections.allowFrom(this, ec2.Port.tcp(this.adminApiPort), 'Kong idle scaler reads /clustering/data-planes');
    }
    this.function = fn;
    acknowledge(fn.role!, 'AwsSolutions-IAM5[Resource::*]', 'ecs:ListTasks and ecs:DescribeTasks only, conditioned on this cluster (ecs:cluster): IAM authorizes ListTasks on container instances, which Fargate has none of, and the task IDs are not known in advance');
    acknowledge(table, 'AwsSolutions-DDB3', 'One small item, rebuilt from ECS when lost (a running control plane is adopted): point-in-time recovery would protect nothing');

    // Least privilege: these two services, this cluster, this table.
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadKongServices',
      actions: ['ecs:DescribeServices'],
      resources: [cp.serviceArn, dp.serviceArn],
    }));
    // The data plane's tasks, to match each to its row in /clustering/data-planes. IAM authorizes
    // ListTasks on container instances (Fargate has none) and DescribeTasks on task ARNs not known in
    // advance; both take the ecs:cluster condition key: any resource, this cluster only.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadKongTasks',
      actions: ['ecs:ListTasks', 'ecs:DescribeTasks'],
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }));
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ScaleControlPlane',
      actions: ['ecs:UpdateService'],
      resources: [cp.serviceArn],
    }));
    if (props.database) allowStartDatabase(fn, props.database);
    // Invokes the exporter (its unqualified ARN: no version, no alias), nothing more: it never reads or writes the exports itself.
    if (props.fallbackConfigExporter) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        sid: 'ExportFallbackConfig',
        actions: ['lambda:InvokeFunction'],
        resources: [props.fallbackConfigExporter.functionArn],
      }));
    }
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'State',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [table.tableArn],
    }));
    // A table encrypted with a customer-managed key: its readers and writers use the key,
    // through DynamoDB only (https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html, "Authorizing use of your KMS key").
    key?.grant(new kms.ViaServicePrincipal(`dynamodb.${Stack.of(this).region}.amazonaws.com`, fn.grantPrincipal), 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey');
    // Lambda puts a failed asynchronous invocation into the dead-letter queue as the function's role,
    // and a producer of a queue encrypted with a customer-managed key needs kms:GenerateDataKey and kms:Decrypt
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
    key?.grant(new kms.ViaServicePrincipal(`sqs.${Stack.of(this).region}.amazonaws.com`, fn.grantPrincipal), 'kms:GenerateDataKey', 'kms:Decrypt');

    // Events EventBridge fails to deliver (after its retries) land in the same queue:
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html
    const target = new targets.LambdaFunction(fn, { deadLetterQueue });
    new events.Rule(this, 'DataPlaneTaskStarting', {
      description: 'A Kong data plane task is starting: it needs the control plane',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [cluster.clusterArn],
          group: [`service:${dp.serviceName}`],
          lastStatus: ['PROVISIONING', 'PENDING'],
        },
      },
      targets: [target],
    });
    new events.Rule(this, 'DataPlaneDeployment', {
      description: 'A Kong data plane deployment is rolling out: it needs the control plane',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Deployment State Change'],
        resources: [dp.serviceArn],
        detail: { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'] },
      },
      targets: [target],
    });
    const alarms = props.scaleOutAlarms ?? [];
    if (alarms.length > 0) {
      new events.Rule(this, 'ScaleOutAlarm', {
        description: 'The Kong data plane is scaling out: wake the control plane early',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: alarms.map((a) => a.alarmArn),
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [target],
      });
    }
    new events.Rule(this, 'Schedule', {
      description: 'Drives the Kong control plane cooldown; checks the data plane while the control plane is down',
      schedule: events.Schedule.rate(tickInterval),
      targets: [target],
    });

    // Failures reported by the function, and invocations that failed outright.
    const failures = new cloudwatch.MathExpression({
      label: 'Idle scaler failures',
      expression: 'FILL(failures, 0) + FILL(errors, 0)',
      usingMetrics: {
        failures: this.metricFailures(),
        errors: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      },
      period: Duration.minutes(5),
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription: 'The Kong idle scaler keeps failing to read ECS, RDS or the Admin API, or to act: the control plane is kept as it is (never stopped on a failed look); see the function logs',
      metric: failures,
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'An idle scaler event could not be handled (failed three times, or could not be delivered): it is in the dead-letter queue; see the function logs, then purge the queue',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Every deferred stop reports how long the stop has been due (StopDeferredFor, ms).
    this.deferredStopAlarm = new cloudwatch.Alarm(this, 'DeferredStopAlarm', {
      alarmDescription: `The Kong control plane's stop has been deferred for ${wakeBound.toHumanString()} past the end of its cooldown: a data plane that never takes the configuration, or a read that keeps failing, keeps it up; see the scaler's stop-deferred log lines (or invoke it with {"action":"status"})`,
      metric: this.metricStopDeferredFor(),
      threshold: wakeBound.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.neverHealthyAlarm = new cloudwatch.Alarm(this, 'NeverHealthyAlarm', {
      alarmDescription: `The idle scaler stopped a Kong control plane whose Admin API never answered within ${wakeBound.toHumanString()} of its wake (a bad image or setting, no database): data planes that needed it may have no configuration; see the control plane's logs`,
      metric: this.metricNeverHealthy(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** One of the scaler's metrics (see the README of `@kong-hybrid/idle-scaler`). */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: this.metricDimensions,
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
      ...props,
    });
  }

  /** Failed reads (ECS, RDS, or the Admin API while the control plane should be up) and failed actions. */
  public metricFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Failures', props);
  }

  /** Times the control plane was woken. */
  public metricWakes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Wakes', props);
  }

  /** Times the control plane was stopped. */
  public metricStops(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Stops', props);
  }

  /** Cooldown extensions (data plane starts, deployments, alarms, config pushes). */
  public metricCooldownExtensions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CooldownExtensions', props);
  }

  /** Waits for sync that gave up after `syncTimeout`. */
  public metricSyncTimeouts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SyncTimeouts', props);
  }

  /** 1 while the control plane runs, 0 while it is down (each look). */
  public metricControlPlaneRunning(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ControlPlaneRunning', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Milliseconds from a wake to the control plane running. */
  public metricWakeToRunning(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WakeToRunning', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Milliseconds from a wake to every data plane task the service wants running the control plane's configuration. */
  public metricWakeToSynced(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WakeToSynced', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Milliseconds the control plane's stop has been due, reported by every deferred stop. */
  public metricStopDeferredFor(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('StopDeferredFor', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Control planes stopped because their Admin API never answered within the wake bound. */
  public metricNeverHealthy(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NeverHealthy', props);
  }
}

/** True when two clusters are surely different: both names known and unequal, or both references to different resources. */
function differentClusters(scope: Construct, a: ecs.ICluster, b: ecs.ICluster): boolean {
  if (a === b) return false;
  const stack = Stack.of(scope);
  const [ra, rb] = [stack.resolve(a.clusterArn), stack.resolve(b.clusterArn)];
  if (typeof ra !== typeof rb) return false;
  return JSON.stringify(ra) !== JSON.stringify(rb);
}

function describeCluster(cluster: ecs.ICluster): string {
  return Token.isUnresolved(cluster.clusterName) ? cluster.node.path : cluster.clusterName;
}


function checkRange(prop: string, value: Duration, min: Duration, max: Duration): void {
  const ms = value.toMilliseconds();
  if (ms < min.toMilliseconds() || ms > max.toMilliseconds()) {
    throw new Error(`${prop} must be between ${min.toHumanString()} and ${max.toHumanString()}, got ${value.toHumanString()}`);
  }
}

/** The port of an http(s) URL, default ports included; tokens in the host are allowed. */
function adminPort(url: string, prop: string): number {
  const match = /^(https?):\/\/([^/:?#]+)(?::(\d+))?(?:[/?#].*)?$/.exec(url);
  // A URL that is a token as a whole (a parameter, an import): Kong's default Admin API port.
  if (!match && Token.isUnresolved(url)) return 8001;
  if (!match) {
    throw new Error(`${prop} must be an http(s) URL such as http://kong-cp.kong.local:8001, got ${JSON.stringify(url)}`);
  }
  const port = match[3] !== undefined ? Number(match[3]) : match[1] === 'https' ? 443 : 80;
  if (port < 1 || port > 65535) throw new Error(`${prop} has port ${port}, outside 1-65535 (got ${JSON.stringify(url)})`);
  return port;
}
