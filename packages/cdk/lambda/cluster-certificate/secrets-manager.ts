import { GetSecretValueCommand, PutSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from './handler';

/** The {@link SecretStore} of Secrets Manager. */
export function secretsManagerStore(config: SecretsManagerClientConfig = {}): SecretStore {
  const client = new SecretsManagerClient(config);
  return {
    async read(secretId) {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        if (out.SecretString === undefined || out.VersionId === undefined) return undefined;
        return { value: out.SecretString, versionId: out.VersionId };
      } catch (error) {
        // A secret created without a value has no AWSCURRENT version yet.
        if (error instanceof ResourceNotFoundException && /version|stage|value/i.test(error.message)) return undefined;
        throw error;
      }
    },
    async write(secretId, value, token) {
      const out = await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: token }));
      return out.VersionId!;
    },
  };
}
