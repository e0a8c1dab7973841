import { adminClient } from './projenrc/admin-client';
import { cdkLibrary } from './projenrc/cdk';
import { cli } from './projenrc/cli';
import { costModel } from './projenrc/cost-model';
import { idleScaler } from './projenrc/idle-scaler';
import { NpmMonorepo } from './projenrc/monorepo';
import { releaseDryRuns } from './projenrc/release';
import { referenceApp } from './projenrc/reference';
import { BUILD_PRE_STEPS, rootTasks } from './projenrc/root-tasks';

const root = new NpmMonorepo({
  name: 'kong-hybrid',
  description: 'Kong Gateway hybrid mode on AWS, as a CDK construct library for TypeScript, Python and Java.',
  defaultReleaseBranch: 'main',
  buildWorkflowOptions: { preBuildSteps: BUILD_PRE_STEPS },
});

const client = adminClient(root);
const scaler = idleScaler(root, { adminClient: client });
const cdk = cdkLibrary(root, { idleScaler: scaler, adminClient: client });
const costs = costModel(root);
referenceApp(root, { cdk, costModel: costs });
const command = cli(root, { adminClient: client, idleScaler: scaler, costModel: costs });

rootTasks(root);
releaseDryRuns(root, [client, cdk, command]);

root.synth();
