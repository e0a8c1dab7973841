/**
 * Lambda entry point of the admin bootstrap (bundled into
 * assets/admin-api-proxy/index.js by the compile task). It runs in the VPC:
 * the Admin API is `http://kong-cp.<namespace>:8001` through Cloud Map.
 *
 * CloudFormation invokes it as the custom resource; EventBridge (control
 * plane started, stack updated) and people (`{"action":"repair"}`) invoke it
 * to repair `/kong-admin`, with the settings the construct put in
 * ADMIN_PROXY_SETTINGS (the custom resource's own properties: names, ARNs,
 * CIDRs, never the key).
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResource, log } from '../shared/custom-resource';
import { AuroraCluster, EcsControlPlane, SecretsManagerKeyStore } from './aws';
import { classify } from './events';
import { handleAdminProxyEvent, handleRepair, type Dependencies, type RepairResult } from './handler';
import { KongProxyStore, kongStatusProbe } from './kong';
import { readSettings } from './settings';
import { systemClock } from './wake';

/** Short timeouts and the standard retries (throttling included) on every AWS call. */
const SDK = { maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } } as const;

const ecs = new ECSClient(SDK);
const rds = new RDSClient(SDK);
const keys = new SecretsManagerKeyStore(new SecretsManagerClient(SDK));

/** How often to look while the control plane wakes (POLL_INTERVAL_MS overrides it, for tests). */
const pollIntervalMs = Number(process.env.POLL_INTERVAL_MS ?? 5_000);

function dependencies(context?: Pick<Context, 'getRemainingTimeInMillis'>): Dependencies {
  return {
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
  };
}

/** The settings a repair converges to: the custom resource's properties, as the construct rendered them. */
export function repairSettings(env: NodeJS.ProcessEnv = process.env) {
  const raw = env.ADMIN_PROXY_SETTINGS;
  if (!raw) throw new Error('ADMIN_PROXY_SETTINGS is not set: this function repairs only when deployed by AdminApiProxy');
  return readSettings(JSON.parse(raw) as Record<string, unknown>);
}

type Answer = RepairResult | { readonly outcome: 'ignored'; readonly reason: string };

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<unknown> {
  const invocation = classify(event);
  if (invocation.kind === 'custom-resource') {
    const entry = customResource((e) => handleAdminProxyEvent(e, dependencies(context)), 'admin-api-proxy');
    return entry(event as CloudFormationCustomResourceEvent, context);
  }
  if (invocation.kind === 'ignored') {
    log({ handler: 'admin-api-proxy', event: 'ignored', reason: invocation.reason });
    return { outcome: 'ignored', reason: invocation.reason } satisfies Answer;
  }
  // A failure throws: Lambda retries an asynchronous (EventBridge) invocation.
  return handleRepair(invocation.trigger, repairSettings(), dependencies(context), invocation.detail) satisfies Promise<Answer>;
}
