import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';

/** What the control plane's and the data planes' Kong tasks share. */
export interface KongTaskOptions {
  /**
   * The Kong image: any reference a container registry serves, such as
   * `kong:3.9.1`, `kong/kong-gateway:3.10`, or an ECR repository URI with a tag
   * (pull permission is granted). Kong 3.3 or later.
   * @default 'kong:3.9.1'
   */
  readonly kongImage?: string;

  /**
   * The tasks' CPU architecture.
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * How long container logs are kept in CloudWatch Logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}
