import type { Node } from 'constructs';

/**
 * What a platform team sets for its deployment, as CDK context: in `cdk.json`
 * (the defaults below) or on the command line (`cdk deploy -c domainName=…`).
 */
export interface ReferenceConfig {
  /** The one domain for API clients and admins. */
  readonly domainName: string;
  /** The Route 53 hosted zone the domain is in (its name). */
  readonly zoneName: string;
  /** The hosted zone's ID. */
  readonly hostedZoneId: string;
  /** Who may reach `/kong-admin`: CIDR blocks (a JSON list in cdk.json, comma-separated on the command line). */
  readonly adminAllowedCidrs: string[];
  /** The region to deploy to (the load balancer's access logs need it at synth time). */
  readonly region: string;
  /** Fewest and most data plane tasks. */
  readonly dataPlaneMinTasks: number;
  readonly dataPlaneMaxTasks: number;
  /** A data plane task's size: Fargate CPU units and memory in MiB. */
  readonly dataPlaneCpu: number;
  readonly dataPlaneMemoryMiB: number;
  /** Run the data plane tasks above `dataPlaneOnDemandBaseTasks` on Fargate Spot. */
  readonly dataPlaneFargateSpot: boolean;
  /** With Spot: the data plane tasks that stay on regular Fargate (unset: the minimum). */
  readonly dataPlaneOnDemandBaseTasks?: number;
  /** The database's highest capacity in ACU. */
  readonly databaseMaxCapacity: number;
  /** How the private subnets reach the internet: `natInstance` (self-healing NAT instances) or `natGateway`. */
  readonly egress: EgressSetting;
  /** How many NAT instances or NAT gateways: one per AZ (2) keeps each AZ's egress on its own. */
  readonly natCount: number;
  /** Keep the control plane up all the time (no idle scaler). */
  readonly controlPlaneAlwaysOn: boolean;
  /** Bump to rotate the admin API key on the next deployment. */
  readonly adminApiKeyGeneration: number;
  /** Bump to issue a new cluster certificate on the next deployment (renewal, rotation). */
  readonly clusterCertificateGeneration: number;
  /** The Kong image of both planes (pin a digest with `…@sha256:…`). */
  readonly kongImage: string;
  /** An ECR pull-through cache rule's prefix to pull the image through; empty: pull from the image's registry. */
  readonly kongImagePullThroughCachePrefix: string;
  /** An SNS topic (ARN) every alarm notifies; empty: alarms notify nobody. */
  readonly alarmTopicArn: string;
  /** What the data planes trust in X-Forwarded-For (CIDR blocks); empty: every IPv4 range of the VPC. */
  readonly dataPlaneTrustedCidrs: string[];
}

/** The values of the `egress` key. */
export const EGRESS_SETTINGS = ['natInstance', 'natGateway'] as const;
export type EgressSetting = typeof EGRESS_SETTINGS[number];

/**
 * The defaults, also written to cdk.json so that they are visible and editable there.
 * Two data planes in two AZs, each AZ with its own self-healing NAT instance:
 * the idle cost stays under $90 a month without giving up availability (see
 * the README's cost section and `npm run synth`).
 */
export const DEFAULT_CONFIG: ReferenceConfig = {
  domainName: 'kong-gw.example.com',
  zoneName: 'example.com',
  hostedZoneId: 'Z0000000000000EXAMPLE',
  adminAllowedCidrs: ['203.0.113.0/24'],
  region: 'us-east-1',
  dataPlaneMinTasks: 2,
  dataPlaneMaxTasks: 10,
  dataPlaneCpu: 512,
  dataPlaneMemoryMiB: 1024,
  dataPlaneFargateSpot: false,
  databaseMaxCapacity: 2,
  egress: 'natInstance',
  natCount: 2,
  controlPlaneAlwaysOn: false,
  adminApiKeyGeneration: 1,
  clusterCertificateGeneration: 1,
  kongImage: 'public.ecr.aws/docker/library/kong:3.9.3',
  kongImagePullThroughCachePrefix: '',
  alarmTopicArn: '',
  dataPlaneTrustedCidrs: [],
};

/** Reads the configuration from context, with clear errors for values that are not what a key needs. */
export function readConfig(node: Node): ReferenceConfig {
  const raw = (key: keyof ReferenceConfig): unknown => node.tryGetContext(key) ?? DEFAULT_CONFIG[key];
  if (node.tryGetContext('natGateways') !== undefined) {
    throw new Error(`context natGateways was replaced by egress and natCount: use -c egress=natGateway -c natCount=${node.tryGetContext('natGateways')}`);
  }
  const text = (key: keyof ReferenceConfig): string => {
    const value = raw(key);
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`context ${key}: expected a non-empty string, got ${JSON.stringify(value)}`);
    return value.trim();
  };
  const whole = (key: keyof ReferenceConfig): number => {
    const value = raw(key);
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error(`context ${key}: expected a whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  /** A string that may be empty (the library's default). */
  const optional = (key: keyof ReferenceConfig, pattern: RegExp, example: string): string => {
    const value = raw(key);
    if (typeof value !== 'string') throw new Error(`context ${key}: expected a string (empty for none), got ${JSON.stringify(value)}`);
    const trimmed = value.trim();
    if (trimmed !== '' && !pattern.test(trimmed)) throw new Error(`context ${key}: expected ${example} (or empty), got ${JSON.stringify(value)}`);
    return trimmed;
  };
  const flag = (key: keyof ReferenceConfig): boolean => {
    const value = raw(key);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`context ${key}: expected true or false, got ${JSON.stringify(value)}`);
  };
  const egress = (): EgressSetting => {
    const value = raw('egress');
    if (!EGRESS_SETTINGS.includes(value as EgressSetting)) throw new Error(`context egress: expected ${EGRESS_SETTINGS.join(' or ')}, got ${JSON.stringify(value)}`);
    return value as EgressSetting;
  };
  const list = (key: keyof ReferenceConfig): string[] => {
    const value = raw(key);
    const items = typeof value === 'string' ? value.split(',') : value;
    if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) {
      throw new Error(`context ${key}: expected a list of strings (comma-separated on the command line), got ${JSON.stringify(value)}`);
    }
    return items.map((i) => i.trim()).filter(Boolean);
  };

  return {
    domainName: text('domainName'),
    zoneName: text('zoneName'),
    hostedZoneId: text('hostedZoneId'),
    adminAllowedCidrs: list('adminAllowedCidrs'),
    region: text('region'),
    dataPlaneMinTasks: whole('dataPlaneMinTasks'),
    dataPlaneMaxTasks: whole('dataPlaneMaxTasks'),
    dataPlaneCpu: whole('dataPlaneCpu'),
    dataPlaneMemoryMiB: whole('dataPlaneMemoryMiB'),
    dataPlaneFargateSpot: flag('dataPlaneFargateSpot'),
    ...(raw('dataPlaneOnDemandBaseTasks') === undefined ? {} : { dataPlaneOnDemandBaseTasks: whole('dataPlaneOnDemandBaseTasks') }),
    databaseMaxCapacity: whole('databaseMaxCapacity'),
    egress: egress(),
    natCount: whole('natCount'),
    controlPlaneAlwaysOn: flag('controlPlaneAlwaysOn'),
    adminApiKeyGeneration: whole('adminApiKeyGeneration'),
    clusterCertificateGeneration: whole('clusterCertificateGeneration'),
    kongImage: text('kongImage'),
    kongImagePullThroughCachePrefix: optional('kongImagePullThroughCachePrefix', /^[a-z0-9][a-z0-9._-]*$/, 'an ECR repository prefix such as "ecr-public"'),
    alarmTopicArn: optional('alarmTopicArn', /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:kong-alarms"'),
    dataPlaneTrustedCidrs: list('dataPlaneTrustedCidrs'),
  };
}
