import { Aspects, CfnOutput, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, type IConstruct } from 'constructs';
import { AdminApiProxy } from './admin-api-proxy';
import { ClusterCertificate, ClusterMtlsMode } from './cluster-certificate';
import { ControlPlane } from './control-plane';
import { DataPlane } from './data-plane';
import { FallbackConfig } from './fallback-config';
import { GatewayFirewall } from './gateway-firewall';
import { GatewayEgress, GatewayNetwork } from './gateway-network';
import { IdleScaler } from './idle-scaler';
import { KongDatabase } from './kong-database';
import type { KongTaskOptions } from './kong-task-options';
import { SharedLoadBalancer } from './shared-load-balancer';
import { GATEWAY_PROP_NAMES } from './private/gateway-prop-names';
import { literal, nameChildProps, propNamer } from './private/prop-names';
import { FIGURES } from './private/timing';
import { checkCidrList } from './private/validation';

/** Properties of `KongHybridGateway`. Every family is flat and prefixed; only the domain and its zone are required. */
export interface KongHybridGatewayProps extends KongTaskOptions {
  // ---------------------------------------------------------------- domain and load balancer

  /** The one domain for API clients and admins, for example `kong-gw.example.com`. */
  readonly domainName: string;

  /** The Route 53 hosted zone `domainName` is in: it gets the alias record and, unless `certificate` is given, the certificate's validation records. */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The certificate for `domainName`.
   * @default - a new ACM certificate, DNS-validated in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The HTTPS listener's TLS policy (TLS 1.2 or later only).
   * @default elbv2.SslPolicy.RECOMMENDED_TLS
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Where the load balancer's access logs go (an SSE-S3 encrypted bucket).
   * @default - a new bucket: encrypted, TLS only, public access blocked, logs expire after `accessLogExpiration`
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * How long the new access log bucket keeps logs.
   * @default Duration.days(90)
   */
  readonly accessLogExpiration?: Duration;

  // ---------------------------------------------------------------- network

  /**
   * The VPC to deploy into (public subnets for the load balancer, private subnets with egress for the rest).
   * @default - a new VPC (see `vpcCidr`, `maxAzs`, `natGateways`)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The new VPC's CIDR block.
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * How many Availability Zones the new VPC spans.
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * NAT gateways of the new VPC, with `egress` NAT_GATEWAY: 1 keeps the idle
   * cost low, one per AZ survives an AZ outage.
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * How the new VPC's private subnets reach the internet: managed NAT
   * gateways, or self-healing NAT instances (cheaper, but egress pauses while a
   * failed instance is replaced). See `GatewayEgress`.
   * @default GatewayEgress.NAT_GATEWAY
   */
  readonly egress?: GatewayEgress;

  /**
   * NAT instances of the new VPC, with `egress` NAT_INSTANCE: one per AZ keeps
   * each AZ's egress independent of the others.
   * @default - one per AZ (`maxAzs`)
   */
  readonly natInstances?: number;

  /**
   * The NAT instances' type, with `egress` NAT_INSTANCE (it bounds the egress bandwidth).
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO)
   */
  readonly natInstanceType?: ec2.InstanceType;

  /**
   * Whether the new VPC records flow logs to CloudWatch Logs.
   * @default true
   */
  readonly vpcFlowLogs?: boolean;

  // ---------------------------------------------------------------- ECS

  /**
   * The ECS cluster to run in (it must be in `vpc`).
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;

  /**
   * The private DNS namespace the control plane registers in (it must be in `vpc`).
   * @default - a new namespace called `namespaceName`
   */
  readonly namespace?: servicediscovery.IPrivateDnsNamespace;

  /**
   * The name of the new private DNS namespace: the control plane is `kong-cp.<namespaceName>`.
   * @default 'kong.internal'
   */
  readonly namespaceName?: string;

  // ---------------------------------------------------------------- data plane

  /**
   * Fewest data plane tasks (1 or more). 2 or more, balanced across AZs,
   * keep serving through a task or AZ loss; with 1 that loss is an outage
   * until a replacement task has its configuration.
   * @default 2
   */
  readonly dataPlaneMinTasks?: number;

  /**
   * Most data plane tasks.
   * @default 10
   */
  readonly dataPlaneMaxTasks?: number;

  /**
   * Average CPU utilisation the data plane's target tracking aims at, in percent.
   * @default 50
   */
  readonly dataPlaneCpuTargetPercent?: number;

  /**
   * Load balancer requests per data plane task per minute that target tracking aims at.
   * @default 1000
   */
  readonly dataPlaneRequestsPerTarget?: number;

  /**
   * CPU units of a data plane task (a Fargate size: 256, 512, 1024, …). Kong's
   * sizing guidance: https://developer.konghq.com/gateway/resource-sizing-guidelines/
   * @default 512
   */
  readonly dataPlaneCpu?: number;

  /**
   * Memory of a data plane task, in MiB (a Fargate size for `dataPlaneCpu`).
   * @default 1024
   */
  readonly dataPlaneMemoryMiB?: number;

  /**
   * Run the data plane tasks above `dataPlaneOnDemandBaseTasks` on Fargate
   * Spot (cheaper, but AWS may stop them with two minutes' warning).
   * @default false
   */
  readonly dataPlaneFargateSpot?: boolean;

  /**
   * With `dataPlaneFargateSpot`, the data plane tasks that always run on
   * regular Fargate. Tasks above them run on Spot.
   * @default - `dataPlaneMinTasks`: Spot carries only the scale-out
   */
  readonly dataPlaneOnDemandBaseTasks?: number;

  /**
   * More Kong settings for the data planes (`KONG_…` variables, never secrets).
   * @default - none
   */
  readonly dataPlaneEnvironment?: { [key: string]: string };

  /**
   * Addresses (IPv4 or IPv6 CIDR blocks) the data planes trust to report the
   * client's address in `X-Forwarded-For` (Kong's `trusted_ips`): where the
   * load balancer's nodes are. `ip-restriction` on `/kong-admin` depends on it.
   * @default - every IPv4 range of the VPC: its primary CIDR block, the secondary blocks declared in this app, and its public subnets' blocks
   */
  readonly dataPlaneTrustedCidrs?: string[];

  // ---------------------------------------------------------------- control plane

  /**
   * CPU units of the control plane task.
   * @default 512
   */
  readonly controlPlaneCpu?: number;

  /**
   * Memory of the control plane task, in MiB.
   * @default 1024
   */
  readonly controlPlaneMemoryMiB?: number;

  /**
   * More Kong settings for the control plane (`KONG_…` variables, never secrets).
   * @default - none
   */
  readonly controlPlaneEnvironment?: { [key: string]: string };

  // ---------------------------------------------------------------- database

  /**
   * The database's lowest capacity in ACU. 0 lets it pause.
   * @default 0
   */
  readonly databaseMinCapacity?: number;

  /**
   * The database's highest capacity in ACU (1..256).
   * @default 2
   */
  readonly databaseMaxCapacity?: number;

  /**
   * How long the database waits without connections before pausing (300..86400 s).
   * @default Duration.minutes(5)
   */
  readonly databaseAutoPause?: Duration;

  /**
   * The Aurora PostgreSQL version (one that pauses at 0 ACU when `databaseMinCapacity` is 0).
   * @default rds.AuroraPostgresEngineVersion.VER_16_8
   */
  readonly databaseEngineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * What happens to the database when it leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly databaseRemovalPolicy?: RemovalPolicy;

  /**
   * Whether the database refuses to be deleted.
   * @default - true, unless `databaseRemovalPolicy` is `RemovalPolicy.DESTROY`
   */
  readonly databaseDeletionProtection?: boolean;

  /**
   * How long automated database backups are kept.
   * @default Duration.days(7)
   */
  readonly databaseBackupRetention?: Duration;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the database's storage.
   *
   * Set it when the gateway is created. Changing it on a deployed gateway
   * replaces the Aurora cluster with a new, empty one (`KmsKeyId` is
   * create-only for `AWS::RDS::DBCluster`:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html),
   * and the control plane then starts on an empty database while Kong's
   * configuration stays in the old cluster or its snapshot. That is why
   * `encryptionKey` does not cover it. It may be the same key.
   * @default - the AWS managed key aws/rds
   */
  readonly databaseEncryptionKey?: kms.IKey;

  // ---------------------------------------------------------------- cluster certificate

  /**
   * How control plane and data planes authenticate each other on 8005.
   * @default ClusterMtlsMode.SHARED
   */
  readonly clusterMtls?: ClusterMtlsMode;

  /**
   * Shared mode: bring the cluster certificate as a secret with JSON `{"cert", "key"}` (PEM).
   * @default - generated at deploy time into a new secret
   */
  readonly clusterCertificateSecret?: secretsmanager.ISecret;

  /**
   * PKI mode (required there): the CA that issues both sides' certificates, as a secret with JSON `{"cert", "key"}` (PEM).
   * @default - none
   */
  readonly clusterCaSecret?: secretsmanager.ISecret;

  /**
   * How long a generated cluster certificate is valid.
   * @default Duration.days(1095)
   */
  readonly clusterCertificateValidity?: Duration;

  /**
   * Bump to issue a new cluster certificate on the next deployment (rotation).
   * @default 1
   */
  readonly clusterCertificateGeneration?: number;

  /**
   * How long before a cluster certificate expires its alarm goes off.
   *
   * A daily check publishes the days left, and renewing takes a deployment.
   * @default Duration.days(60)
   */
  readonly clusterCertificateExpiryWarning?: Duration;

  // ---------------------------------------------------------------- encryption

  /**
   * A customer-managed KMS key (symmetric) that encrypts what the gateway stores.
   *
   * It encrypts every log group (Kong's, the functions', the flow logs, the
   * WAF logs), every secret the gateway creates (the database credentials,
   * the cluster certificates, the admin API key), the idle scaler's state
   * table and dead-letter queue, and the functions' environment variables.
   * A key defined in this app gets the key policy statements CloudWatch Logs
   * and EventBridge need (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html,
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html);
   * an imported key's policy must already hold them (a synth warning says
   * which). The roles that read and write these resources may use the key
   * through the service only. Not the access log bucket: load balancer
   * access logs go only to buckets encrypted with S3-managed keys
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
   * "The only server-side encryption option that's supported is Amazon
   * S3-managed keys (SSE-S3)"). Not the database's storage either: see
   * `databaseEncryptionKey`. Adding the key to a deployed gateway updates
   * these resources in place.
   * @default - each service's own encryption: aws/secretsmanager, CloudWatch Logs', DynamoDB's, SQS-managed (SSE-SQS) and Lambda's
   */
  readonly encryptionKey?: kms.IKey;

  // ---------------------------------------------------------------- alarms

  /**
   * What every alarm of the gateway does when it goes off (ALARM state): for
   * example `new cloudwatch_actions.SnsAction(topic)`. It is added to every
   * CloudWatch alarm under this construct when the app is synthesized,
   * including alarms added after the constructor ran.
   * @default - no action: the alarms only change state
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;

  // ---------------------------------------------------------------- idle scaler

  /**
   * Keep the control plane running all the time (desired count 1) instead of
   * starting it on demand. No idle scaler is created then.
   * @default false - the idle scaler starts the control plane when a data plane task starts and stops it after the cooldown
   */
  readonly controlPlaneAlwaysOn?: boolean;

  /**
   * How long the idle scaler waits for the control plane to run and the data
   * planes to agree on one config before carrying on (and saying so).
   * @default Duration.minutes(5)
   */
  readonly idleScalerSyncTimeout?: Duration;

  /**
   * How long the control plane stays up once the data planes are in sync.
   * @default Duration.minutes(30)
   */
  readonly idleScalerCooldown?: Duration;

  /**
   * What a new data plane start or a config push during the cooldown adds to it.
   * @default Duration.minutes(15)
   */
  readonly idleScalerCooldownExtension?: Duration;

  /**
   * The idle scaler's bound on a wake that goes wrong: a control plane that
   * never answered this long after its wake is stopped, and a stop deferred
   * this long past the cooldown raises an alarm (see `IdleScaler.wakeBound`).
   * @default - three times `idleScalerSyncTimeout`
   */
  readonly idleScalerWakeBound?: Duration;

  // ---------------------------------------------------------------- firewall

  /**
   * Whether a WAF web ACL protects the load balancer.
   * @default true
   */
  readonly firewall?: boolean;

  /**
   * The only addresses (IPv4 or IPv6 CIDR blocks) that may reach `/kong-admin`
   * at the edge. Kong's ip-restriction checks them again.
   * @default - none: `/kong-admin` is blocked at the edge
   */
  readonly adminAllowedCidrs?: string[];

  /**
   * AWS managed rule groups of the web ACL.
   * @default - IP reputation, common rule set, known bad inputs
   */
  readonly firewallManagedRuleGroups?: string[];

  /**
   * Rules of the AWS common rule set (`AWSManagedRulesCommonRuleSet`) the web
   * ACL counts instead of blocking, because ordinary traffic trips them:
   * bodies over 8 KB, requests without a User-Agent, bodies holding a URL with
   * an IP address as host (a Kong service `url` sent to `/kong-admin`).
   * Pass `[]` to block with every rule.
   * @default - SizeRestrictions_BODY, NoUserAgent_HEADER, GenericRFI_BODY
   */
  readonly firewallCountedRules?: string[];

  /**
   * Requests one client address may send in 5 minutes before the web ACL blocks it.
   * @default 2000
   */
  readonly firewallRateLimit?: number;

  /**
   * Whether the web ACL logs requests to CloudWatch Logs (secrets in headers redacted).
   * @default false
   */
  readonly firewallLogging?: boolean;

  // ---------------------------------------------------------------- admin API proxy

  /**
   * Whether a custom resource configures `/kong-admin` in Kong at deploy time:
   * the `kong-admin` service (the control plane's Admin API), key-auth, acl,
   * ip-restriction (`adminAllowedCidrs`), a consumer whose key Secrets Manager
   * generates (`adminApiKeySecret`), and the route. Turn it off to configure
   * the admin path yourself.
   * @default true
   */
  readonly adminApiProxy?: boolean;

  /**
   * Origins of a Kong Manager that calls `/kong-admin` from a browser, such as
   * `http://localhost:8002`: a `cors` plugin allows them.
   * @default - none: no cors plugin
   */
  readonly kongManagerOrigins?: string[];

  /**
   * Bump to rotate the admin API key on the next deployment: a new key is
   * written into `adminApiKeySecret` and into Kong, and the old one stops working.
   * @default 1
   */
  readonly adminApiKeyGeneration?: number;

  // ---------------------------------------------------------------- fallback configuration

  /**
   * Whether new data plane tasks start from the last known configuration. An
   * exporter stores the control plane's configuration in S3 (a Kong
   * declarative document: versioned, SSE-KMS, readable by the data planes'
   * task role only, written by the exporter only) whenever the data planes
   * are in sync on a new one; each new data plane task fetches the newest
   * export before Kong starts and serves it at once, so that a task started
   * while the control plane sleeps (a scale-out, a replacement, a deployment)
   * does not wait for it. The control plane still wakes, and its first push
   * replaces the fallback. See `FallbackConfig`.
   * @default true
   */
  readonly fallbackConfig?: boolean;

  /**
   * How many exports the fallback configuration's bucket keeps (the newest
   * and the ones before it, each naming the configuration hash it came from).
   * @default 10
   */
  readonly fallbackConfigExportsKept?: number;

  /**
   * The image of the data plane's init container that fetches the fallback
   * configuration (a shell, the AWS CLI version 2, coreutils' `timeout`).
   * @default 'public.ecr.aws/aws-cli/aws-cli:2.33.0'
   */
  readonly fallbackConfigFetchImage?: string;
}

/**
 * Kong Gateway in hybrid mode on AWS, as the seed architecture draws it.
 *
 * One domain on a shared Application Load Balancer (HTTPS, WAF) in front of an
 * autoscaled Kong data plane on Fargate; a private Kong control plane on
 * Fargate, found through Cloud Map as `kong-cp.<namespace>`; Aurora
 * Serverless v2 PostgreSQL that pauses at 0 ACU; a cluster certificate
 * generated at deploy time; security groups chained ALB → data plane →
 * control plane → database.
 *
 * The admin API is reached at `https://<domain>/kong-admin` through the data
 * plane, from `adminAllowedCidrs` only, with the key in `adminApiKeySecret`:
 * a custom resource configures that route in Kong at deploy time
 * (`AdminApiProxy`).
 */
export class KongHybridGateway extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;

  /** The ECS cluster. */
  public readonly cluster: ecs.ICluster;

  /** The private DNS namespace (`kong-cp.<namespace>` is the control plane). */
  public readonly namespace: servicediscovery.IPrivateDnsNamespace;

  /** The shared load balancer construct (listeners, certificate, alias record, access logs). */
  public readonly sharedLoadBalancer: SharedLoadBalancer;

  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The data plane (`.service`, `.targetGroup`, `.scaling`, `.connections`). */
  public readonly dataPlane: DataPlane;

  /** The control plane (`.service`, `.connections`, `.adminApiUrl`, `.allowAdminApiFrom()`). */
  public readonly controlPlane: ControlPlane;

  /** The database (`.cluster`, `.secret`). */
  public readonly database: KongDatabase;

  /** The cluster certificate (`.controlPlaneSecret`, `.dataPlaneSecret`). */
  public readonly clusterCertificate: ClusterCertificate;

  /** The idle scaler that starts and stops the control plane, unless `controlPlaneAlwaysOn`. */
  public readonly idleScaler?: IdleScaler;

  /** The data planes' fallback configuration (its bucket and exporter), unless `fallbackConfig` is false. */
  public readonly fallbackConfig?: FallbackConfig;

  /** The WAF web ACL, unless `firewall` is false. */
  public readonly firewall?: GatewayFirewall;

  /** The custom resource that configures `/kong-admin` in Kong, unless `adminApiProxy` is false. */
  public readonly adminApiProxy?: AdminApiProxy;

  /**
   * The admin API key (a plain string, sent in the `apikey` header), unless
   * `adminApiProxy` is false: `grantRead` it to who administers Kong.
   */
  public readonly adminApiKeySecret?: secretsmanager.ISecret;

  /** The network, when the construct created the VPC. */
  public readonly network?: GatewayNetwork;

  /** The addresses allowed to the admin path. */
  public readonly adminAllowedCidrs: string[];

  /**
   * The customer-managed key given as `encryptionKey`, if any.
   *
   * Encrypt more of what the gateway stores with it, and let the readers use
   * it, for example a bucket the data plane reads:
   * `new s3.Bucket(scope, 'Config', { encryption: s3.BucketEncryption.KMS, encryptionKey: gateway.encryptionKey })`
   * and `gateway.encryptionKey.grantDecrypt(gateway.dataPlane.taskDefinition.taskRole)`.
   */
  public readonly encryptionKey?: kms.IKey;

  /** `https://<domainName>`. */
  public readonly endpoint: string;

  /** `https://<domainName>/kong-admin`: the proxied admin API (and Kong Manager's `VUE_APP_KONG_ADMIN_API`). */
  public readonly adminUrl: string;

  constructor(scope: Construct, id: string, props: KongHybridGatewayProps) {
    super(scope, id);
    // Errors name the props set here, in the caller's language (private/prop-names.ts).
    for (const [child, names] of Object.entries(GATEWAY_PROP_NAMES)) nameChildProps(this, child, names);
    const n = propNamer(this);
    this.adminAllowedCidrs = [...(props.adminAllowedCidrs ?? [])];
    checkCidrList(n('adminAllowedCidrs'), this.adminAllowedCidrs);
    this.encryptionKey = props.encryptionKey;
    const encryptionKey = props.encryptionKey;
    if (props.vpc) {
      for (const prop of ['vpcCidr', 'maxAzs', 'natGateways', 'egress', 'natInstances', 'natInstanceType', 'vpcFlowLogs'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} applies only to a new VPC, but ${n('vpc')} was given too (got ${n(prop)} ${shown(props[prop])})`);
      }
    }
    if (props.cluster && props.vpc && !Token.isUnresolved(props.cluster.vpc.vpcId) && !Token.isUnresolved(props.vpc.vpcId) && props.cluster.vpc.vpcId !== props.vpc.vpcId) {
      throw new Error(`${n('cluster')} must be in ${n('vpc')} (${props.vpc.vpcId}), got a cluster in ${props.cluster.vpc.vpcId}`);
    }
    if (props.namespace && props.namespaceName !== undefined) {
      throw new Error(`${n('namespaceName')} applies only to a new namespace, but ${n('namespace')} was given too (got ${n('namespaceName')} ${JSON.stringify(props.namespaceName)})`);
    }

    if (props.vpc) {
      this.vpc = props.vpc;
    } else if (props.cluster) {
      this.vpc = props.cluster.vpc;
    } else {
      this.network = new GatewayNetwork(this, 'Network', {
        cidr: props.vpcCidr,
        maxAzs: props.maxAzs,
        natGateways: props.natGateways,
        egress: props.egress,
        natInstances: props.natInstances,
        natInstanceType: props.natInstanceType,
        flowLogs: props.vpcFlowLogs,
        flowLogRetention: props.logRetention,
        encryptionKey,
      });
      this.vpc = this.network.vpc;
    }

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    if (props.namespace) {
      this.namespace = props.namespace;
    } else {
      const namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
        vpc: this.vpc,
        name: props.namespaceName ?? 'kong.internal',
        description: 'Kong hybrid gateway: the control plane is kong-cp.<namespace>',
      });
      // While the control plane sleeps kong-cp does not exist; how long the VPC
      // resolver remembers that is the SOA's negative-caching TTL
      // (https://docs.aws.amazon.com/cloud-map/latest/api/API_SOA.html), a step
      // of every cold start (timing.ts).
      (namespace.node.defaultChild as servicediscovery.CfnPrivateDnsNamespace).addPropertyOverride('Properties.DnsProperties.SOA.TTL', FIGURES.namespaceNegativeTtl.seconds);
      this.namespace = namespace;
    }

    this.database = new KongDatabase(this, 'Database', {
      vpc: this.vpc,
      minCapacity: props.databaseMinCapacity,
      maxCapacity: props.databaseMaxCapacity,
      autoPause: props.databaseAutoPause,
      engineVersion: props.databaseEngineVersion,
      removalPolicy: props.databaseRemovalPolicy,
      deletionProtection: props.databaseDeletionProtection,
      backupRetention: props.databaseBackupRetention,
      encryptionKey,
      storageEncryptionKey: props.databaseEncryptionKey,
    });

    this.clusterCertificate = new ClusterCertificate(this, 'ClusterCertificate', {
      mode: props.clusterMtls,
      secret: props.clusterCertificateSecret,
      caSecret: props.clusterCaSecret,
      controlPlaneName: `${ControlPlane.SERVICE_NAME}.${this.namespace.namespaceName}`,
      dataPlaneName: `kong-dp.${this.namespace.namespaceName}`,
      validity: props.clusterCertificateValidity,
      generation: props.clusterCertificateGeneration,
      expiryWarning: props.clusterCertificateExpiryWarning,
      encryptionKey,
    });

    this.sharedLoadBalancer = new SharedLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      domainName: props.domainName,
      hostedZone: props.hostedZone,
      certificate: props.certificate,
      sslPolicy: props.sslPolicy,
      accessLogBucket: props.accessLogBucket,
      accessLogExpiration: props.accessLogExpiration,
    });
    this.loadBalancer = this.sharedLoadBalancer.loadBalancer;

    const taskOptions: KongTaskOptions = {
      kongImage: props.kongImage,
      kongImagePullThroughCachePrefix: props.kongImagePullThroughCachePrefix,
      cpuArchitecture: props.cpuArchitecture,
      logRetention: props.logRetention,
    };

    this.controlPlane = new ControlPlane(this, 'ControlPlane', {
      ...taskOptions,
      cluster: this.cluster,
      namespace: this.namespace,
      databaseCluster: this.database.cluster,
      databaseSecret: this.database.secret,
      databaseName: this.database.databaseName,
      databasePort: this.database.port,
      clusterCertificate: this.clusterCertificate,
      cpu: props.controlPlaneCpu,
      memoryLimitMiB: props.controlPlaneMemoryMiB,
      environment: props.controlPlaneEnvironment,
      encryptionKey,
    });

    const alwaysOn = props.controlPlaneAlwaysOn ?? false;
    if (props.fallbackConfig ?? true) {
      this.fallbackConfig = new FallbackConfig(this, 'FallbackConfig', {
        vpc: this.vpc,
        adminApiUrl: this.controlPlane.adminApiUrl,
        exportsKept: props.fallbackConfigExportsKept,
        encryptionKey,
        // Reads of the exports are logged with the load balancer's access logs (the bucket is SSE-S3, as S3's log delivery needs).
        serverAccessLogsBucket: this.sharedLoadBalancer.accessLogBucket,
        // No idle scaler asks for exports when the control plane is always on: a schedule does.
        ...(alwaysOn ? { schedule: Duration.minutes(5) } : {}),
        logRetention: props.logRetention,
      });
      this.allowAdminApiFrom(this.fallbackConfig);
    } else {
      for (const prop of ['fallbackConfigExportsKept', 'fallbackConfigFetchImage'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} needs the fallback configuration, but ${n('fallbackConfig')} is ${literal(false)} (got ${n(prop)} ${shown(props[prop])})`);
      }
    }

    this.dataPlane = new DataPlane(this, 'DataPlane', {
      ...taskOptions,
      cluster: this.cluster,
      controlPlane: this.controlPlane,
      clusterCertificate: this.clusterCertificate,
      listener: this.sharedLoadBalancer.httpsListener,
      minTasks: props.dataPlaneMinTasks,
      maxTasks: props.dataPlaneMaxTasks,
      cpuTargetPercent: props.dataPlaneCpuTargetPercent,
      requestsPerTarget: props.dataPlaneRequestsPerTarget,
      cpu: props.dataPlaneCpu,
      memoryLimitMiB: props.dataPlaneMemoryMiB,
      fargateSpot: props.dataPlaneFargateSpot,
      onDemandBaseTasks: props.dataPlaneOnDemandBaseTasks,
      environment: props.dataPlaneEnvironment,
      trustedCidrs: props.dataPlaneTrustedCidrs,
      encryptionKey,
      fallbackConfig: this.fallbackConfig,
      fallbackConfigFetchImage: props.fallbackConfigFetchImage,
    });

    if (this.network?.egress === GatewayEgress.NAT_INSTANCE) {
      // A NAT instance needs a minute or two before it routes; tasks started
      // earlier could not pull their image, and the deployment circuit breaker
      // would count them as failures. (A NAT gateway's route is there at once.)
      this.dataPlane.service.node.addDependency(this.network.egressReady);
      this.controlPlane.service.node.addDependency(this.network.egressReady);
    }

    if (props.firewall ?? true) {
      this.firewall = new GatewayFirewall(this, 'Firewall', {
        loadBalancer: this.loadBalancer,
        adminAllowedCidrs: this.adminAllowedCidrs,
        managedRuleGroups: props.firewallManagedRuleGroups,
        countedRules: props.firewallCountedRules,
        rateLimit: props.firewallRateLimit,
        logging: props.firewallLogging,
        logRetention: props.logRetention,
        encryptionKey,
      });
    } else {
      for (const prop of ['firewallManagedRuleGroups', 'firewallCountedRules', 'firewallRateLimit', 'firewallLogging'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} needs the firewall, but ${n('firewall')} is ${literal(false)} (got ${n(prop)} ${shown(props[prop])})`);
      }
    }

    if (alwaysOn) {
      for (const prop of ['idleScalerSyncTimeout', 'idleScalerCooldown', 'idleScalerCooldownExtension', 'idleScalerWakeBound'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} needs the idle scaler, but ${n('controlPlaneAlwaysOn')} is ${literal(true)} (got ${n(prop)} ${props[prop]!.toHumanString()})`);
      }
      // The template leaves the desired count to the scaler; with no scaler, keep one task.
      (this.controlPlane.service.node.defaultChild as ecs.CfnService).addPropertyOverride('DesiredCount', 1);
    } else {
      this.idleScaler = new IdleScaler(this, 'IdleScaler', {
        controlPlaneService: this.controlPlane.service,
        dataPlaneService: this.dataPlane.service,
        adminApiUrl: this.controlPlane.adminApiUrl,
        controlPlaneConnections: this.controlPlane,
        database: this.database.cluster,
        vpc: this.vpc,
        syncTimeout: props.idleScalerSyncTimeout,
        cooldown: props.idleScalerCooldown,
        cooldownExtension: props.idleScalerCooldownExtension,
        wakeBound: props.idleScalerWakeBound,
        logRetention: props.logRetention,
        encryptionKey,
        fallbackConfigExporter: this.fallbackConfig?.exporter,
      });
      new CfnOutput(this, 'IdleScalerFunctionName', {
        value: this.idleScaler.function.functionName,
        description: 'Invoke with {"action":"wake"}, {"action":"sleep"} or {"action":"status"}',
      });
    }

    if (props.adminApiProxy ?? true) {
      this.adminApiProxy = new AdminApiProxy(this, 'AdminApiProxy', {
        controlPlaneService: this.controlPlane.service,
        adminApiUrl: this.controlPlane.adminApiUrl,
        database: this.database.cluster,
        allowedCidrs: this.adminAllowedCidrs,
        kongManagerOrigins: props.kongManagerOrigins,
        apiKeyGeneration: props.adminApiKeyGeneration,
        vpc: this.vpc,
        logRetention: props.logRetention,
        encryptionKey,
      });
      this.allowAdminApiFrom(this.adminApiProxy);
      // Runs once the function may reach the Admin API (the service itself is a reference already).
      this.adminApiProxy.resource.node.addDependency(...this.controlPlane.connections.securityGroups);
      this.adminApiKeySecret = this.adminApiProxy.apiKeySecret;
      new CfnOutput(this, 'AdminApiKeySecretArn', {
        value: this.adminApiKeySecret.secretArn,
        description: 'The admin API key: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
      });
    } else {
      for (const prop of ['kongManagerOrigins', 'adminApiKeyGeneration'] as const) {
        if (props[prop] !== undefined) throw new Error(`${n(prop)} needs the admin API proxy, but ${n('adminApiProxy')} is ${literal(false)} (got ${n(prop)} ${shown(props[prop])})`);
      }
    }

    if (props.alarmAction) {
      // An aspect rather than a loop here: it also reaches alarms that
      // sub-constructs or users add under the gateway later.
      Aspects.of(this).add(new AlarmActionAspect(props.alarmAction));
    }

    if (this.fallbackConfig) {
      new CfnOutput(this, 'FallbackConfigBucket', {
        value: this.fallbackConfig.bucket.bucketName,
        description: `The data planes' fallback configuration: every version of ${this.fallbackConfig.objectKey} is an export (its tag kong-config-hash names the configuration); readable by the data planes only`,
      });
    }

    this.endpoint = this.sharedLoadBalancer.url;
    this.adminUrl = `${this.endpoint}/kong-admin`;
    new CfnOutput(this, 'Endpoint', { value: this.endpoint, description: 'Kong proxy endpoint' });
    if (this.adminApiProxy) {
      // Without the bootstrap nothing answers there until you configure the route yourself.
      new CfnOutput(this, 'AdminUrl', { value: this.adminUrl, description: 'Kong admin API, proxied by the data plane (key-auth, ip-restriction)' });
      // What the `kong-hybrid` CLI prints when the admin path answers 403 (an output's value may not be empty).
      new CfnOutput(this, 'AdminAllowedCidrs', {
        value: this.adminAllowedCidrs.length > 0 ? Fn.join(',', this.adminAllowedCidrs) : 'none',
        description: 'Who may reach the admin path (WAF, then Kong ip-restriction): comma-separated CIDRs, or none',
      });
    }
    // Names the `kong-hybrid` CLI reads the deployment by (ECS, RDS), so that nothing is typed twice.
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName, description: 'The ECS cluster of both planes' });
    new CfnOutput(this, 'ControlPlaneServiceName', { value: this.controlPlane.service.serviceName, description: 'The control plane ECS service' });
    new CfnOutput(this, 'DataPlaneServiceName', { value: this.dataPlane.service.serviceName, description: 'The data plane ECS service' });
    new CfnOutput(this, 'DatabaseClusterIdentifier', { value: this.database.cluster.clusterIdentifier, description: 'The Aurora Serverless v2 cluster' });
  }

  /**
   * Lets `peer` (one of our own functions: the idle scaler, the admin bootstrap)
   * reach the control plane's admin API (8001), and nothing else.
   */
  public allowAdminApiFrom(peer: ec2.IConnectable): void {
    this.controlPlane.allowAdminApiFrom(peer);
  }

  /** Healthy data plane tasks behind the load balancer. */
  public metricDataPlaneHealthyHosts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.dataPlane.metricHealthyHosts(props);
  }

  /** 5xx responses from the data planes. */
  public metricDataPlaneHttp5xx(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.dataPlane.metricHttp5xx(props);
  }

  /** 5xx responses from the load balancer itself (503 while no data plane is healthy). */
  public metricLoadBalancerHttp5xx(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.sharedLoadBalancer.metricHttp5xx(props);
  }

  /** Running control plane tasks, 0 while it sleeps. */
  public metricControlPlaneRunningTasks(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.controlPlane.metricRunningTasks(props);
  }

  /** Database capacity in ACU, 0 while paused. */
  public metricDatabaseCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.database.metricCapacity(props);
  }
}

/** A prop's value in an error message: JSON for literals, what the value says of itself otherwise (an instance type, an enum). */
function shown(value: unknown): string {
  if (typeof value === 'boolean') return literal(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return String(value);
  return JSON.stringify(value);
}

/** Adds one action to the ALARM state of every CloudWatch alarm it visits, once. */
class AlarmActionAspect {
  private readonly done = new Set<cloudwatch.AlarmBase>();

  constructor(private readonly action: cloudwatch.IAlarmAction) {}

  public visit(node: IConstruct): void {
    if (node instanceof cloudwatch.AlarmBase && !this.done.has(node)) {
      this.done.add(node);
      node.addAlarmAction(this.action);
    }
  }
}
