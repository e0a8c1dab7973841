/**
 * The AWS adapters: the control plane's ECS service and the API key's secret.
 * The Aurora cluster is the idle scaler's own adapter (`AuroraCluster`),
 * bundled from its sources.
 */
import { randomInt } from 'node:crypto';
import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ControlPlanePort, ServiceCounts } from './wake';

export { AuroraCluster } from '@kong-hybrid/idle-scaler/src/adapters/rds';

/** The control plane's ECS service through the ECS API. */
export class EcsControlPlane implements ControlPlanePort {
  constructor(private readonly ecs: ECSClient, private readonly cluster: string, private readonly service: string) {}

  public async read(): Promise<ServiceCounts> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: this.cluster, services: [this.service] }));
    const found = out.services?.[0];
    if (!found) {
      throw new Error(`control plane service ${this.service} in cluster ${this.cluster}: ${out.failures?.[0]?.reason ?? 'not returned'}`);
    }
    if (found.status !== undefined && found.status !== 'ACTIVE') throw new Error(`control plane service ${this.service} is ${found.status}`);
    return { desired: found.desiredCount ?? 0, running: found.runningCount ?? 0, pending: found.pendingCount ?? 0 };
  }

  public async setDesiredCount(count: number): Promise<void> {
    await this.ecs.send(new UpdateServiceCommand({ cluster: this.cluster, service: this.service, desiredCount: count }));
  }
}

/** Where the admin API key lives. */
export interface ApiKeyStore {
  /** The key (the secret's current string). */
  read(secretId: string): Promise<string>;
  /**
   * Writes a new random key for `generation`, once: a version named after the
   * generation that already exists means it was written before (a retry).
   */
  rotate(secretId: string, generation: number): Promise<'rotated' | 'already-rotated'>;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new API key: 40 letters and digits (about 238 bits), like the secret's generated one. */
export function newApiKey(length = 40): string {
  let key = '';
  for (let i = 0; i < length; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}

/** The version id (ClientRequestToken, 32 to 64 characters) of a generation's key. */
export function generationVersionId(generation: number): string {
  return `kong-admin-api-key-generation-${String(generation).padStart(8, '0')}`;
}

/** The API key in Secrets Manager, as a plain string. */
export class SecretsManagerKeyStore implements ApiKeyStore {
  constructor(private readonly sm: SecretsManagerClient) {}

  public async read(secretId: string): Promise<string> {
    const out = await this.sm.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
    return out.SecretString;
  }

  public async rotate(secretId: string, generation: number): Promise<'rotated' | 'already-rotated'> {
    const versionId = generationVersionId(generation);
    const described = await this.sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    // Written before (a retried or rolled-back deployment): never write a second key for one generation.
    if (described.VersionIdsToStages?.[versionId]) return 'already-rotated';
    await this.sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: newApiKey(), ClientRequestToken: versionId }));
    return 'rotated';
  }
}
