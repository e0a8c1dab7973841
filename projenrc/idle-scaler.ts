import { typescript } from 'projen';
import { workspaceDefaults } from './common';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { VERSIONS } from './versions';

/** Where the Lambda bundle lands; the construct library copies it into its assets. */
export const IDLE_SCALER_BUNDLE = 'dist/lambda/index.js';

/**
 * `@kong-hybrid/idle-scaler`: the Lambda that starts the Kong control plane on
 * demand and stops it when idle. Private: it ships only as an esbuild bundle
 * inside `@kong-hybrid/cdk`.
 */
export function idleScaler(root: NpmMonorepo, deps: { adminClient: typescript.TypeScriptProject }): typescript.TypeScriptProject {
  const project = new typescript.TypeScriptProject({
    ...workspaceDefaults(root, 'packages/idle-scaler'),
    name: '@kong-hybrid/idle-scaler',
    description: 'Starts the Kong control plane when the data plane needs it, stops it when idle.',
    package: false,
    deps: [
      `@aws-sdk/client-ecs@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-rds@${VERSIONS.awsSdk}`,
      `${deps.adminClient.package.packageName}@^0.0.0`,
    ],
    devDeps: [`esbuild@${VERSIONS.esbuild}`, '@types/aws-lambda@^8.10.164'],
    jestOptions: jestOptions(),
  });
  project.package.addField('private', true);
  root.addWorkspace(project);

  project.compileTask.exec(
    `esbuild src/lambda.ts --bundle --minify --platform=node --target=node22 --format=cjs --outfile=${IDLE_SCALER_BUNDLE} --metafile=dist/lambda/meta.json --log-level=warning`,
  );

  workspaceTurbo(project, {
    compile: {
      dependsOn: ['^compile'],
      outputs: ['lib/**', 'dist/lambda/**'],
    },
    test: {
      dependsOn: ['compile', '//#venv'],
      outputs: ['test-reports/**'],
    },
  });
  return project;
}
