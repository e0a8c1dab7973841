import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ClusterMtlsMode, KongHybridGateway, type KongHybridGatewayProps } from '../../src';

/** Region only, as the reference app: availability zones stay `Fn::GetAZs`, not synth-time placeholders. */
export const ENV = { region: 'us-east-1' };

/**
 * The app every test builds its stacks in: one that records no stack traces and
 * writes no construct tree, output no test reads.
 *
 * By default aws-cdk-lib captures a JavaScript stack trace for every Stack and
 * CfnElement it creates (`aws:cdk:creationStack` metadata: core/lib/cfn-element.js
 * and core/lib/stack.js at aws-cdk-lib 2.263.0, unless the context
 * `aws:cdk:disable-creation-stack-traces`, cx-api DISABLE_CREATION_STACK_TRACES, is
 * set) and for every annotation (`aws:cdk:trace` of warnings and errors: core/lib/annotations.js,
 * unless `aws:cdk:disable-stack-trace`, which AppProps.stackTraces false sets in core/lib/app.js).
 * Under jest each capture goes through jest's source-mapped stack formatting,
 * seconds of CPU per run for traces no test reads: the tests read templates,
 * annotation messages and acknowledged rules (the data of metadata entries, never
 * their traces), and cdk-nag reads no trace either. `--debug` (CDK_DEBUG) turns
 * creation traces back on here too.
 *
 * Each synthesis also writes the whole construct tree, with every construct's
 * jsii type and every L1's resolved properties, to tree.json (AppProps.treeMetadata,
 * default true: core/lib/private/tree-metadata.js), for the CLI and the console;
 * no test reads a cloud assembly's tree.
 *
 * The templates are the same bytes either way. The reference app's tests
 * (apps/reference) synthesize with aws-cdk-lib's defaults, as `cdk synth` does.
 *
 * Its cloud assembly (templates, manifests and a copy of every Lambda asset,
 * about 1.5 MB for a gateway) goes to a folder of this test file's, removed once
 * its tests are done: an app without `outdir` writes to a new temporary folder
 * that nothing removes (core/lib/stage.js through cloud-assembly-api's
 * determineOutputDirectory), about 90 MB left in the shared /tmp by every run.
 */
export function testApp(): App {
  return new App({ outdir: assemblyDir(), stackTraces: false, treeMetadata: false, context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
}

/** This test file's folder of cloud assemblies, made on first use. */
let assemblies: string | undefined;
function assemblyDir(): string {
  assemblies ??= mkdtempSync(path.join(tmpdir(), 'kong-hybrid-cdk-test-'));
  return mkdtempSync(path.join(assemblies, 'cdk.out-'));
}
// Templates are read when Template.fromStack is built; annotations are held in memory.
afterAll(() => {
  if (assemblies) rmSync(assemblies, { recursive: true, force: true });
});

/**
 * A configuration built and synthesized once for a test file, on first use (a test
 * run alone with -t builds only what it reads), then shared by every test that only
 * reads it: its template, its annotations, its construct handles. A test that adds to
 * the construct tree (a grant, another construct, an aspect) builds its own: what
 * one test adds, the next would read. A build that throws is not kept.
 */
export function once<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/**
 * A stack's template and annotations from one synthesis. Annotations.fromStack
 * synthesizes the whole app again each time (`synth({ force: true })`), while
 * Template.fromStack reuses the app's assembly once there is one (assertions/lib/annotations.js
 * and template.js at aws-cdk-lib 2.263.0): annotations first, then the template, is
 * one synthesis instead of two, and both read the same assembly.
 */
export function synthesized(stack: Stack): { template: Template; annotations: Annotations } {
  const annotations = Annotations.fromStack(stack);
  return { template: Template.fromStack(stack), annotations };
}

/** A stack with one gateway: the zone is looked up from attributes, as an app would. */
export function gatewayStack(props: Partial<KongHybridGatewayProps> | ((stack: Stack) => Partial<KongHybridGatewayProps>) = {}, id = 'Gateway'): { app: App; stack: Stack; gateway: KongHybridGateway } {
  const app = testApp();
  const stack = new Stack(app, id, { env: ENV });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  const extra = typeof props === 'function' ? props(stack) : props;
  const gateway = new KongHybridGateway(stack, 'Kong', { domainName: 'kong-gw.example.com', hostedZone, ...extra });
  return { app, stack, gateway };
}

/** PKI cluster mTLS with the user's CA (a secret by ARN): stack `Pki`. */
export function pkiStack(): { app: App; stack: Stack; gateway: KongHybridGateway } {
  return gatewayStack((stack) => ({
    clusterMtls: ClusterMtlsMode.PKI,
    clusterCaSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Ca', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/ca-AbCdEf'),
  }), 'Pki');
}

/** Everything brought by the user: VPC, zone, certificate, log bucket, cluster certificate, a KMS key of the app. */
export function bringEverythingStack(): { app: App; stack: Stack; gateway: KongHybridGateway } {
  const app = testApp();
  const stack = new Stack(app, 'BringEverything', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    publicSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.org' });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555');
  const accessLogBucket = s3.Bucket.fromBucketName(stack, 'Logs', 'my-alb-logs');
  const clusterCertificateSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'ClusterCert', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kong/cluster-AbCdEf');
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, description: 'The platform team\'s key for Kong' });
  const gateway = new KongHybridGateway(stack, 'Kong', {
    domainName: 'api.example.org',
    hostedZone,
    vpc,
    cluster,
    certificate,
    accessLogBucket,
    clusterCertificateSecret,
    adminAllowedCidrs: ['203.0.113.0/24', '2001:db8::/48'],
    cpuArchitecture: ecs.CpuArchitecture.X86_64,
    kongImage: 'kong/kong-gateway:3.10.0.2',
    dataPlaneMinTasks: 3,
    dataPlaneMaxTasks: 12,
    databaseMaxCapacity: 4,
    databaseAutoPause: Duration.minutes(30),
    databaseRemovalPolicy: RemovalPolicy.DESTROY,
    firewallLogging: true,
    encryptionKey: key,
    databaseEncryptionKey: key,
    // Not in key order, as a map may arrive from Java: the template must not follow it.
    dataPlaneEnvironment: { KONG_NGINX_WORKER_PROCESSES: '2', KONG_LOG_LEVEL: 'info', KONG_PLUGINS: 'bundled' },
    controlPlaneEnvironment: { KONG_PLUGINS: 'bundled', KONG_LOG_LEVEL: 'notice' },
  });
  return { app, stack, gateway };
}
