/**
 * Lambda entry point of the admin bootstrap custom resource (bundled into
 * assets/admin-api-proxy/index.js by the compile task). It runs in the VPC:
 * the Admin API is `http://kong-cp.<namespace>:8001` through Cloud Map.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResource, log } from '../shared/custom-resource';
import { AuroraCluster, EcsControlPlane, SecretsManagerKeyStore } from './aws';
import { handleAdminProxyEvent } from './handler';
import { KongProxyStore, kongStatusProbe } from './kong';
import { systemClock } from './wake';

/** Short timeouts and the standard retries (throttling included) on every AWS call. */
const SDK = { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } } as const;

const ecs = new ECSClient(SDK);
const rds = new RDSClient(SDK);
const keys = new SecretsManagerKeyStore(new SecretsManagerClient(SDK));

/** How often to look while the control plane wakes (POLL_INTERVAL_MS overrides it, for tests). */
const pollIntervalMs = Number(process.env.POLL_INTERVAL_MS ?? 5_000);

export async function handler(event: CloudFormationCustomResourceEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const entry = customResource((e) => handleAdminProxyEvent(e, {
    connect: (settings) => ({
      controlPlane: new EcsControlPlane(ecs, settings.cluster, settings.controlPlaneService),
      ...(settings.databaseCluster ? { database: new AuroraCluster(rds, settings.databaseCluster) } : {}),
      // A quick probe: no retries, 5 s at most; the wait loop does the retrying.
      adminApi: kongStatusProbe(createKongAdminClient({ baseUrl: settings.adminApiUrl, timeoutMs: 5_000, retries: 0 })),
      kong: new KongProxyStore(createKongAdminClient({ baseUrl: settings.adminApiUrl, timeoutMs: 15_000, retries: 2 })),
    }),
    keys,
    clock: systemClock,
    log,
    pollIntervalMs,
    remainingMs: () => context?.getRemainingTimeInMillis?.() ?? 15 * 60_000,
  }), 'admin-api-proxy');
  return entry(event, context);
}
