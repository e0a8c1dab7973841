import { Annotations, Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from './private/checkov';
import { acknowledge, bundledVpcFunction } from './private/lambda-function';
import { propNamer } from './private/prop-names';
import { checkInteger } from './private/validation';
import { CONFIG_PROPAGATION_SECONDS } from './private/timing';

/** Properties of `FallbackConfig`. */
export interface FallbackConfigProps {
  /** The VPC the exporter function runs in (it reads the control plane's Admin API). */
  readonly vpc: ec2.IVpc;

  /**
   * Where in the VPC the exporter runs. It needs a route to S3 (a NAT gateway,
   * or a gateway endpoint) and to the control plane.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The control plane's Admin API as the exporter reaches it inside the VPC,
   * for example `http://kong-cp.kong.internal:8001`.
   */
  readonly adminApiUrl: string;

  /**
   * How many exports the bucket keeps: the newest, which new data plane tasks
   * fetch, and the ones before it (noncurrent versions of the object), each
   * tagged with the configuration hash it came from. Older ones expire a day
   * after they are replaced (https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html).
   * 2 to 100.
   * @default 10
   */
  readonly exportsKept?: number;

  /**
   * A customer-managed KMS key (symmetric) for the exports (SSE-KMS) and the
   * exporter's logs. The data planes' task role may decrypt with it, and the
   * exporter encrypt with it, through S3 only.
   * @default - the AWS managed key aws/s3 (SSE-KMS); CloudWatch Logs' own encryption for the logs
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where S3 writes the bucket's server access logs (every read of an export,
   * by whom), under `fallback-config/`. The bucket must accept S3's log
   * delivery: a bucket of this app does (CDK grants logging.s3.amazonaws.com);
   * an imported one needs that grant in its own policy.
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Invoke the exporter on a schedule too: for a control plane that no idle
   * scaler watches (always on), nothing else asks for exports. The exporter
   * exports only a configuration the data planes agree on and that is not
   * stored yet, so a run that finds nothing new writes nothing.
   * @default - no schedule: the idle scaler invokes the exporter when the data planes are in sync on a new configuration
   */
  readonly schedule?: Duration;

  /**
   * How long the exporter's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The CloudWatch namespace of the exporter's metrics (embedded metric format). */
const METRICS_NAMESPACE = 'KongHybrid/FallbackConfig';

/**
 * The data planes' fallback configuration: a versioned, SSE-KMS
 * encrypted S3 bucket holding the control plane's configuration as one Kong
 * declarative document, and the function that exports it.
 *
 * Kong OSS has no fallback configuration of its own; a data plane
 * (`database = off`) loads `declarative_config` at start when its store is
 * empty (kong/init.lua at 3.9.3, :713-735 and :918-943), and the control
 * plane's first push replaces it. A data plane task that starts while the
 * control plane sleeps (a scale-out, a replacement, a deployment) fetches the
 * newest export before Kong starts (see `DataPlane`) and serves it at once,
 * instead of answering 503 until the control plane is back.
 *
 * The export holds every credential and private key of the configuration:
 * only the data planes' task role may read it (and the roles given
 * `grantRead`), only the exporter may write it (the bucket policy denies
 * everyone else), and it never appears in a template, an environment
 * variable or a log.
 */
export class FallbackConfig extends Construct implements ec2.IConnectable {
  /** The object every export is a version of. */
  public static readonly OBJECT_KEY = 'kong/declarative.json';

  /** The bucket of the exports. */
  public readonly bucket: s3.IBucket;

  /** The object new data plane tasks fetch: its newest version is the newest export. */
  public readonly objectKey = FallbackConfig.OBJECT_KEY;

  /** The exporter function: invoke it with `{"action":"export"}` to export now. */
  public readonly exporter: lambda.IFunction;

  /** The exporter's security group: allow it to the control plane's Admin API port. */
  public readonly connections: ec2.Connections;

  /** In ALARM when exports keep failing (the function's errors, after Lambda's retries): new data planes start from an older export. */
  public readonly failureAlarm: cloudwatch.IAlarm;

  /**
   * In ALARM when the configuration cannot be exported whole (a jwt,
   * hmac-auth or oauth2 plugin, whose credentials the export does not read):
   * new data planes start from the last good export, or from nothing.
   */
  public readonly refusedAlarm: cloudwatch.IAlarm;

  private readonly readers: iam.IRole[] = [];
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: FallbackConfigProps) {
    super(scope, id);
    const n = propNamer(this);
    const exportsKept = props.exportsKept ?? 10;
    checkInteger(n('exportsKept'), exportsKept, 2, 100);
    this.encryptionKey = props.encryptionKey;

    // SSE-KMS with the AWS managed key aws/s3 unless a key is given: "If you don't specify a customer
    // managed key, Amazon S3 uses the AWS managed key" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
    // Its key policy lets this account's principals use it through S3, so who reads is decided by the
    // bucket policy below. An S3 Bucket Key cuts the KMS requests (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
    const bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.KMS_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{
        id: 'KeepTheLastExports',
        noncurrentVersionExpiration: Duration.days(1),
        noncurrentVersionsToRetain: exportsKept - 1,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      // The exports are the configuration's credentials: a stack deletion leaves them to be deleted on purpose.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = bucket;
    if (props.serverAccessLogsBucket) {
      serverAccessLogs(this, bucket, props.serverAccessLogsBucket, 'fallback-config/');
    } else {
      acknowledge(bucket, 'AwsSolutions-S1', 'No server access log bucket was given (the gateway gives its access log bucket); reads are limited to the data plane task role by the bucket policy.');
      skipCheckov(bucket, 'CKV_AWS_18', 'No server access log bucket was given (KongHybridGateway gives its access log bucket); reads are limited to the data plane task role by the bucket policy.');
    }
    if (!props.encryptionKey) skipCheckov(bucket, 'CKV_AWS_145', 'Encrypted with SSE-KMS by the AWS managed key aws/s3 (checkov looks for a customer-managed key id); give encryptionKey for a customer-managed key.');

    const { fn, securityGroup } = bundledVpcFunction(this, {
      id: 'Exporter',
      asset: 'fallback-config-exporter',
      description: 'Exports the Kong control plane configuration as the data planes\' fallback (S3)',
      // Thousands of entities are many pages; then the second look after the propagation delay.
      timeout: Duration.minutes(5),
      memorySize: 512,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      logRetention: props.logRetention,
      securityGroupDescription: 'Kong fallback configuration exporter: HTTPS to S3 and the control plane Admin API only',
      awsApis: 'S3 API',
      encryptionKey: props.encryptionKey,
      environment: {
        ADMIN_API_URL: props.adminApiUrl,
        BUCKET: bucket.bucketName,
        EXPORT_OBJECT: this.objectKey,
        ...(props.encryptionKey ? { KMS_KEY_ARN: props.encryptionKey.keyArn } : {}),
        CONFIRM_DELAY_SECONDS: String(CONFIG_PROPAGATION_SECONDS),
        METRICS_NAMESPACE,
      },
    });
    this.exporter = fn;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    // The scaler asks again every EXPORT_RETRY_MS while the data planes stay in sync (packages/idle-scaler src/timing.ts).
    skipCheckov(fn, 'CKV_AWS_116', 'An export dropped after Lambda\'s two retries is asked for again: the idle scaler asks every 10 minutes while the data planes stay in sync (or the schedule runs again), and the exporter writes only what is not stored yet.');

    // The exporter writes the object (a new version) with its tags, and reads the tags (never the object).
    fn.addToRolePolicy(new iam.PolicyStatement({
      sid: 'WriteExports',
      actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:GetObjectTagging'],
      resources: [bucket.arnForObjects(this.objectKey)],
    }));
    if (props.encryptionKey) {
      props.encryptionKey.grant(new kms.ViaServicePrincipal(`s3.${Stack.of(this).region}.amazonaws.com`, fn.grantPrincipal), 'kms:GenerateDataKey');
    }

    // Only the exporter writes; only the readers (the data planes' task role, and grantRead's) read.
    // Explicit denies in the bucket policy win over any identity policy of the account
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyTheExporterWrites',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:RestoreObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': fn.role!.roleArn } },
    }));
    // The readers are known once the data plane (and anyone given grantRead) asked: the list is rendered at synthesis.
    const readers = this.readers;
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyTheReadersRead',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
      resources: [bucket.arnForObjects('*')],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => readers.map((r) => r.roleArn) }) } },
    }));
    this.node.addValidation({
      validate: () => (readers.length === 0 ? ['nobody may read the exports: give this FallbackConfig to the DataPlane (fallbackConfig), or call grantRead'] : []),
    });

    if (props.schedule) {
      new events.Rule(this, 'Schedule', {
        description: 'Exports the Kong control plane configuration when the data planes agree on one not stored yet',
        schedule: events.Schedule.rate(props.schedule),
        targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject({ action: 'export' }) })],
      });
    }

    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription: 'The Kong fallback configuration exporter keeps failing (the Admin API or S3): new data plane tasks start from an older export; see the function logs',
      metric: fn.metricErrors({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.refusedAlarm = new cloudwatch.Alarm(this, 'RefusedAlarm', {
      alarmDescription: 'The Kong configuration cannot be exported whole (a jwt, hmac-auth or oauth2 plugin: their credentials are not exported): new data plane tasks start from the last good export, or from nothing; see the exporter\'s refused log lines',
      metric: this.metric('ExportRefused'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Lets `role` read the exports: the data planes' task role, or an
   * operator's role to restore a configuration from an export. It gives
   * `s3:GetObject` on the object, the role's name in the bucket policy's list
   * of readers, and the customer-managed key's decrypt through S3 when there
   * is one.
   */
  public grantRead(role: iam.IRole): void {
    if (!this.readers.includes(role)) this.readers.push(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadFallbackConfig',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [this.bucket.arnForObjects(this.objectKey)],
    }));
    if (this.encryptionKey) {
      this.encryptionKey.grant(new kms.ViaServicePrincipal(`s3.${Stack.of(this).region}.amazonaws.com`, role), 'kms:Decrypt');
    }
  }

  /** One of the exporter's metrics: `Exports`, `ExportSkipped`, `ExportRefused`, `ExportBytes`, `ExportDuration`. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM, ...props });
  }
}

/**
 * S3 server access logging of `bucket` into `target`, set on the bucket and
 * granted by a statement in the target's policy (what the S3 guide gives:
 * logging.s3.amazonaws.com may put objects under the prefix, for this
 * bucket of this account, https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
 * Not `serverAccessLogsBucket`: without the app's feature flag
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`, CDK grants it through an
 * ACL, which a bucket whose owner owns every object refuses.
 */
function serverAccessLogs(scope: Construct, bucket: s3.Bucket, target: s3.IBucket, prefix: string): void {
  (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  const { statementAdded } = target.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'FallbackConfigServerAccessLogs',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('@kong-hybrid/cdk:fallbackConfigAccessLogs',
      `the fallback configuration's server access logs go to ${target.bucketName}/${prefix}, whose policy cannot be changed from this app (an imported bucket): it must let logging.s3.amazonaws.com put objects there (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)`);
  }
}
