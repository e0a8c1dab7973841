/**
 * The daily expiry check of the cluster certificates: reads each secret,
 * takes its certificate's notAfter, and emits the fewest days left as a
 * CloudWatch metric through the embedded metric format (a JSON log line that
 * CloudWatch Logs turns into a metric: no PutMetricData permission needed,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * Renewal is a deployment (a bumped generation): the tasks are pinned to the
 * secret version the custom resource wrote, so a certificate changed outside
 * a deployment would not reach them. The check only warns.
 *
 * Only the certificate is read from the JSON; the key is never logged.
 */
import { X509Certificate } from 'node:crypto';
import type { SecretStore } from './handler';

/** What the schedule sends (the construct's rule input). */
export interface ExpiryCheckEvent {
  readonly action: 'check-expiry';
  /** The metric's `Certificate` dimension: which gateway's certificates. */
  readonly certificate: string;
  /** Secrets holding JSON with a `cert` field (PEM). */
  readonly secretIds: string[];
}

export const METRIC_NAMESPACE = 'KongHybrid';
export const METRIC_NAME = 'ClusterCertificateDaysToExpiry';

const DAY_MS = 86_400_000;

export function isExpiryCheck(event: unknown): event is ExpiryCheckEvent {
  const e = event as Partial<ExpiryCheckEvent> | null;
  return !!e && typeof e === 'object' && e.action === 'check-expiry';
}

/** The certificate of a secret value, or an error naming the secret (never quoting the value). */
function certificateOf(secretId: string, value: string | undefined): X509Certificate {
  let parsed: { cert?: unknown } | null = null;
  try {
    parsed = value === undefined ? null : JSON.parse(value);
  } catch {
    // the error below, without the value
  }
  if (!parsed || typeof parsed.cert !== 'string') throw new Error(`secret ${secretId} must hold JSON with a string field "cert" (PEM)`);
  try {
    return new X509Certificate(parsed.cert);
  } catch {
    throw new Error(`secret ${secretId}: "cert" is not a PEM certificate`);
  }
}

export interface ExpiryResult {
  readonly daysToExpiry: number;
  readonly certificates: Array<{ readonly secretId: string; readonly fingerprint: string; readonly notAfter: string; readonly daysToExpiry: number }>;
}

/** Reads the certificates, logs the metric line, returns what it found. Throws (and so fails the invocation) on an unreadable secret. */
export async function checkExpiry(event: ExpiryCheckEvent, store: SecretStore, now: () => Date = () => new Date(),
  emit: (line: string) => void = (line) => console.log(line)): Promise<ExpiryResult> {
  if (!Array.isArray(event.secretIds) || event.secretIds.length === 0 || typeof event.certificate !== 'string' || event.certificate === '') {
    throw new Error(`a check-expiry event needs "certificate" and a non-empty "secretIds", got ${JSON.stringify({ certificate: event.certificate, secretIds: event.secretIds })}`);
  }
  const time = now();
  const certificates = [];
  for (const secretId of event.secretIds) {
    const cert = certificateOf(secretId, (await store.read(secretId))?.value);
    const notAfter = new Date(cert.validTo);
    certificates.push({
      secretId,
      fingerprint: cert.fingerprint256,
      notAfter: notAfter.toISOString(),
      daysToExpiry: Math.floor(((notAfter.getTime() - time.getTime()) / DAY_MS) * 10) / 10,
    });
  }
  const daysToExpiry = Math.min(...certificates.map((c) => c.daysToExpiry));
  emit(JSON.stringify({
    _aws: {
      Timestamp: time.getTime(),
      CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [['Certificate']], Metrics: [{ Name: METRIC_NAME, Unit: 'None' }] }],
    },
    Certificate: event.certificate,
    [METRIC_NAME]: daysToExpiry,
    handler: 'cluster-certificate',
    check: 'expiry',
    certificates,
  }));
  return { daysToExpiry, certificates };
}
