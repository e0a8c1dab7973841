import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link IdleScaler}. */
export interface IdleScalerProps {
  /** The ECS cluster the Kong control plane runs in. */
  readonly cluster: ecs.ICluster;

  /** The name of the Kong control plane's ECS service. */
  readonly controlPlaneServiceName: string;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The Lambda function that starts the Kong control plane when the data plane
 * needs it and stops it when idle. Its code is the bundle of
 * `@kong-hybrid/idle-scaler`, shipped in this library's assets.
 */
export class IdleScaler extends Construct {
  /** The scaler function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: IdleScalerProps) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    this.function = new lambda.Function(this, 'Function', {
      description: 'Starts the Kong control plane on demand and stops it when idle',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'idle-scaler')),
      memorySize: 256,
      timeout: Duration.minutes(1),
      logGroup,
      environment: {
        CLUSTER_ARN: props.cluster.clusterArn,
        CONTROL_PLANE_SERVICE: props.controlPlaneServiceName,
      },
    });

    const serviceArn = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'service',
      resourceName: `${props.cluster.clusterName}/${props.controlPlaneServiceName}`,
    });
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeServices'],
      resources: [serviceArn],
    }));
  }
}
