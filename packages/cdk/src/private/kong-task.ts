import { Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { KongTaskOptions } from '../kong-task-options';
import { DEFAULT_KONG_IMAGE, kongContainerImage } from './kong-image';
import { newLogGroup } from './encryption';
import type { PropNamer } from './prop-names';
import { checkFargateSize } from './validation';

/** Variables the constructs own: users may not set them through `environment`. */
export const MANAGED_VARIABLES = [
  'KONG_ROLE', 'KONG_DATABASE', 'KONG_CLUSTER_CONTROL_PLANE', 'KONG_CLUSTER_SERVER_NAME', 'KONG_CLUSTER_MTLS',
  'KONG_CLUSTER_CERT', 'KONG_CLUSTER_CERT_KEY', 'KONG_CLUSTER_CA_CERT', 'KONG_CLUSTER_LISTEN',
  'KONG_PG_HOST', 'KONG_PG_PORT', 'KONG_PG_USER', 'KONG_PG_PASSWORD', 'KONG_PG_DATABASE', 'KONG_PG_SSL',
  'KONG_PROXY_LISTEN', 'KONG_ADMIN_LISTEN', 'KONG_ADMIN_GUI_LISTEN', 'KONG_STATUS_LISTEN', 'KONG_TRUSTED_IPS', 'KONG_REAL_IP_HEADER', 'KONG_REAL_IP_RECURSIVE',
];

export interface KongTaskSpec extends KongTaskOptions {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  /** Names the construct's props (`cpu`, `memoryLimitMiB`, `environment`, `kongImage`, …) in errors. */
  readonly propNames: PropNamer;
  readonly environment: Record<string, string>;
  readonly userEnvironment?: Record<string, string>;
  readonly portMappings: ecs.PortMapping[];
  readonly command?: string[];
  readonly healthCheck?: ecs.HealthCheck;
  /** Encrypts the container logs. */
  readonly encryptionKey?: kms.IKey;
}

/** A Fargate task definition with one Kong container, its logs, and its image checked. */
export function kongTask(scope: Construct, spec: KongTaskSpec): { taskDefinition: ecs.FargateTaskDefinition; container: ecs.ContainerDefinition; logGroup: logs.LogGroup } {
  const n = spec.propNames;
  checkFargateSize(n('cpu'), spec.cpu, n('memoryLimitMiB'), spec.memoryLimitMiB);
  for (const key of Object.keys(spec.userEnvironment ?? {})) {
    if (MANAGED_VARIABLES.includes(key.toUpperCase())) {
      throw new Error(`${n('environment')} must not set ${key}: the construct manages it, got ${JSON.stringify(key)}`);
    }
  }

  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: spec.cpu,
    memoryLimitMiB: spec.memoryLimitMiB,
    runtimePlatform: {
      cpuArchitecture: spec.cpuArchitecture ?? ecs.CpuArchitecture.ARM64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  const logGroup = newLogGroup(scope, 'Logs', 'Kong\'s log group', { retention: spec.logRetention ?? logs.RetentionDays.ONE_MONTH, encryptionKey: spec.encryptionKey });
  const { image, grantCacheImport } = kongContainerImage(scope, n, spec.kongImage ?? DEFAULT_KONG_IMAGE, { pullThroughCachePrefix: spec.kongImagePullThroughCachePrefix });
  const container = taskDefinition.addContainer('kong', {
    image,
    essential: true,
    // The user's variables in key order, whatever order the map arrived in:
    // Java's Map.of iterates in an order that changes from one JVM run to the
    // next, and CDK lists the variables in the order the object holds them
    // (aws-cdk-lib 2.263.0 aws-ecs/lib/container-definition.ts, renderKV:
    // Object.entries), so a new order would be a new task definition, and a
    // deploy that rolls every Kong task for nothing. Ours follow, in code order.
    environment: { ...sortedByKey(spec.userEnvironment ?? {}), ...spec.environment },
    portMappings: spec.portMappings,
    command: spec.command,
    healthCheck: spec.healthCheck,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'kong' }),
  });
  grantCacheImport?.(taskDefinition.obtainExecutionRole());
  Validations.of(taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'The environment holds only non-secret Kong settings (roles, listeners, host names); certificates, keys and database credentials arrive as ECS secrets from Secrets Manager.',
  });
  return { taskDefinition, container, logGroup };
}

/** The same entries, inserted in key order (UTF-16 code units: the same on every machine and locale). */
export function sortedByKey(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(values).sort().map((key) => [key, values[key]]));
}
