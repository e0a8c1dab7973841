/**
 * Lambda entry point of the fallback configuration's exporter (bundled into
 * assets/fallback-config-exporter/index.js by the compile task). It runs in
 * the VPC: the Admin API is `http://kong-cp.<namespace>:8001` through Cloud
 * Map. The idle scaler invokes it asynchronously when the data planes are in
 * sync on a configuration (`{"action":"export","configHash":…}`); with the
 * control plane always on, a schedule does; an operator may
 * (`{"action":"export"}`).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createKongAdminClient, listAll } from '@kong-hybrid/admin-client';
import { exportDeclarativeConfig } from '@kong-hybrid/admin-client/declarative';
import { readRequest, runExport, type ExportResult } from './handler';
import { S3ExportStore } from './s3';

/** Short timeouts and the standard retries (throttling included) on every AWS call. */
const SDK = { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000 } } as const;

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let s3: S3Client | undefined;

export async function handler(event: unknown): Promise<ExportResult> {
  const request = readRequest(event);
  const adminApiUrl = required('ADMIN_API_URL');
  s3 ??= new S3Client(SDK);
  const kong = createKongAdminClient({ baseUrl: adminApiUrl, timeoutMs: 30_000, retries: 2 });
  // A failure throws: Lambda retries an asynchronous invocation twice, and the scaler asks again later.
  return runExport(request, {
    dataPlanes: () => listAll(kong, '/clustering/data-planes'),
    exportConfig: () => exportDeclarativeConfig(kong),
    store: new S3ExportStore(s3, required('BUCKET'), required('EXPORT_OBJECT'), process.env.KMS_KEY_ARN || undefined),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => console.log(line),
    confirmDelayMs: Number(process.env.CONFIRM_DELAY_SECONDS ?? 10) * 1000,
    staleAfterSeconds: Number(process.env.STALE_AFTER_SECONDS ?? 90),
    metricsNamespace: process.env.METRICS_NAMESPACE ?? 'KongHybrid/FallbackConfig',
  });
}
