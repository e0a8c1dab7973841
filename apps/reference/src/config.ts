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
  /** The database's highest capacity in ACU. */
  readonly databaseMaxCapacity: number;
  /** NAT gateways: 1 keeps the idle cost low, one per AZ survives an AZ outage. */
  readonly natGateways: number;
  /** Keep the control plane up all the time (no idle scaler). */
  readonly controlPlaneAlwaysOn: boolean;
  /** Bump to rotate the admin API key on the next deployment. */
  readonly adminApiKeyGeneration: number;
}

/** The defaults, also written to cdk.json so that they are visible and editable there. */
export const DEFAULT_CONFIG: ReferenceConfig = {
  domainName: 'kong-gw.example.com',
  zoneName: 'example.com',
  hostedZoneId: 'Z0000000000000EXAMPLE',
  adminAllowedCidrs: ['203.0.113.0/24'],
  region: 'us-east-1',
  dataPlaneMinTasks: 2,
  dataPlaneMaxTasks: 10,
  databaseMaxCapacity: 2,
  natGateways: 1,
  controlPlaneAlwaysOn: false,
  adminApiKeyGeneration: 1,
};

/** Reads the configuration from context, with clear errors for values that are not what a key needs. */
export function readConfig(node: Node): ReferenceConfig {
  const raw = (key: keyof ReferenceConfig): unknown => node.tryGetContext(key) ?? DEFAULT_CONFIG[key];
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
  const flag = (key: keyof ReferenceConfig): boolean => {
    const value = raw(key);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new Error(`context ${key}: expected true or false, got ${JSON.stringify(value)}`);
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
    databaseMaxCapacity: whole('databaseMaxCapacity'),
    natGateways: whole('natGateways'),
    controlPlaneAlwaysOn: flag('controlPlaneAlwaysOn'),
    adminApiKeyGeneration: whole('adminApiKeyGeneration'),
  };
}
