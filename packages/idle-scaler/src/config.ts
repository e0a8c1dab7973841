import { DEFAULT_CONFIG, type ScalerConfig } from './core';
import { STALE_AFTER_MS, WAKE_BOUND_SYNC_TIMEOUTS } from './timing';

/**
 * The function's environment, set by the `IdleScaler` construct. Nothing in it
 * is secret: names, a table, an internal URL and timings.
 */
export const ENV = {
  cluster: 'CLUSTER_ARN',
  controlPlaneService: 'CONTROL_PLANE_SERVICE',
  dataPlaneService: 'DATA_PLANE_SERVICE',
  databaseCluster: 'DATABASE_CLUSTER',
  stateTable: 'STATE_TABLE',
  adminApiUrl: 'ADMIN_API_URL',
  syncTimeoutSeconds: 'SYNC_TIMEOUT_SECONDS',
  cooldownSeconds: 'COOLDOWN_SECONDS',
  wakeBoundSeconds: 'WAKE_BOUND_SECONDS',
  extensionSeconds: 'EXTENSION_SECONDS',
  pollIntervalSeconds: 'POLL_INTERVAL_SECONDS',
  staleAfterSeconds: 'STALE_AFTER_SECONDS',
  adminApiTimeoutSeconds: 'ADMIN_API_TIMEOUT_SECONDS',
  metricsNamespace: 'METRICS_NAMESPACE',
  exporterFunction: 'EXPORTER_FUNCTION',
} as const;

/** Everything the Lambda needs to run, read from its environment. */
export interface FunctionSettings {
  readonly cluster: string;
  readonly controlPlaneService: string;
  readonly dataPlaneService: string;
  /** @default - no database is watched or started */
  readonly databaseCluster?: string;
  readonly stateTable: string;
  readonly adminApiUrl: string;
  readonly staleAfterSeconds: number;
  readonly adminApiTimeoutMs: number;
  readonly metricsNamespace: string;
  /** The fallback configuration exporter's function name. @default - none: no fallback configuration is exported */
  readonly exporterFunction?: string;
  readonly config: ScalerConfig;
}

/** The longest poll interval that keeps the scaler's added latency within 15 s. */
export const MAX_POLL_INTERVAL_SECONDS = 15;

/** Reads and checks the environment; errors name the variable and the value found. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): FunctionSettings {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value.trim() === '') throw new Error(`environment variable ${name} is not set`);
    return value.trim();
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`environment variable ${name} is ${JSON.stringify(raw)}: expected a number of seconds from ${min} to ${max}`);
    }
    return value;
  };

  const adminApiUrl = required(ENV.adminApiUrl);
  let url: URL;
  try {
    url = new URL(adminApiUrl);
  } catch {
    throw new Error(`environment variable ${ENV.adminApiUrl} is ${JSON.stringify(adminApiUrl)}: expected an http(s) URL such as http://kong-cp.kong.local:8001`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`environment variable ${ENV.adminApiUrl} is ${JSON.stringify(adminApiUrl)}: expected an http(s) URL such as http://kong-cp.kong.local:8001`);
  }

  const database = env[ENV.databaseCluster]?.trim();
  const exporter = env[ENV.exporterFunction]?.trim();
  const syncTimeoutMs = seconds(ENV.syncTimeoutSeconds, DEFAULT_CONFIG.syncTimeoutMs / 1000, 10, 14 * 60) * 1000;
  // A few sync timeouts by default; it must leave the wait for sync room to end first.
  const wakeBoundMs = seconds(ENV.wakeBoundSeconds, (WAKE_BOUND_SYNC_TIMEOUTS * syncTimeoutMs) / 1000, 60, 24 * 3600) * 1000;
  if (wakeBoundMs <= syncTimeoutMs) {
    throw new Error(`environment variable ${ENV.wakeBoundSeconds} is ${JSON.stringify(env[ENV.wakeBoundSeconds])}: expected more seconds than ${ENV.syncTimeoutSeconds} (${syncTimeoutMs / 1000})`);
  }
  return {
    cluster: required(ENV.cluster),
    controlPlaneService: required(ENV.controlPlaneService),
    dataPlaneService: required(ENV.dataPlaneService),
    ...(database ? { databaseCluster: database } : {}),
    ...(exporter ? { exporterFunction: exporter } : {}),
    stateTable: required(ENV.stateTable),
    adminApiUrl,
    staleAfterSeconds: seconds(ENV.staleAfterSeconds, STALE_AFTER_MS / 1000, 30, 3600),
    adminApiTimeoutMs: seconds(ENV.adminApiTimeoutSeconds, 3, 1, 30) * 1000,
    metricsNamespace: env[ENV.metricsNamespace]?.trim() || 'KongHybrid/IdleScaler',
    config: {
      ...DEFAULT_CONFIG,
      syncTimeoutMs,
      wakeBoundMs,
      cooldownMs: seconds(ENV.cooldownSeconds, DEFAULT_CONFIG.cooldownMs / 1000, 60, 24 * 3600) * 1000,
      extensionMs: seconds(ENV.extensionSeconds, DEFAULT_CONFIG.extensionMs / 1000, 60, 24 * 3600) * 1000,
      pollIntervalMs: seconds(ENV.pollIntervalSeconds, DEFAULT_CONFIG.pollIntervalMs / 1000, 1, MAX_POLL_INTERVAL_SECONDS) * 1000,
      exportFallback: exporter !== undefined && exporter !== '',
    },
  };
}
