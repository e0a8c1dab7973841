/**
 * Lambda entry point of the cluster-certificate custom resource (bundled into
 * assets/cluster-certificate/index.js by the compile task).
 */
import { customResource } from '../shared/custom-resource';
import { handleCertificateEvent } from './handler';
import { secretsManagerStore } from './secrets-manager';

const store = secretsManagerStore();

export const handler = customResource((event) => handleCertificateEvent(event, store), 'cluster-certificate');
