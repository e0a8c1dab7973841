import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { skipCheckov } from './private/checkov';
import { type PropNamer, propNamer, spell } from './private/prop-names';
import { checkDurationSeconds } from './private/validation';

/** Properties of `SharedLoadBalancer`. */
export interface SharedLoadBalancerProps {
  /** The VPC. The load balancer goes in its public subnets. */
  readonly vpc: ec2.IVpc;

  /** The domain that clients and admins use, for example `kong-gw.example.com`. */
  readonly domainName: string;

  /** The Route 53 hosted zone the domain is in: it gets the alias record (and the certificate's validation records). */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The certificate for `domainName`.
   * @default - a new ACM certificate, DNS-validated in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The HTTPS listener's TLS policy (TLS 1.2 or later).
   * @default elbv2.SslPolicy.RECOMMENDED_TLS
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Where access logs go (SSE-S3 encrypted: load balancers cannot write to KMS-encrypted buckets).
   * @default - a new bucket: encrypted, TLS only, public access blocked, logs expire after `accessLogExpiration`
   */
  readonly accessLogBucket?: s3.IBucket;

  /**
   * How long the new access log bucket keeps logs.
   * @default Duration.days(90)
   */
  readonly accessLogExpiration?: Duration;

  /**
   * Key prefix of the access logs in the bucket.
   * @default 'kong-alb'
   */
  readonly accessLogPrefix?: string;
}

/** TLS policies that allow TLS 1.0 or 1.1. */
const LEGACY_POLICIES = new Set<string>([
  elbv2.SslPolicy.LEGACY, elbv2.SslPolicy.TLS11, elbv2.SslPolicy.FORWARD_SECRECY,
  elbv2.SslPolicy.FORWARD_SECRECY_TLS11, elbv2.SslPolicy.TLS12_EXT, elbv2.SslPolicy.RECOMMENDED,
].map(String));

/**
 * The one entry point: an internet-facing Application Load Balancer that
 * answers HTTPS on 443 for `domainName` (HTTP on 80 only redirects), with an
 * alias record in the hosted zone and access logs in S3. Its security group
 * lets nothing out but what targets added through the construct need.
 */
export class SharedLoadBalancer extends Construct implements ec2.IConnectable {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The HTTPS listener (443). Add the data planes as its default action. */
  public readonly httpsListener: elbv2.ApplicationListener;

  /** The HTTP listener (80), which only redirects to HTTPS. */
  public readonly httpListener: elbv2.ApplicationListener;

  /** The certificate the HTTPS listener presents. */
  public readonly certificate: acm.ICertificate;

  /** Where access logs go. */
  public readonly accessLogBucket: s3.IBucket;

  /** The alias record for the domain. */
  public readonly record: route53.ARecord;

  /** The load balancer's security group. */
  public readonly connections: ec2.Connections;

  /** `https://<domainName>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SharedLoadBalancerProps) {
    super(scope, id);
    if (Token.isUnresolved(Stack.of(this).region)) {
      throw new Error('SharedLoadBalancer needs a stack with a known region (env: { region: \'…\' }): access logging grants the region\'s load balancer service the right to write to the bucket');
    }
    const n = propNamer(this);
    checkDomain(props.domainName, props.hostedZone, n);
    checkDurationSeconds(n('accessLogExpiration'), props.accessLogExpiration, 86400, 3650 * 86400);
    const sslPolicy = props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS;
    if (LEGACY_POLICIES.has(sslPolicy)) throw new Error(`${n('sslPolicy')} must allow only TLS 1.2 or later, got "${sslPolicy}"`);
    this.url = `https://${props.domainName}`;

    this.certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    this.accessLogBucket = props.accessLogBucket ?? this.newAccessLogBucket(props.accessLogExpiration ?? Duration.days(90));

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Kong load balancer: HTTPS (and HTTP, redirect only) from anywhere; out to the data planes only',
      allowAllOutbound: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, props.accessLogPrefix ?? 'kong-alb');
    this.connections = this.loadBalancer.connections;

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      sslPolicy,
      open: true,
    });
    this.httpListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    Validations.of(securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'An internet-facing load balancer: HTTPS 443 from anywhere, and HTTP 80 only to redirect to HTTPS. The WAF web ACL filters what comes in.',
    });
    skipCheckov(securityGroup, 'CKV_AWS_260', 'An internet-facing load balancer: port 80 is open only to redirect to HTTPS (its listener has no other action).');

    this.record = new route53.ARecord(this, 'Alias', {
      zone: props.hostedZone,
      recordName: props.domainName,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
    });
  }

  /** 5xx responses the load balancer itself returns (for example 503 while no data plane is healthy). */
  public metricHttp5xx(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', ...props });
  }

  private newAccessLogBucket(expiration: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [{ id: 'expire-access-logs', expiration, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the load balancer\'s access logs; logging access to the log bucket into itself (or a second bucket) adds cost, not insight.',
    });
    skipCheckov(bucket, 'CKV_AWS_18', 'This bucket holds the load balancer\'s access logs; logging access to the log bucket into itself (or a second bucket) adds cost, not insight.');
    skipCheckov(bucket, 'CKV_AWS_21', 'The load balancer writes each log file once, under a key of its own, and the lifecycle rule expires them: versioning would keep copies of nothing.');
    return bucket;
  }
}

/** The domain must be the zone's apex or inside it (when both are known at synth time). */
function checkDomain(domainName: string, zone: route53.IHostedZone, n: PropNamer): void {
  if (Token.isUnresolved(domainName)) return;
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domainName)) {
    throw new Error(`${n('domainName')} must be a fully qualified domain name such as "kong-gw.example.com", got ${JSON.stringify(domainName)}`);
  }
  let zoneName: string;
  try {
    zoneName = zone.zoneName;
  } catch {
    throw new Error(`${n('hostedZone')} must know its name (use HostedZone.${spell('fromHostedZoneAttributes')}() or ${spell('fromLookup')}()): the alias record and the domain check need it, got a zone from HostedZone.${spell('fromHostedZoneId')}()`);
  }
  if (Token.isUnresolved(zoneName)) return;
  const zoneFqdn = zoneName.replace(/\.$/, '').toLowerCase();
  const domain = domainName.toLowerCase();
  if (domain !== zoneFqdn && !domain.endsWith(`.${zoneFqdn}`)) {
    throw new Error(`${n('domainName')} must be inside the hosted zone "${zoneFqdn}", got ${JSON.stringify(domainName)}`);
  }
}
