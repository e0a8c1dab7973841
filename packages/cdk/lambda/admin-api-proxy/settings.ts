/**
 * The custom resource's properties, as CloudFormation hands them over (every
 * scalar a string, lists of strings as lists), checked and typed. The
 * construct writes them (src/admin-api-proxy.ts); nothing here is secret: the
 * API key is only named, by its secret's ARN.
 */

/** What the construct passes to the custom resource. */
export interface AdminApiProxyProperties {
  /** The control plane's Admin API inside the VPC: what the function calls, and the Kong service's URL. */
  readonly AdminApiUrl: string;
  /** The proxied path, for example `/kong-admin`. */
  readonly RoutePath: string;
  /** The addresses ip-restriction allows; empty: it denies every address. */
  readonly AllowedCidrs?: string[];
  /** Origins the cors plugin allows (Kong Manager); empty: no cors plugin. */
  readonly ManagerOrigins?: string[];
  /** The secret holding the API key (a plain string). */
  readonly ApiKeySecretId: string;
  /** Bumping it writes a new API key into the secret and into Kong. */
  readonly ApiKeyGeneration: string;
  /** The ECS cluster of the control plane. */
  readonly Cluster: string;
  /** The control plane's ECS service (woken at desired count 1 when found at 0). */
  readonly ControlPlaneService: string;
  /** The Aurora cluster behind the control plane (started when found stopped). */
  readonly DatabaseCluster?: string;
  /** How long to wait for the Admin API on create and update, in seconds. */
  readonly WaitSeconds: string;
}

/** The same, checked. */
export interface ProxySettings {
  readonly adminApiUrl: string;
  readonly routePath: string;
  readonly allowedCidrs: string[];
  readonly managerOrigins: string[];
  readonly apiKeySecretId: string;
  readonly apiKeyGeneration: number;
  readonly cluster: string;
  readonly controlPlaneService: string;
  readonly databaseCluster?: string;
  readonly waitSeconds: number;
}

function required(props: Record<string, unknown>, name: string): string {
  const value = props[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function stringList(props: Record<string, unknown>, name: string): string[] {
  const value = props[name];
  if (value === undefined || value === '') return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`${name} must be a list of non-empty strings, got ${JSON.stringify(value)}`);
  }
  return [...new Set(value as string[])];
}

function wholeNumber(props: Record<string, unknown>, name: string, min: number, max: number): number {
  const raw = required(props, name);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Reads and checks the resource properties of an event. */
export function readSettings(props: Record<string, unknown>): ProxySettings {
  const adminApiUrl = required(props, 'AdminApiUrl');
  if (!/^https?:\/\/[^/?#]+\/?$/.test(adminApiUrl)) throw new Error(`AdminApiUrl must be an http(s) URL without a path, such as http://kong-cp.kong.internal:8001, got ${JSON.stringify(adminApiUrl)}`);
  const routePath = required(props, 'RoutePath');
  if (!/^\/[A-Za-z0-9._~-]+$/.test(routePath)) throw new Error(`RoutePath must be one path segment such as "/kong-admin", got ${JSON.stringify(routePath)}`);
  const databaseCluster = props.DatabaseCluster === undefined || props.DatabaseCluster === '' ? undefined : required(props, 'DatabaseCluster');
  return {
    adminApiUrl: adminApiUrl.replace(/\/$/, ''),
    routePath,
    allowedCidrs: stringList(props, 'AllowedCidrs'),
    managerOrigins: stringList(props, 'ManagerOrigins'),
    apiKeySecretId: required(props, 'ApiKeySecretId'),
    apiKeyGeneration: wholeNumber(props, 'ApiKeyGeneration', 1, Number.MAX_SAFE_INTEGER),
    cluster: required(props, 'Cluster'),
    controlPlaneService: required(props, 'ControlPlaneService'),
    ...(databaseCluster ? { databaseCluster } : {}),
    waitSeconds: wholeNumber(props, 'WaitSeconds', 1, 900),
  };
}
