/**
 * Lambda entry point of the cluster-certificate custom resource (bundled into
 * assets/cluster-certificate/index.js by the compile task), and of the daily
 * expiry check (`{"action":"check-expiry", …}` from its schedule).
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResource } from '../shared/custom-resource';
import { checkExpiry, isExpiryCheck } from './expiry';
import { handleCertificateEvent } from './handler';
import { secretsManagerStore } from './secrets-manager';

const store = secretsManagerStore();

const customResourceHandler = customResource((event) => handleCertificateEvent(event, store), 'cluster-certificate');

export async function handler(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<unknown> {
  if (isExpiryCheck(event)) return checkExpiry(event, store);
  return customResourceHandler(event as CloudFormationCustomResourceEvent, context);
}
