import { typescript } from 'projen';
import { useKongAdminEmulator } from './admin-client';
import { workspaceDefaults } from './common';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { VERSIONS } from './versions';

/** Where the Lambda bundle lands; the construct library copies it into its assets. */
export const IDLE_SCALER_BUNDLE = 'dist/lambda/index.js';

/**
 * Every duration of Kong and AWS the repository relies on, with its source
 * (a module that imports nothing): the scaler compiles and bundles it as its
 * own source, and the construct library's compile copies it into its `src/`
 * (see `cdkLibrary`).
 */
export const TIMING_FIGURES = 'src/timing-figures.ts';

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
      `@aws-sdk/client-dynamodb@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-ecs@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-lambda@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-rds@${VERSIONS.awsSdk}`,
      '@aws-sdk/credential-provider-env@^3.972.85',
      `${deps.adminClient.package.packageName}@^0.0.0`,
    ],
    devDeps: [`esbuild@${VERSIONS.esbuild}`, '@types/aws-lambda@^8.10.164', 'fast-check@^4.10.2'],
    jestOptions: jestOptions({ testTimeout: 120_000 }),
  });
  project.package.addField('private', true);
  root.addWorkspace(project);
  // The Kong adapter and the timelines are tested against the Admin API emulator.
  useKongAdminEmulator(project, deps.adminClient);

  // esbuild through its API: the bundle needs a plugin (see the script's notes on size).
  project.compileTask.exec(`node scripts/bundle.mjs ${IDLE_SCALER_BUNDLE}`);

  // Figures, not assertions: bundle size, cold load, the latency the scaler adds.
  project.addTask('bench', {
    description: 'Print the bundle size, its cold load, the latency of a look and the latency the scaler adds (simulated wakes)',
    // The AWS SDK warns on every process that Node.js 20 (these machines') loses support in 2027.
    env: { NODE_NO_WARNINGS: '1' },
    steps: [
      { exec: 'tsc --noEmit -p bench/tsconfig.json' },
      { exec: 'ts-node --transpile-only bench/bench.ts' },
    ],
  });

  workspaceTurbo(project, {
    compile: {
      dependsOn: ['^compile'],
      outputs: ['lib/**', 'dist/lambda/**'],
    },
    test: {
      dependsOn: ['compile', '//#venv'],
      // The Admin API emulator and the document it checks against are test inputs too.
      inputs: ['$TURBO_DEFAULT$', '!**/*.md', '!bench/**', '$TURBO_ROOT$/packages/admin-client/test/emulator/**', '$TURBO_ROOT$/packages/admin-client/openapi/**'],
      outputs: ['test-reports/**'],
    },
    bench: {
      dependsOn: ['compile', '//#venv'],
      cache: false,
    },
  });
  return project;
}
