import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { awsManagedKey, skipCheckov } from './private/checkov';
import { type PropNamer, propNamer } from './private/prop-names';
import { FIGURES } from './private/timing';
import { checkDurationSeconds, checkOrder, checkRange } from './private/validation';

/** Properties of `KongDatabase`. */
export interface KongDatabaseProps {
  /** The VPC the database lives in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where in the VPC.
   * @default - the private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Lowest capacity in Aurora capacity units. 0 lets the database pause when
   * no connection is open (after `autoPause`).
   * @default 0
   */
  readonly minCapacity?: number;

  /**
   * Highest capacity in Aurora capacity units (1..256, in steps of 0.5).
   * @default 2
   */
  readonly maxCapacity?: number;

  /**
   * How long the database waits without connections before pausing (with a
   * minimum capacity of 0): 300..86400 seconds.
   * @default Duration.minutes(5)
   */
  readonly autoPause?: Duration;

  /**
   * The Aurora PostgreSQL version. With a minimum capacity of 0 it must
   * support auto-pause: 13.15, 14.12, 15.7, 16.3 or later.
   * @default rds.AuroraPostgresEngineVersion.VER_16_8
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * What happens to the database when it leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether the cluster refuses to be deleted.
   * @default - true, unless `removalPolicy` is `RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;

  /**
   * How long automated backups are kept (1..35 days).
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * The database Kong uses.
   * @default 'kong'
   */
  readonly databaseName?: string;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the generated
   * credentials secret. Adding it to a deployed database re-encrypts the
   * secret's current versions in place
   * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_update-encryption-key.html).
   * @default - aws/secretsmanager
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the cluster's storage.
   *
   * Set it when the database is created. Changing it later replaces the
   * cluster with a new, empty one (`KmsKeyId` is create-only in CloudFormation's
   * schema of `AWS::RDS::DBCluster`, "Update requires: Replacement":
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html),
   * and Kong's configuration stays behind in the old cluster or its snapshot.
   * @default - the AWS managed key aws/rds
   */
  readonly storageEncryptionKey?: kms.IKey;
}

/** The first minor version of each Aurora PostgreSQL major that pauses at 0 ACU (facts.md). */
const AUTO_PAUSE_FROM: Record<number, number> = { 13: 15, 14: 12, 15: 7, 16: 3 };

/**
 * Kong's configuration store: an Aurora Serverless v2 PostgreSQL cluster that
 * pauses at 0 ACU, encrypted, its credentials generated into Secrets Manager.
 * Only what `connections` allows can reach it (nothing by default); it opens
 * no connection of its own.
 */
export class KongDatabase extends Construct implements ec2.IConnectable {
  /** The Aurora cluster. */
  public readonly cluster: rds.DatabaseCluster;

  /** The generated credentials (JSON with `username`, `password`, `host`, `port`, `dbname`). */
  public readonly secret: secretsmanager.ISecret;

  /** The database's security group. */
  public readonly connections: ec2.Connections;

  /** The database Kong uses. */
  public readonly databaseName: string;

  /** The PostgreSQL port. */
  public readonly port = 5432;

  constructor(scope: Construct, id: string, props: KongDatabaseProps) {
    super(scope, id);
    const minCapacity = props.minCapacity ?? 0;
    const maxCapacity = props.maxCapacity ?? 2;
    const autoPause = props.autoPause ?? Duration.seconds(FIGURES.auroraAutoPause.seconds);
    const engineVersion = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_16_8;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    this.databaseName = props.databaseName ?? 'kong';

    const n = propNamer(this);
    checkRange(n('minCapacity'), minCapacity, 0, 256);
    checkRange(n('maxCapacity'), maxCapacity, 1, 256);
    for (const [prop, value] of [['minCapacity', minCapacity], ['maxCapacity', maxCapacity]] as const) {
      if (!Token.isUnresolved(value) && value % 0.5 !== 0) throw new Error(`${n(prop)} must be a multiple of 0.5, got ${value}`);
    }
    checkOrder(n('minCapacity'), minCapacity, n('maxCapacity'), maxCapacity);
    checkDurationSeconds(n('autoPause'), autoPause, 300, 86400);
    checkDurationSeconds(n('backupRetention'), props.backupRetention, 86400, 35 * 86400);
    if (minCapacity === 0) checkAutoPauseEngine(engineVersion, n);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Kong database: PostgreSQL from the control plane only, no egress',
      allowAllOutbound: false,
    });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: engineVersion }),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: maxCapacity,
      serverlessV2AutoPauseDuration: minCapacity === 0 ? autoPause : undefined,
      credentials: rds.Credentials.fromGeneratedSecret('kong', { encryptionKey: props.encryptionKey }),
      defaultDatabaseName: this.databaseName,
      port: this.port,
      storageEncrypted: true,
      storageEncryptionKey: props.storageEncryptionKey,
      deletionProtection: props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      backup: { retention: props.backupRetention ?? Duration.days(7) },
      copyTagsToSnapshot: true,
    });
    this.secret = this.cluster.secret!;
    this.connections = this.cluster.connections;
    skipCheckov(this.cluster, 'CKV_AWS_162', 'Kong 3.9 connects to PostgreSQL with a user and a password only (pg_user, pg_password: kong/templates/kong_defaults.lua:128-129 at 3.9.3, no IAM authentication option), read from the generated secret.');
    skipCheckov(this.cluster.node.findChild('Writer'), 'CKV_AWS_118', 'Enhanced Monitoring ships OS metrics to CloudWatch Logs, at a cost, from a database that is paused most of the time; the CloudWatch metrics of the cluster (ServerlessDatabaseCapacity, ACUUtilization: metricCapacity, metricAcuUtilization) cover what the gateway watches.');
    // The generated secret (cluster.secret is its attachment to the cluster).
    if (!props.encryptionKey) skipCheckov(this.cluster.node.findChild('Secret'), 'CKV_AWS_149', awsManagedKey('The database credentials secret'));

    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-RDS6', reason: 'Kong (open source) cannot authenticate to PostgreSQL with IAM tokens; it reads a password from Secrets Manager through ECS secrets.' },
      { id: 'AwsSolutions-SMG4', reason: 'Kong reads the database password only when a control plane task starts; rotating it under a running task would cut it off. Rotate by updating the secret, then starting a new control plane deployment.' },
    );
    if (props.deletionProtection === false || removalPolicy === RemovalPolicy.DESTROY) {
      Validations.of(this).acknowledge({ id: 'AwsSolutions-RDS10', reason: 'Deletion protection was turned off on purpose through the construct props.' });
    }
  }

  /** Capacity in use (ACU), 0 while paused. */
  public metricCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricServerlessDatabaseCapacity({ statistic: 'Maximum', ...props });
  }

  /** Capacity in use, as a percentage of the maximum. */
  public metricAcuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricACUUtilization({ statistic: 'Maximum', ...props });
  }
}

function checkAutoPauseEngine(version: rds.AuroraPostgresEngineVersion, n: PropNamer): void {
  const full = version.auroraPostgresFullVersion;
  if (Token.isUnresolved(full)) return;
  const [major, minor] = full.split('.').map(Number);
  const from = AUTO_PAUSE_FROM[major];
  const ok = major > 16 || (from !== undefined && minor >= from);
  if (!ok) {
    throw new Error(`${n('engineVersion')} must support 0 ACU auto-pause (13.15, 14.12, 15.7, 16.3 or later) when ${n('minCapacity')} is 0, got "${full}"`);
  }
}
