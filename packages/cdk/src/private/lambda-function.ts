import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type { IConstruct } from 'constructs';

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
