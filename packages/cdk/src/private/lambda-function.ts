import * as path from 'node:path';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { LAMBDA_REASONS, skipCheckov } from './checkov';
import { newLogGroup } from './encryption';

/** What `bundledVpcFunction` needs to know. */
export interface BundledVpcFunctionOptions {
  /** The construct ID of the function (the security group is `SecurityGroup`, the log group `Logs`). */
  readonly id: string;
  /** The bundle's folder under the library's `assets/`. */
  readonly asset: string;
  readonly description: string;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly logRetention?: logs.RetentionDays;
  /** What the function's security group is for. */
  readonly securityGroupDescription: string;
  /** Which AWS APIs the HTTPS egress rule serves. */
  readonly awsApis: string;
  readonly environment?: { [key: string]: string };
  /**
   * Where its asynchronous invocations go once Lambda's retries are spent.
   * @default - none: the caller says why (checkov CKV_AWS_116)
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Encrypts the function's log group and environment variables.
   * @default - the services' own keys
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What every function of the library shares: Node.js 24 on arm64, the esbuild
 * bundle the compile task writes to `assets/<asset>/index.js`.
 */
export function bundleFunctionProps(asset: string): Pick<lambda.FunctionProps, 'runtime' | 'architecture' | 'handler' | 'code'> {
  return {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', asset)),
  };
}

/**
 * One of our Lambda functions in the VPC: its bundled asset on Node.js 24
 * ARM64, its own log group, and its own security group that may send HTTPS
 * to the AWS APIs and nothing else (callers add the Admin API port).
 */
export function bundledVpcFunction(scope: Construct, options: BundledVpcFunctionOptions): { fn: lambda.Function; securityGroup: ec2.SecurityGroup } {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: options.vpc,
    description: options.securityGroupDescription,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), options.awsApis);

  const logGroup = newLogGroup(scope, 'Logs', 'The function\'s log group', { retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH, encryptionKey: options.encryptionKey });
  const fn = new lambda.Function(scope, options.id, {
    description: options.description,
    ...bundleFunctionProps(options.asset),
    memorySize: options.memorySize ?? 256,
    timeout: options.timeout,
    logGroup,
    vpc: options.vpc,
    vpcSubnets: options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [securityGroup],
    environment: options.environment,
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
    environmentEncryption: options.environment ? options.encryptionKey : undefined,
    deadLetterQueue: options.deadLetterQueue,
  });
  // Whether Lambda decrypts the environment with a grant of its own or with the function's role, the
  // Lambda guide does not say (reports differ: the Lambda API's KMSAccessDeniedException tells to
  // "check the Lambda function's KMS permissions"). The role may decrypt with the key: safe either way.
  if (options.environment && options.encryptionKey) options.encryptionKey.grantDecrypt(fn);
  skipCheckov(fn, 'CKV_AWS_115', LAMBDA_REASONS.reservedConcurrency);
  if (options.environment && !options.encryptionKey) skipCheckov(fn, 'CKV_AWS_173', LAMBDA_REASONS.environmentKey);
  // CDK adds a DependsOn on the role's policy that the function's GetAtt of the
  // role already implies; cfn-lint (W3005) says so. Harmless, and not ours.
  (fn.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  acknowledgeVpcFunctionManagedPolicies(fn);
  return { fn, securityGroup };
}

/**
 * Records that a cdk-nag rule was checked and why it does not apply, as
 * `Validations.acknowledge` does: through the same metadata, which also takes
 * finding IDs that contain `::` (IAM4's managed-policy findings).
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}

/** The two managed policies CDK gives a function in a VPC, acknowledged for cdk-nag with their reasons. */
export function acknowledgeVpcFunctionManagedPolicies(fn: lambda.Function): void {
  acknowledge(fn.role!, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'Lambda\'s managed policy for writing the function\'s logs');
  acknowledge(fn.role!, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]', 'Lambda\'s managed policy for the function\'s network interfaces in the VPC');
}

/** Lets a function read this Aurora cluster's status and start it when stopped, nothing more. */
export function allowStartDatabase(fn: lambda.Function, database: rds.IDatabaseCluster): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    sid: 'StartDatabase',
    actions: ['rds:DescribeDBClusters', 'rds:StartDBCluster'],
    resources: [database.clusterArn],
  }));
}
