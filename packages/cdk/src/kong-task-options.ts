import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';

/** What the control plane's and the data planes' Kong tasks share. */
export interface KongTaskOptions {
  /**
   * The Kong image: any reference a container registry serves, such as
   * `kong:3.9.3` (Docker Hub), `kong/kong-gateway:3.10`, or an ECR repository
   * URI with a tag (pull permission is granted). Pin a digest with
   * `…:3.9.3@sha256:<64 hex digits>`. Kong 3.3 or later.
   * @default 'public.ecr.aws/docker/library/kong:3.9.3' - the Docker official image, from its mirror on Amazon ECR Public (no Docker Hub pull limit)
   */
  readonly kongImage?: string;

  /**
   * Pull the image through this account's ECR pull-through cache: the prefix
   * of a pull-through cache rule whose upstream is the image's registry
   * (`public.ecr.aws` for the default image, Docker Hub for `kong:…`). The
   * tasks then pull `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/…`
   * (inside the region, cached after the first pull), and the execution role
   * may import the image. Create the rule once per account and region, for
   * example `aws ecr create-pull-through-cache-rule --ecr-repository-prefix
   * ecr-public --upstream-registry-url public.ecr.aws`.
   * @default - no cache: the tasks pull from the image's registry
   */
  readonly kongImagePullThroughCachePrefix?: string;

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
