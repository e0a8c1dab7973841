import { CURRENTLY_RECOMMENDED_FLAGS, NEW_PROJECT_DEFAULT_CONTEXT } from 'aws-cdk-lib/cx-api';
import { awscdk, type typescript } from 'projen';
import { DEFAULT_CONFIG } from '../apps/reference/src/config';
import { workspaceDefaults } from './common';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { VERSIONS } from './versions';

/**
 * `@kong-hybrid/reference`: the CDK app a platform team deploys with
 * `cdk deploy`, built on `@kong-hybrid/cdk` from the workspace.
 */
export function referenceApp(root: NpmMonorepo, deps: { cdk: awscdk.AwsCdkConstructLibrary; costModel: typescript.TypeScriptProject }): awscdk.AwsCdkTypeScriptApp {
  const project = new awscdk.AwsCdkTypeScriptApp({
    ...workspaceDefaults(root, 'apps/reference'),
    name: '@kong-hybrid/reference',
    description: 'Reference deployment of Kong Gateway hybrid mode for kong-gw.example.com.',
    cdkVersion: VERSIONS.awsCdkLib,
    cdkVersionPinning: true,
    constructsVersion: VERSIONS.constructs,
    cdkCliVersion: VERSIONS.awsCdkCli,
    deps: [`${deps.cdk.package.packageName}@^0.0.0`, `${deps.costModel.package.packageName}@^0.0.0`, `cdk-nag@${VERSIONS.cdkNag}`],
    jestOptions: jestOptions(),
    lambdaAutoDiscover: false,
    integrationTestAutoDiscover: false,
    requireApproval: awscdk.ApprovalLevel.BROADENING,
    // What `cdk init` gives a new app with this aws-cdk-lib: every recommended feature flag.
    // The team's settings come first (see apps/reference/src/config.ts), then
    // what `cdk init` gives a new app with this aws-cdk-lib: every recommended feature flag.
    context: { ...DEFAULT_CONFIG, ...NEW_PROJECT_DEFAULT_CONTEXT, ...CURRENTLY_RECOMMENDED_FLAGS },
  });
  project.package.addField('private', true);
  root.addWorkspace(project);
  // The tests borrow other workspaces' test support (the cost model's sample deployment, the
  // library's checkov runner): type-check them from the repository root.
  project.tsconfigDev.file.addOverride('compilerOptions.rootDir', '../../..');

  // Synthesize from compiled JavaScript: faster than ts-node and the same code
  // that `npm run synth` type-checked.
  project.cdkConfig.json.addOverride('app', 'node lib/main.js');
  project.cdkConfig.json.addDeletionOverride('build');
  project.cdkConfig.json.addOverride('notices', false);
  project.cdkConfig.json.addOverride('cli-telemetry', false);
  project.compileTask.reset('tsc --build');
  project.postCompileTask.reset();
  // Synthesize, then print what was synthesized: stacks, outputs, the
  // security-group matrix and the monthly cost while idle and while busy.
  project.tasks.tryFind('synth')?.reset('cdk synth --quiet');
  project.tasks.tryFind('synth')?.exec('node lib/summary/cli.js cdk.out');
  project.tasks.removeTask('synth:silent');

  workspaceTurbo(project, {
    compile: {
      dependsOn: ['^compile'],
      outputs: ['lib/**'],
    },
    package: { outputs: [] },
    synth: {
      dependsOn: ['compile', '^compile'],
      outputs: ['cdk.out/**'],
    },
    test: {
      // cfn-lint and checkov come from the project venv.
      dependsOn: ['compile', '^compile', '//#venv'],
      // The checkov runner is the construct library's test support.
      inputs: ['$TURBO_DEFAULT$', '!**/*.md', '!bench/**', '$TURBO_ROOT$/packages/cdk/test/support/checkov.ts', '$TURBO_ROOT$/packages/cdk/test/support/cfn-lint.ts', '$TURBO_ROOT$/packages/cost-model/test/sample.ts'],
      outputs: ['test-reports/**'],
    },
  });
  return project;
}
