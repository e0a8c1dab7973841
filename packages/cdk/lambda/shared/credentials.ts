import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an
 * esbuild alias, see `bundleLambdaHandler` in projenrc/cdk.ts). Lambda hands
 * the function its role's credentials in `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; the full Node.js chain
 * (SSO, INI files, IMDS, STS, …) would be a third of the bundle and is never
 * used there.
 */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
