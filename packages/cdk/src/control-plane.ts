import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { ClusterCertificate } from './cluster-certificate';
import type { KongTaskOptions } from './kong-task-options';
import { KONG_IMAGE_START, kongStartScript } from './private/kong-start-script';
import { kongTask } from './private/kong-task';
import { propNamer } from './private/prop-names';
import { CONTROL_PLANE_HEALTH_CHECK, FIGURES, START_SCRIPT_BUDGET_SECONDS, START_SCRIPT_RETRY_DELAY_SECONDS } from './private/timing';

/** Properties of `ControlPlane`. */
export interface ControlPlaneProps extends KongTaskOptions {
  /** The ECS cluster the service runs in (its VPC is the control plane's). */
  readonly cluster: ecs.ICluster;

  /** The private DNS namespace the control plane registers in, as `kong-cp.<namespace>`. */
  readonly namespace: servicediscovery.IPrivateDnsNamespace;

  /** The PostgreSQL cluster Kong stores its configuration in. */
  readonly databaseCluster: rds.IDatabaseCluster;

  /** The database credentials: a secret with JSON fields `username` and `password`. */
  readonly databaseSecret: secretsmanager.ISecret;

  /**
   * The database Kong uses.
   * @default 'kong'
   */
  readonly databaseName?: string;

  /**
   * The database's port.
   * @default - the cluster endpoint's port
   */
  readonly databasePort?: number;

  /** The cluster certificate (shared or PKI). */
  readonly clusterCertificate: ClusterCertificate;

  /**
   * CPU units of a control plane task.
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of a control plane task, in MiB.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * More Kong settings as environment variables (`KONG_…`), for example
   * `KONG_LOG_LEVEL`. Never put secrets here; the variables the construct
   * manages (role, listeners, database, cluster certificate) are refused.
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * Where in the VPC the tasks run.
   * @default - the private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * A customer-managed KMS key (symmetric) that encrypts the container logs.
   * CloudWatch Logs is allowed to use it in its key policy when the key is
   * defined in this app (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Kong's control plane: a Fargate service in private subnets, never behind
 * the load balancer, found by the data planes as `kong-cp.<namespace>`
 * through Cloud Map. It runs the database migrations it needs every time it
 * starts, then serves the admin API (8001) and the cluster listener (8005).
 *
 * Its desired count belongs to whoever starts and stops it (the idle scaler):
 * the template does not set it (a new service starts one task, and a
 * redeployment keeps the current count), and it is not under Application
 * Auto Scaling.
 */
export class ControlPlane extends Construct implements ec2.IConnectable {
  /** The admin API port. */
  public static readonly ADMIN_API_PORT = 8001;
  /** The cluster (data plane sync) port. */
  public static readonly CLUSTER_PORT = 8005;
  /** The Cloud Map service name. */
  public static readonly SERVICE_NAME = 'kong-cp';

  /** The ECS service. */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The container logs. */
  public readonly logGroup: logs.ILogGroup;

  /** The control plane's security group: no inbound rule but those added through this construct. */
  public readonly connections: ec2.Connections;

  /** The admin API port (8001). */
  public readonly adminApiPort = ControlPlane.ADMIN_API_PORT;

  /** The cluster port (8005). */
  public readonly clusterPort = ControlPlane.CLUSTER_PORT;

  /** The control plane's private DNS name: `kong-cp.<namespace>`. */
  public readonly hostname: string;

  /** The admin API's URL inside the VPC: `http://kong-cp.<namespace>:8001`. */
  public readonly adminApiUrl: string;

  /** What the data planes connect to: `kong-cp.<namespace>:8005`. */
  public readonly clusterEndpoint: string;

  constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    this.hostname = `${ControlPlane.SERVICE_NAME}.${props.namespace.namespaceName}`;
    this.adminApiUrl = `http://${this.hostname}:${this.adminApiPort}`;
    this.clusterEndpoint = `${this.hostname}:${this.clusterPort}`;
    const databasePort = props.databasePort ?? props.databaseCluster.clusterEndpoint.port;

    const { taskDefinition, container, logGroup } = kongTask(this, {
      ...props,
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      propNames: propNamer(this),
      userEnvironment: props.environment,
      environment: {
        KONG_ROLE: 'control_plane',
        KONG_DATABASE: 'postgres',
        KONG_PG_HOST: props.databaseCluster.clusterEndpoint.hostname,
        KONG_PG_PORT: Token.isUnresolved(databasePort) ? Token.asString(databasePort) : String(databasePort),
        KONG_PG_DATABASE: props.databaseName ?? 'kong',
        // Aurora PostgreSQL 15+ refuses unencrypted connections.
        KONG_PG_SSL: 'on',
        // Longer than Aurora's resume from 0 ACU (15-30 s, timing.ts), so a first query waits instead of failing
        // (pg_timeout defaults to 5000 ms: kong/templates/kong_defaults.lua:127 at 3.9.3).
        KONG_PG_TIMEOUT: '60000',
        KONG_ADMIN_LISTEN: `0.0.0.0:${this.adminApiPort}`,
        KONG_CLUSTER_LISTEN: `0.0.0.0:${this.clusterPort}`,
        // The control plane proxies nothing, and Kong Manager runs on the admin's machine (the seed).
        KONG_PROXY_LISTEN: 'off',
        KONG_ADMIN_GUI_LISTEN: 'off',
        KONG_STATUS_LISTEN: '127.0.0.1:8100',
      },
      portMappings: [
        { name: 'admin', containerPort: this.adminApiPort },
        { name: 'cluster', containerPort: this.clusterPort },
      ],
      // Migrations first (tolerant of a resuming or starting database, for a
      // budget derived in timing.ts), then Kong.
      command: ['/bin/sh', '-c', kongStartScript({ budgetSeconds: START_SCRIPT_BUDGET_SECONDS, retryDelaySeconds: START_SCRIPT_RETRY_DELAY_SECONDS, exec: KONG_IMAGE_START })],
      // Tolerates the start script's whole budget, then Kong's start (timing.ts).
      healthCheck: {
        command: ['CMD-SHELL', 'kong health'],
        interval: Duration.seconds(CONTROL_PLANE_HEALTH_CHECK.intervalSeconds),
        timeout: Duration.seconds(CONTROL_PLANE_HEALTH_CHECK.timeoutSeconds),
        retries: CONTROL_PLANE_HEALTH_CHECK.retries,
        startPeriod: Duration.seconds(CONTROL_PLANE_HEALTH_CHECK.startPeriodSeconds),
      },
    });
    container.addSecret('KONG_PG_USER', ecs.Secret.fromSecretsManager(props.databaseSecret, 'username'));
    container.addSecret('KONG_PG_PASSWORD', ecs.Secret.fromSecretsManager(props.databaseSecret, 'password'));
    props.clusterCertificate.bindToControlPlane(container);
    this.taskDefinition = taskDefinition;
    this.logGroup = logGroup;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Kong control plane: admin API and cluster port from the data plane only',
      allowAllOutbound: false,
    });
    // Image pulls, Secrets Manager and CloudWatch Logs go out through the task's own interface.
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: image registry, Secrets Manager, CloudWatch Logs');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition,
      securityGroups: [securityGroup],
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      // Stop the old task before starting the new one: two Kong versions never
      // share the database, so `kong migrations finish` at start is safe.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      cloudMapOptions: {
        cloudMapNamespace: props.namespace,
        name: ControlPlane.SERVICE_NAME,
        dnsRecordType: servicediscovery.DnsRecordType.A,
        // The task's address changes at every start: keep resolvers' copies short.
        dnsTtl: Duration.seconds(FIGURES.cloudMapRecordTtl.seconds),
      },
    });
    // Owned by the idle scaler (or the operator), never reset by a deployment.
    (this.service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('DesiredCount');
    this.connections = this.service.connections;

    this.connections.allowTo(props.databaseCluster, ec2.Port.tcp(databasePort), 'Kong control plane to its database');
    // The task definition names only the cluster endpoint (KONG_PG_HOST), so
    // CloudFormation would start the first task once the AWS::RDS::DBCluster
    // exists, before its writer instance answers: wait for the whole database
    // (cluster, writer instance, its security group rule). CloudFormation
    // creates a resource after everything in its DependsOn
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html).
    this.service.node.addDependency(props.databaseCluster);
  }

  /**
   * Lets `peer` reach the admin API (8001), and nothing else: the way for
   * our own functions (the idle scaler, the admin bootstrap) to talk to Kong.
   * Adds the inbound rule here and, when `peer` controls its egress, the
   * outbound rule there.
   */
  public allowAdminApiFrom(peer: ec2.IConnectable, description = 'Kong admin API'): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(this.adminApiPort), description);
  }

  /** Lets a data plane reach the cluster port (8005) and the admin API (8001, for the `/kong-admin` proxy). */
  public allowDataPlaneFrom(peer: ec2.IConnectable): void {
    this.connections.allowFrom(peer, ec2.Port.tcp(this.clusterPort), 'Kong cluster sync (mTLS) from the data plane');
    this.connections.allowFrom(peer, ec2.Port.tcp(this.adminApiPort), 'Kong admin API proxied by the data plane (/kong-admin)');
  }

  /** Running control plane tasks (Container Insights), 0 while the control plane sleeps. */
  public metricRunningTasks(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: this.service.cluster.clusterName, ServiceName: this.service.serviceName },
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props,
    });
  }
}
