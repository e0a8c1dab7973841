import type { MetricName } from './core';

/** Where the metrics go. */
export interface MetricsSettings {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** Dimension names and values every metric carries (one dimension set). */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The unit of each metric. */
export const METRIC_UNITS: Readonly<Record<MetricName, 'Count' | 'Milliseconds'>> = {
  Wakes: 'Count',
  WakeToRunning: 'Milliseconds',
  WakeToSynced: 'Milliseconds',
  SyncTimeouts: 'Count',
  ControlPlaneRunning: 'Count',
  CooldownExtensions: 'Count',
  Stops: 'Count',
  StopDeferredFor: 'Milliseconds',
  NeverHealthy: 'Count',
  ExportRequests: 'Count',
  Failures: 'Count',
};

/**
 * One log line: the fields as they are, plus the CloudWatch embedded metric
 * format (EMF) directive when there are metrics, so that CloudWatch extracts
 * them from the log without any API call.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function logLine(
  fields: Readonly<Record<string, unknown>>,
  metrics: Readonly<Partial<Record<MetricName, number>>>,
  settings: MetricsSettings,
  timestamp: number,
): string {
  const names = (Object.keys(metrics) as MetricName[]).filter((name) => metrics[name] !== undefined);
  if (names.length === 0) return JSON.stringify(fields);
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{
        Namespace: settings.namespace,
        Dimensions: [Object.keys(settings.dimensions)],
        Metrics: names.map((name) => ({ Name: name, Unit: METRIC_UNITS[name] })),
      }],
    },
    ...settings.dimensions,
    ...fields,
    ...Object.fromEntries(names.map((name) => [name, metrics[name]])),
  });
}
