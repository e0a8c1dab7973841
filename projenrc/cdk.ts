import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TextFile, awscdk, typescript } from 'projen';
import { useKongAdminEmulator } from './admin-client';
import { AUTHOR, AUTHOR_ADDRESS, REPOSITORY, workspaceDefaults } from './common';
import { IDLE_SCALER_BUNDLE, TIMING_FIGURES } from './idle-scaler';
import { NpmMonorepo, jestOptions, workspaceTurbo } from './monorepo';
import { ReleaseWorkflow, apiCompatGate, releaseOptions } from './release';
import { JSII_SILENCED_NODE_MAJORS, NODE_VERSION, VERSIONS } from './versions';

/**
 * Lambda handlers that live in the construct library itself, one folder each:
 * `lambda/<name>/index.ts` (outside the jsii entry point `src/`). The compile
 * task bundles each with esbuild into `assets/<name>/index.js`, which the
 * constructs load with `Code.fromAsset(path.join(__dirname, '..', 'assets', '<name>'))`.
 * Their npm dependencies are devDependencies: they are bundled, never shipped.
 */
export const CDK_PACKAGE = '@kong-hybrid/cdk';

export const CDK_LAMBDA_HANDLERS = ['cluster-certificate', 'admin-api-proxy', 'fallback-config-exporter'];

/** Where projen writes the construct library's copy of the idle scaler's timing figures ({@link TIMING_FIGURES}). */
export const TIMING_FIGURES_COPY = 'src/private/timing-figures.ts';

/**
 * `@kong-hybrid/cdk`: the jsii construct library, published to npm, PyPI and
 * Maven. Lambda code arrives as esbuild bundles copied into `assets/` at build
 * time (jsii cannot ship non-jsii runtime dependencies).
 */
export function cdkLibrary(root: NpmMonorepo, deps: { idleScaler: typescript.TypeScriptProject; adminClient: typescript.TypeScriptProject }): awscdk.AwsCdkConstructLibrary {
  const { typescriptVersion: _ts, authorName: _a, authorUrl: _u, ...defaults } = workspaceDefaults(root, 'packages/cdk');
  const project = new awscdk.AwsCdkConstructLibrary({
    ...defaults,
    name: CDK_PACKAGE,
    description: 'Kong Gateway in hybrid mode on AWS: ECS Fargate data and control planes, Aurora Serverless v2 at 0 ACU, an idle control-plane scaler.',
    author: AUTHOR,
    authorAddress: AUTHOR_ADDRESS,
    repositoryUrl: REPOSITORY,
    keywords: ['aws-cdk', 'kong', 'kong-gateway', 'hybrid-mode', 'ecs', 'fargate', 'aurora-serverless'],
    cdkVersion: VERSIONS.awsCdkLib,
    cdkVersionPinning: false,
    constructsVersion: VERSIONS.constructs,
    jsiiVersion: VERSIONS.jsii,
    // Declared stable: a breaking change to the public API needs a new major
    // version (the release's jsii-diff gate enforces it), and the docs no longer
    // mark every member experimental.
    stability: 'stable',
    publishToPypi: { distName: 'kong-hybrid-cdk', module: 'kong_hybrid_cdk' },
    publishToMaven: {
      javaPackage: 'io.github.konghybrid.cdk',
      mavenGroupId: 'io.github.konghybrid',
      mavenArtifactId: 'kong-hybrid-cdk',
    },
    // API.md comes from tools/api-docs.mjs (below): projen's docgen task runs
    // jsii-docgen's CLI, which cannot find the hoisted aws-cdk-lib.
    docgen: false,
    devDeps: [
      `${deps.idleScaler.package.packageName}@^0.0.0`,
      `jsii-pacmak@${VERSIONS.jsiiPacmak}`,
      `jsii-rosetta@${VERSIONS.jsiiRosetta}`,
      `jsii-docgen@${VERSIONS.jsiiDocgen}`,
      `cdk-nag@${VERSIONS.cdkNag}`,
      // Bundled into the Lambda handlers' assets (see CDK_LAMBDA_HANDLERS):
      `esbuild@${VERSIONS.esbuild}`,
      `${deps.adminClient.package.packageName}@^0.0.0`,
      `@aws-sdk/client-ecs@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-rds@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-s3@${VERSIONS.awsSdk}`,
      `@aws-sdk/client-secrets-manager@${VERSIONS.awsSdk}`,
      '@aws-sdk/credential-provider-env@^3.972.85',
      '@types/aws-lambda@^8.10.164',
    ],
    // The admin bootstrap's tests wait on a (fast-polling) handler against moto and the emulator.
    jestOptions: jestOptions(),
    lambdaAutoDiscover: false,
    integrationTestAutoDiscover: false,
    ...releaseOptions({
      packageName: CDK_PACKAGE,
      // What ships inside it: the idle scaler's and the admin client's code is in its Lambda bundles.
      paths: ['.', '../idle-scaler', '../admin-client'],
      filter: `${CDK_PACKAGE}^...`,
      firstVersion: '1.0.0',
      jsii: true,
      venv: true,
    }),
  });
  root.addWorkspace(project);
  // The toolchain runs on Node.js 24; should anyone run it on a machine's Node.js 20,
  // jsii stays quiet about it (it reads the variable as a list of majors).
  project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', JSII_SILENCED_NODE_MAJORS);
  // Releases: the API compatibility gate, and publish jobs that publish what the release job built.
  apiCompatGate(project, root);
  new ReleaseWorkflow(project, root);
  // Python and Java packages are built everywhere, CI included: the binding tests use them.
  project.packageTask.reset();
  project.packageTask.spawn(project.tasks.tryFind('package-all')!);

  // The Lambda bundles: built by their workspaces, copied here so that they ship
  // in the npm tarball (and so in the Python and Java packages).
  for (const name of [...CDK_LAMBDA_HANDLERS].reverse()) {
    bundleLambdaHandler(project, name);
  }
  project.compileTask.prependExec(`mkdir -p assets/idle-scaler && cp ../idle-scaler/${IDLE_SCALER_BUNDLE} assets/idle-scaler/index.js`);
  // The timing figures (every duration of Kong and AWS, with its source) live
  // once, in the idle scaler, which bundles them. jsii compiles only this
  // library's own source (it may not import a non-jsii package at run time),
  // so projen writes a committed, read-only copy here: a clean clone, jest
  // (ts-jest), `watch`, an editor and turbo's hash of this package's inputs
  // all see it without a build step, and `npx projen` (CI: no diff) keeps it
  // equal to the original.
  timingFiguresCopy(project, deps.idleScaler);
  // The API reference (API.md, docs/API.python.md, docs/API.java.md), from the
  // assembly jsii wrote: committed; the release dry runs (tools/release/) fail
  // when git has something else. Its own task (about 20 s on an idle machine,
  // most of it Python and Java): after compile in projen's build, beside the
  // tests in turbo's, off their path.
  const docgen = project.addTask('docgen', {
    description: 'Write the API reference (API.md, docs/API.python.md, docs/API.java.md) with jsii-docgen',
    exec: 'node ../../tools/api-docs.mjs',
  });
  project.postCompileTask.spawn(docgen);
  project.npmignore?.exclude('/docs/');
  project.gitignore.exclude('/assets/', '/cdk.out.bench/');
  project.npmignore?.include('/assets/');
  project.npmignore?.exclude('/.turbo/', '/turbo.json', '/test-reports/', '/lambda/', '/bench/', '/cdk.out.bench/');

  // The admin bootstrap's handler is tested against the Admin API emulator (and
  // the idle scaler's moto fixture): their sources live in other workspaces.
  useKongAdminEmulator(project, deps.adminClient);

  // Figures, not assertions: synth time and size of the default stack, handler bundle size and cold load.
  project.addTask('bench', { description: 'Print synth time, resource count and handler bundle figures', exec: 'node bench/synth.mjs' });

  // The Python and Java packages, exercised by real Python and Java programs.
  project.addTask('test:python', { description: 'Python binding tests (pytest, wheel from dist/python)', exec: 'bash test/bindings/run-python.sh' });
  project.addTask('test:java', { description: 'Java binding tests (JUnit through Maven, jar from dist/java)', exec: 'bash test/bindings/run-java.sh' });
  project.gitignore.exclude('/test/bindings/java/target/');

  workspaceTurbo(project, {
    compile: {
      dependsOn: ['^compile'],
      outputs: ['lib/**', '.jsii', 'assets/**'],
    },
    docgen: {
      dependsOn: ['compile'],
      // The assembly is compile's output: compile's hash covers it.
      inputs: ['$TURBO_ROOT$/tools/api-docs.mjs'],
      outputs: ['API.md', 'docs/API.*.md'],
    },
    test: {
      dependsOn: ['compile', '//#venv'],
      // The Admin API emulator and the document it checks against are test inputs too.
      inputs: ['$TURBO_DEFAULT$', '!**/*.md', '!bench/**', '$TURBO_ROOT$/packages/admin-client/test/emulator/**', '$TURBO_ROOT$/packages/admin-client/openapi/**'],
      outputs: ['test-reports/junit.xml'],
    },
    package: {
      dependsOn: ['compile'],
      outputs: ['dist/**'],
    },
  });
  return project;
}


/**
 * Bundles `lambda/<name>/index.ts` into `assets/<name>/index.js` at the start of
 * the compile task (minified CommonJS for the Lambda runtime's Node.js, every
 * dependency inlined), and prints nothing unless esbuild warns. As the idle
 * scaler's bundle does (packages/idle-scaler/scripts/bundle.mjs):
 * - `module` before `main`: the AWS SDK's ES builds tree-shake, its CommonJS builds do not;
 * - the Node.js default credential chain is replaced by the environment provider
 *   (`lambda/shared/credentials.ts`): Lambda hands the role's credentials over in
 *   environment variables, and the full chain (SSO, INI, IMDS, STS…) is a third of a bundle;
 * - event streams, loaded by the SDK on demand for operations no handler calls, stay out.
 */
export function bundleLambdaHandler(project: awscdk.AwsCdkConstructLibrary, name: string): void {
  project.compileTask.prependExec([
    `esbuild lambda/${name}/index.ts --bundle --minify --platform=node --target=node${NODE_VERSION.split('.')[0]} --format=cjs`,
    '--main-fields=module,main --alias:@aws-sdk/credential-provider-node=./lambda/shared/credentials.ts',
    `--external:@smithy/core/event-streams --legal-comments=none --outfile=assets/${name}/index.js --log-level=warning`,
  ].join(' '));
}

/** The first line of the copy: where to edit it. */
export const TIMING_FIGURES_HEADER = `// ~~ Generated by projen. To modify, edit packages/idle-scaler/${TIMING_FIGURES} and run "npx projen".`;

/**
 * The idle scaler's timing figures, written by projen into the construct
 * library's `src/` with {@link TIMING_FIGURES_HEADER} as its first line, the
 * rest byte for byte (test/timing.test.ts holds them equal).
 */
function timingFiguresCopy(project: awscdk.AwsCdkConstructLibrary, idleScaler: typescript.TypeScriptProject): void {
  const original = readFileSync(path.join(idleScaler.outdir, TIMING_FIGURES), 'utf8');
  new TextFile(project, TIMING_FIGURES_COPY, { lines: [TIMING_FIGURES_HEADER, ...original.split('\n')], marker: true, readonly: true });
}
