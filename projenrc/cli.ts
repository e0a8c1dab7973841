import * as path from 'node:path';
import { typescript } from 'projen';
import { useKongAdminEmulator } from './admin-client';
import { workspaceDefaults } from './common';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { ReleaseWorkflow, releaseOptions } from './release';
import { VERSIONS } from './versions';

/** The package's one command, and the bundle it runs. */
export const CLI_BIN = 'kong-hybrid';
export const CLI_BUNDLE = 'lib/kong-hybrid.mjs';

/**
 * `@kong-hybrid/cli`: the operator's command line for a deployed gateway
 * (`kong-hybrid status`, `wake`, `sleep`, `admin-proxy`, `admin`, `export`,
 * `cost`). It ships as one esbuild bundle with code splitting (commander,
 * prompts, the AWS SDK clients, the admin client and the cost model inside),
 * so that it installs with no dependencies and `--help` loads only what it
 * needs: every library is a devDependency.
 */
export function cli(root: NpmMonorepo, deps: {
  adminClient: typescript.TypeScriptProject;
  idleScaler: typescript.TypeScriptProject;
  costModel: typescript.TypeScriptProject;
}): typescript.TypeScriptProject {
  const project = new typescript.TypeScriptProject({
    ...workspaceDefaults(root, 'packages/cli'),
    name: '@kong-hybrid/cli',
    description: 'kong-hybrid: the operator\'s command line for a deployed Kong hybrid gateway (status, wake, sleep, admin proxy, admin calls, export, cost).',
    keywords: ['kong', 'kong-gateway', 'aws', 'cli', 'ecs', 'aurora-serverless'],
    bin: { [CLI_BIN]: `bin/${CLI_BIN}.mjs` },
    // Only that one: projen would add every executable in bin/ under its file name too.
    autoDetectBin: false,
    entrypoint: '',
    devDeps: [
      // What the bundle holds (see packages/cli/README.md, "Libraries", for why these).
      'commander@^14.0.3',
      '@clack/prompts@^1.9.0',
      'picocolors@^1.1.1',
      ...['cloudformation', 'cloudwatch', 'ecs', 'lambda', 'rds', 'secrets-manager'].map((c) => `@aws-sdk/client-${c}@${VERSIONS.awsSdk}`),
      `${deps.adminClient.package.packageName}@^0.0.0`,
      `${deps.costModel.package.packageName}@^0.0.0`,
      `esbuild@${VERSIONS.esbuild}`,
      // Tests: the real idle scaler behind a local Lambda endpoint, its state on moto, --json against schemas.
      `${deps.idleScaler.package.packageName}@^0.0.0`,
      `@aws-sdk/client-dynamodb@${VERSIONS.awsSdk}`,
      'ajv@^8.20.0',
      'ajv-formats@^3.0.1',
    ],
    tsconfig: { compilerOptions: { outDir: 'lib' } },
    // The CLI's tests start moto, the scaler and the emulator, and wait for real processes in tmux.
    jestOptions: jestOptions({ testTimeout: 180_000 }),
    ...releaseOptions({ packageName: '@kong-hybrid/cli', paths: ['.', '../admin-client', '../cost-model'], filter: '@kong-hybrid/cli^...', firstVersion: '0.1.0', venv: true }),
  });
  root.addWorkspace(project);
  new ReleaseWorkflow(project, root);
  // The tests drive the Admin API emulator behind a stand-in for the load balancer's /kong-admin path.
  useKongAdminEmulator(project, deps.adminClient);
  // ...and reuse the idle scaler's moto fixture and AWS helpers.
  const scalerSupport = path.relative(path.join(project.outdir, 'test'), path.join(deps.idleScaler.outdir, 'test', 'support')).split(path.sep).join('/');
  project.tsconfigDev.file.addOverride('compilerOptions.paths.@kong-hybrid/idle-scaler/test/support/*', [`${scalerSupport}/*`]);
  project.jest!.addModuleNameMappers({ '^@kong-hybrid/idle-scaler/test/support/(.*)$': `<rootDir>/${path.relative(project.outdir, path.join(deps.idleScaler.outdir, 'test', 'support')).split(path.sep).join('/')}/$1` });

  // Type-check, then bundle (esbuild through its API: code splitting, a banner, the bin's chunks).
  project.compileTask.reset('tsc --noEmit -p tsconfig.json', { name: 'Type-check' });
  project.compileTask.exec(`node scripts/bundle.mjs ${CLI_BUNDLE}`, { name: 'Bundle the command (lib/)' });
  project.package.addField('files', ['bin/', 'lib/', 'schemas/', 'README.md', 'LICENSE']);

  project.addTask('bench', {
    description: 'Print the package size and the start-up time of `kong-hybrid --help`',
    exec: 'node bench/bench.mjs',
  });

  project.npmignore?.exclude('/src/', '/test/', '/bench/', '/scripts/', '/turbo.json', '/.turbo/', '/test-reports/', '*.tgz');

  workspaceTurbo(project, {
    compile: {
      dependsOn: ['^compile'],
      outputs: ['lib/**'],
    },
    test: {
      dependsOn: ['compile', '//#venv'],
      // The scaler's code and test support, the emulator and its document are test inputs too.
      inputs: ['$TURBO_DEFAULT$', '!**/*.md', '!bench/**', '$TURBO_ROOT$/packages/idle-scaler/src/**', '$TURBO_ROOT$/packages/idle-scaler/test/support/**',
        '$TURBO_ROOT$/packages/admin-client/test/emulator/**', '$TURBO_ROOT$/packages/admin-client/openapi/**'],
      outputs: ['test-reports/**'],
    },
    bench: {
      dependsOn: ['compile'],
      cache: false,
    },
  });
  return project;
}
