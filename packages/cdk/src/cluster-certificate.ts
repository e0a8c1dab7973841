import { CustomResource, Duration, Names, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LAMBDA_REASONS, awsManagedKey, skipCheckov } from './private/checkov';
import { grantSecretsManagerKey, newLogGroup } from './private/encryption';
import { bundleFunctionProps } from './private/lambda-function';
import { literal, propNamer } from './private/prop-names';
import { checkDurationSeconds, checkInteger } from './private/validation';

/** How control plane and data planes authenticate each other on the cluster port (Kong's `cluster_mtls`). */
export enum ClusterMtlsMode {
  /** One certificate and key, shared by every node (Kong's default). */
  SHARED = 'shared',
  /** Each side has its own certificate, issued by a CA that both trust. */
  PKI = 'pki',
}

/** Properties of `ClusterCertificate`. */
export interface ClusterCertificateProps {
  /**
   * Shared or PKI mode.
   * @default ClusterMtlsMode.SHARED
   */
  readonly mode?: ClusterMtlsMode;

  /**
   * Shared mode: bring the certificate yourself, as a secret holding JSON
   * `{"cert": "<PEM>", "key": "<PEM>"}`. Nothing is generated then.
   * @default - generated at deploy time into a new secret
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * PKI mode (required there): the CA that issues the control plane's and the
   * data planes' certificates, as a secret holding JSON
   * `{"cert": "<PEM>", "key": "<PEM>"}` (RSA or EC P-256/P-384/P-521). Use a
   * CA dedicated to this cluster.
   * @default - none
   */
  readonly caSecret?: secretsmanager.ISecret;

  /**
   * PKI mode: the control plane's certificate name (CN and DNS SAN), which the
   * data planes check as `cluster_server_name`.
   * @default 'kong-cp.kong.internal'
   */
  readonly controlPlaneName?: string;

  /**
   * PKI mode: the data planes' certificate name (CN and DNS SAN).
   * @default 'kong-dp.kong.internal'
   */
  readonly dataPlaneName?: string;

  /**
   * How long a generated certificate is valid.
   * @default Duration.days(1095)
   */
  readonly validity?: Duration;

  /**
   * A deployment issues a new certificate when the current one expires within
   * this time.
   * @default Duration.days(30)
   */
  readonly renewBefore?: Duration;

  /**
   * Bump to issue a new certificate on the next deployment (rotation).
   * @default 1
   */
  readonly generation?: number;

  /**
   * How long before the (first) certificate expires the expiry alarm goes
   * off. A daily check reads the certificates and publishes the days left;
   * renewing takes a deployment with a bumped `generation`, so leave time
   * for one.
   * @default Duration.days(60)
   */
  readonly expiryWarning?: Duration;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the secrets this
   * construct creates (the generated certificates and keys) and its functions'
   * log groups. Secrets you bring keep their own keys.
   * @default - the services' own keys (aws/secretsmanager, CloudWatch Logs' own encryption)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Where the daily expiry check publishes the days a cluster certificate has left. */
export const CLUSTER_CERTIFICATE_METRIC = { namespace: 'KongHybrid', metricName: 'ClusterCertificateDaysToExpiry', dimension: 'Certificate' } as const;

/**
 * The certificates that secure the cluster port (8005) between Kong's control
 * plane and data planes.
 *
 * By default a custom resource generates an ECDSA P-384 certificate and key at
 * deploy time (like `kong hybrid gen_cert`: CN `kong_clustering`, three years)
 * inside a Lambda function and writes them straight into Secrets Manager: the
 * key never appears in the template, in an environment variable or in a log.
 * ECS injects them into Kong's containers as secrets, pinned to the version the
 * custom resource wrote, so that a new certificate rolls both services.
 */
export class ClusterCertificate extends Construct {
  /** Shared or PKI. */
  public readonly mode: ClusterMtlsMode;

  /** The control plane's certificate and key (the one certificate in shared mode). */
  public readonly controlPlaneSecret: secretsmanager.ISecret;

  /** The data planes' certificate and key (the same secret as the control plane's in shared mode). */
  public readonly dataPlaneSecret: secretsmanager.ISecret;

  /** The name the data planes expect on the control plane's certificate (`cluster_server_name`). */
  public readonly serverName: string;

  /** The function behind the custom resource, when the certificate is generated. */
  public readonly handler?: lambda.IFunction;

  /** Goes off `expiryWarning` before a cluster certificate expires (and stays quiet while the check has no data). */
  public readonly expiryAlarm: cloudwatch.Alarm;

  /** Goes off when the daily expiry check fails (it cannot read or parse a certificate). */
  public readonly expiryCheckFailureAlarm: cloudwatch.Alarm;

  private readonly controlPlaneVersion?: string;
  private readonly dataPlaneVersion?: string;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ClusterCertificateProps = {}) {
    super(scope, id);
    this.mode = props.mode ?? ClusterMtlsMode.SHARED;
    this.encryptionKey = props.encryptionKey;
    const validity = props.validity ?? Duration.days(1095);
    const renewBefore = props.renewBefore ?? Duration.days(30);
    const generation = props.generation ?? 1;
    const n = propNamer(this);
    const days = (d: Duration) => `${d.toDays({ integral: false })} days`;
    checkDurationSeconds(n('validity'), validity, 86400, 3650 * 86400);
    checkDurationSeconds(n('renewBefore'), renewBefore, 86400, 365 * 86400);
    checkInteger(n('generation'), generation, 1, Number.MAX_SAFE_INTEGER);
    if (!validity.isUnresolved() && !renewBefore.isUnresolved() && renewBefore.toSeconds() >= validity.toSeconds()) {
      // KongHybridGateway has no renewBefore: name it only when the user set it.
      const bound = props.renewBefore === undefined ? `${days(renewBefore)} (a deployment renews the certificate that long before it expires)` : `${n('renewBefore')} (${days(renewBefore)})`;
      throw new Error(`${n('validity')} must be longer than ${bound}, got ${days(validity)}`);
    }

    const expiryWarning = props.expiryWarning ?? Duration.days(60);
    checkDurationSeconds(n('expiryWarning'), expiryWarning, 86400, 3650 * 86400);
    if (!validity.isUnresolved() && !expiryWarning.isUnresolved() && expiryWarning.toSeconds() >= validity.toSeconds()) {
      throw new Error(props.expiryWarning === undefined
        ? `${n('validity')} must be longer than ${days(expiryWarning)} (the default ${n('expiryWarning')}), got ${days(validity)}`
        : `${n('expiryWarning')} must be shorter than ${n('validity')} (${days(validity)}), got ${days(expiryWarning)}`);
    }

    if (this.mode === ClusterMtlsMode.SHARED) {
      if (props.caSecret) throw new Error(`${n('caSecret')} is only for ${n('mode')} ClusterMtlsMode.PKI: shared mode uses ${n('secret')} or generates a certificate`);
      this.serverName = 'kong_clustering';
      if (props.secret) {
        this.controlPlaneSecret = this.dataPlaneSecret = props.secret;
      } else {
        const secret = this.newSecret('Secret', 'Kong cluster certificate and key (shared mode)');
        this.controlPlaneSecret = this.dataPlaneSecret = secret;
        const resource = this.newResource({
          Mode: 'shared',
          ControlPlaneSecretId: secret.secretArn,
          ControlPlaneCommonName: this.serverName,
        }, [secret], [], validity, renewBefore, generation);
        this.handler = resource.handler;
        this.controlPlaneVersion = this.dataPlaneVersion = resource.resource.getAttString('ControlPlaneVersionId');
      }
    } else {
      if (props.secret) throw new Error(`${n('secret')} is only for ${n('mode')} ClusterMtlsMode.SHARED: PKI mode issues both certificates from ${n('caSecret')}`);
      if (!props.caSecret) throw new Error(`${n('caSecret')} is required when ${n('mode')} is ClusterMtlsMode.PKI (the CA that issues both sides' certificates), got ${literal(undefined)}`);
      this.serverName = props.controlPlaneName ?? 'kong-cp.kong.internal';
      const dataPlaneName = props.dataPlaneName ?? 'kong-dp.kong.internal';
      for (const [prop, value] of [['controlPlaneName', this.serverName], ['dataPlaneName', dataPlaneName]]) {
        if (!Token.isUnresolved(value) && !/^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9])?$/.test(value)) {
          throw new Error(`${n(prop)} must be a DNS name such as "kong-cp.kong.internal", got ${JSON.stringify(value)}`);
        }
      }
      const cp = this.newSecret('ControlPlaneSecret', 'Kong control plane cluster certificate and key (PKI mode)');
      const dp = this.newSecret('DataPlaneSecret', 'Kong data plane cluster certificate and key (PKI mode)');
      this.controlPlaneSecret = cp;
      this.dataPlaneSecret = dp;
      const resource = this.newResource({
        Mode: 'pki',
        ControlPlaneSecretId: cp.secretArn,
        DataPlaneSecretId: dp.secretArn,
        CaSecretId: props.caSecret.secretArn,
        ControlPlaneCommonName: this.serverName,
        DataPlaneCommonName: dataPlaneName,
      }, [cp, dp], [props.caSecret], validity, renewBefore, generation);
      this.handler = resource.handler;
      this.controlPlaneVersion = resource.resource.getAttString('ControlPlaneVersionId');
      this.dataPlaneVersion = resource.resource.getAttString('DataPlaneVersionId');
    }

    const watched = this.dataPlaneSecret === this.controlPlaneSecret ? [this.controlPlaneSecret] : [this.controlPlaneSecret, this.dataPlaneSecret];
    const { alarm, failureAlarm } = this.watchExpiry(watched, expiryWarning);
    this.expiryAlarm = alarm;
    this.expiryCheckFailureAlarm = failureAlarm;
  }

  /** The metric of the days the certificates have left (the fewest, daily). */
  public metricDaysToExpiry(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CLUSTER_CERTIFICATE_METRIC.namespace,
      metricName: CLUSTER_CERTIFICATE_METRIC.metricName,
      dimensionsMap: { [CLUSTER_CERTIFICATE_METRIC.dimension]: this.certificateName },
      statistic: 'Minimum',
      period: Duration.days(1),
      ...props,
    });
  }

  /** The metric dimension that names these certificates: stable, unique in the account. */
  private get certificateName(): string {
    return Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
  }

  /**
   * A daily check that publishes the days left, an alarm `warning` before
   * expiry, and an alarm on the check failing. The check function is the
   * custom resource's (it reads the secrets already), or one of its own when
   * the certificate is brought.
   */
  private watchExpiry(secrets: secretsmanager.ISecret[], warning: Duration): { alarm: cloudwatch.Alarm; failureAlarm: cloudwatch.Alarm } {
    let checker = this.handler;
    if (!checker) {
      const logGroup = newLogGroup(this, 'ExpiryCheckLogs', 'The expiry check\'s log group', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: this.encryptionKey });
      const role = new iam.Role(this, 'ExpiryCheckRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Reads the Kong cluster certificate to publish the days it has left',
      });
      logGroup.grantWrite(role);
      for (const secret of secrets) secret.grantRead(role);
      const fn = this.certificateFunction('ExpiryCheck', 'Publishes the days the Kong cluster certificate has left (daily)', role, logGroup);
      (fn.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
      skipCheckov(fn, 'CKV_AWS_115', LAMBDA_REASONS.reservedConcurrency);
      skipCheckov(fn, 'CKV_AWS_116', 'A daily schedule invokes it; a failed check raises ExpiryCheckFailureAlarm (its Errors metric) and the next day\'s check replaces it: a dead-letter queue would hold a stale check nobody needs.');
      skipCheckov(fn, 'CKV_AWS_117', 'It reads Secrets Manager and publishes a metric through its log (embedded metric format); it reaches nothing in the VPC, where it would need a NAT gateway or interface endpoints to do the same.');
      checker = fn;
    }
    new events.Rule(this, 'ExpirySchedule', {
      description: 'Daily: publish the days the Kong cluster certificates have left',
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(checker, {
        event: events.RuleTargetInput.fromObject({ action: 'check-expiry', certificate: this.certificateName, secretIds: secrets.map((s) => s.secretArn) }),
        retryAttempts: 2,
      })],
    });
    const days = Math.round(warning.toDays({ integral: false }));
    const alarm = new cloudwatch.Alarm(this, 'ExpiryAlarm', {
      alarmDescription: `A Kong cluster certificate expires in less than ${days} days. Renew: bump clusterCertificateGeneration and deploy (both services roll); with a certificate you bring, put the new one in its secret and redeploy both services.`,
      metric: this.metricDaysToExpiry(),
      threshold: days,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data until the first daily check: neither OK nor ALARM. A check that fails has its own alarm.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    const failureAlarm = new cloudwatch.Alarm(this, 'ExpiryCheckFailureAlarm', {
      alarmDescription: 'The daily Kong cluster certificate expiry check failed (see its function\'s logs): the expiry alarm has no fresh data.',
      metric: checker.metricErrors({ period: Duration.days(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    return { alarm, failureAlarm };
  }

  /** Gives a control plane container its cluster certificate, key (and CA), through ECS secrets. */
  public bindToControlPlane(container: ecs.ContainerDefinition): void {
    this.bind(container, this.controlPlaneSecret, this.controlPlaneVersion);
  }

  /** Gives a data plane container its cluster certificate, key (and CA, and the name to expect), through ECS secrets. */
  public bindToDataPlane(container: ecs.ContainerDefinition): void {
    this.bind(container, this.dataPlaneSecret, this.dataPlaneVersion);
    if (this.mode === ClusterMtlsMode.PKI) container.addEnvironment('KONG_CLUSTER_SERVER_NAME', this.serverName);
  }

  private bind(container: ecs.ContainerDefinition, secret: secretsmanager.ISecret, versionId?: string): void {
    const field = (name: string) => versionId
      ? ecs.Secret.fromSecretsManagerVersion(secret, { versionId }, name)
      : ecs.Secret.fromSecretsManager(secret, name);
    container.addEnvironment('KONG_CLUSTER_MTLS', this.mode);
    container.addSecret('KONG_CLUSTER_CERT', field('cert'));
    container.addSecret('KONG_CLUSTER_CERT_KEY', field('key'));
    if (this.mode === ClusterMtlsMode.PKI) container.addSecret('KONG_CLUSTER_CA_CERT', field('ca'));
  }

  private newSecret(id: string, description: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description: `${description}, written by the ClusterCertificate custom resource`,
      // A throwaway value until the custom resource writes the certificate.
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      encryptionKey: this.encryptionKey,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotated by the ClusterCertificate custom resource on deployment (bump `generation`, or automatically within `renewBefore` of expiry); Secrets Manager rotation would change the certificate under running Kong nodes.',
    });
    if (!this.encryptionKey) skipCheckov(secret, 'CKV_AWS_149', awsManagedKey('The cluster certificate secret'));
    return secret;
  }

  /** A function of the cluster-certificate bundle (the custom resource's, or the expiry check's). */
  private certificateFunction(id: string, description: string, role: iam.IRole, logGroup: logs.ILogGroup): lambda.Function {
    return new lambda.Function(this, id, { description, ...bundleFunctionProps('cluster-certificate'), memorySize: 256, timeout: Duration.minutes(1), role, logGroup });
  }

  private newResource(properties: Record<string, string>, writes: secretsmanager.ISecret[], reads: secretsmanager.ISecret[],
    validity: Duration, renewBefore: Duration, generation: number): { resource: CustomResource; handler: lambda.IFunction } {
    const logGroup = newLogGroup(this, 'HandlerLogs', 'The function\'s log group', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: this.encryptionKey });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes the Kong cluster certificate into its secret',
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      resources: writes.map((s) => s.secretArn),
    }));
    // Reading and writing a secret encrypted with a customer-managed key goes through that key.
    grantSecretsManagerKey(this, this.encryptionKey, role, true);
    for (const secret of reads) secret.grantRead(role);

    const handler = this.certificateFunction('Handler', 'Generates the Kong cluster certificate and key into Secrets Manager', role, logGroup);
    skipCheckov(handler, 'CKV_AWS_115', LAMBDA_REASONS.reservedConcurrency);
    skipCheckov(handler, 'CKV_AWS_116', LAMBDA_REASONS.customResource);
    skipCheckov(handler, 'CKV_AWS_117', 'It calls the Secrets Manager API and reaches nothing in the VPC; inside the VPC it would need a NAT gateway or an interface endpoint to do the same.');

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::KongClusterCertificate',
      properties: {
        ...properties,
        ValidityDays: String(Math.round(validity.toDays({ integral: false }))),
        RenewBeforeDays: String(Math.round(renewBefore.toDays({ integral: false }))),
        Generation: String(generation),
      },
    });
    // CDK makes the function depend on its role (and the role's policy) although it
    // already references the role; cfn-lint (W3005) says so. Harmless, and not ours.
    (handler.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    // The function must be allowed to write the secrets before it first runs.
    resource.node.addDependency(role);
    return { resource, handler };
  }

  /** Lets `grantee` read the certificates and keys (both secrets in PKI mode). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = this.controlPlaneSecret.grantRead(grantee);
    return this.dataPlaneSecret === this.controlPlaneSecret ? grant : grant.combine(this.dataPlaneSecret.grantRead(grantee));
  }
}
