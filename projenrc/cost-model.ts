import { typescript } from 'projen';
import { workspaceDefaults } from './common';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { VERSIONS } from './versions';

/**
 * `@kong-hybrid/cost-model`: the monthly estimate of a deployment from its
 * CloudFormation templates (inventory, AWS list prices, idle, busy and
 * always-on scenarios). Pure: templates in, figures out. Private: the
 * reference app's synth summary imports it, and the `kong-hybrid` CLI bundles
 * it to price a deployed stack.
 */
export function costModel(root: NpmMonorepo): typescript.TypeScriptProject {
  const project = new typescript.TypeScriptProject({
    ...workspaceDefaults(root, 'packages/cost-model'),
    name: '@kong-hybrid/cost-model',
    description: 'Monthly cost of a kong-hybrid deployment (idle, busy, always-on) from its CloudFormation templates, at AWS list prices.',
    package: false,
    // The tests synthesize small deployments to read.
    devDeps: [`aws-cdk-lib@${VERSIONS.awsCdkLib}`, `constructs@${VERSIONS.constructs}`],
    jestOptions: jestOptions(),
  });
  project.package.addField('private', true);
  root.addWorkspace(project);

  workspaceTurbo(project, {
    compile: { dependsOn: ['^compile'], outputs: ['lib/**'] },
  });
  return project;
}
