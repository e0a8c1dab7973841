import * as path from 'node:path';
import { JsonFile, cdk, javascript, typescript } from 'projen';
import { BASE_COMPILER_OPTIONS } from './common';
import { MIN_NODE_VERSION, NODE_VERSION, VERSIONS } from './versions';

/**
 * One turbo task as written in a `turbo.json`.
 * @see https://turborepo.com/docs/reference/configuration
 */
export interface TurboTask {
  readonly dependsOn?: string[];
  readonly inputs?: string[];
  readonly outputs?: string[];
  readonly env?: string[];
  readonly cache?: boolean;
  readonly outputLogs?: 'full' | 'hash-only' | 'new-only' | 'errors-only' | 'none';
}

/**
 * The root of an npm-workspaces monorepo built with turbo.
 *
 * projen has no npm-workspaces monorepo type, so this class holds the glue:
 * - the root `package.json` lists the workspaces and owns the only `npm install`
 *   (one lock file, one hoisted `node_modules`);
 * - workspaces never install on their own: they ask the root to;
 * - the root's tasks are thin `turbo run …` calls; `turbo.json` is generated here
 *   and each workspace adds its own `turbo.json` (extending the root one) through
 *   {@link NpmMonorepo.addTurboTasks}.
 */
export class NpmMonorepo extends typescript.TypeScriptProject {
  private readonly workspaceProjects: javascript.NodeProject[] = [];
  private installRequested = false;
  private readonly deferredResolutions: Array<() => string[]> = [];
  private readonly turboTasks: Record<string, TurboTask> = {};

  constructor(options: typescript.TypeScriptProjectOptions) {
    super({
      ...options,
      packageManager: javascript.NodePackageManager.NPM,
      projenrcTs: true,
      projenVersion: VERSIONS.projen,
      typescriptVersion: VERSIONS.typescript,
      minNodeVersion: MIN_NODE_VERSION,
      workflowNodeVersion: NODE_VERSION.split('.')[0],
      sampleCode: false,
      jest: false,
      eslint: false,
      release: false,
      depsUpgrade: false,
      pullRequestTemplate: false,
      licensed: true,
      package: false,
      disableTsconfig: true,
      entrypoint: '',
      githubOptions: { mergify: false, pullRequestLint: false },
    });

    this.package.addField('private', true);
    // turbo needs the package manager's exact version to read the workspaces.
    this.package.addField('packageManager', `npm@${VERSIONS.npm}`);
    this.package.file.addDeletionOverride('devEngines');
    // One hoisted copy of the CDK for the library and the app, whatever a range allows.
    this.package.addField('overrides', { 'aws-cdk-lib': VERSIONS.awsCdkLib, 'constructs': VERSIONS.constructs });
    this.tasks.addEnvironment('TURBO_TELEMETRY_DISABLED', '1');
    this.addDevDeps(`turbo@${VERSIONS.turbo}`, `constructs@${VERSIONS.constructs}`);

    // The toolchain's Node.js, from the npm registry (see NODE_VERSION): its
    // preinstall script fetches the binary for this platform, and npm 11 runs a
    // dependency's install scripts only when `allowScripts` names the package.
    this.addDevDeps(`node@${NODE_VERSION}`);
    this.package.addField('allowScripts', { node: true });

    // The root compiles nothing: tsconfig.dev.json only serves ts-node for .projenrc.ts.
    this.tsconfigDev.file.addOverride('include', ['.projenrc.ts', 'projenrc/**/*.ts']);

    new JsonFile(this, 'tsconfig.base.json', {
      obj: { compilerOptions: BASE_COMPILER_OPTIONS },
    });

    for (const name of ['watch', 'eject', 'bump', 'unbump']) {
      this.tasks.removeTask(name);
    }

    // A workspace may ask for an install while it synthesizes (before the root
    // writes package.json): remember it and install once, from the root.
    const pkg = this.package as any;
    const initialTrigger = pkg.determineInitialInstallTrigger.bind(pkg);
    pkg.determineInitialInstallTrigger = () =>
      initialTrigger() ?? (this.installRequested ? { reason: 'a workspace package.json changed' } : undefined);

    new JsonFile(this, 'turbo.json', {
      obj: () => ({
        $schema: 'https://turborepo.com/schema.json',
        ui: 'stream',
        envMode: 'loose',
        // The test setup's moto launcher and the venv's pins shape every workspace's tests.
        globalDependencies: ['tsconfig.base.json', 'tools/moto-server.py', 'tools/python-requirements.txt', 'tools/jest/**'],
        globalEnv: ['CI'],
        tasks: this.turboTasks,
      }),
    });
  }

  /** Adds tasks to the root `turbo.json` (defaults for every workspace, or `//#task` root tasks). */
  public addTurboTasks(tasks: Record<string, TurboTask>): void {
    Object.assign(this.turboTasks, tasks);
  }

  /**
   * Makes `project` a workspace of this monorepo. Call it once for every
   * subproject, after its construction.
   */
  public addWorkspace(project: javascript.NodeProject, options: WorkspaceOptions = {}): void {
    this.workspaceProjects.push(project);

    // Projen is a root-only tool here.
    project.deps.removeDependency('projen');

    const pkg = project.package as any;
    pkg.installDependencies = (trigger?: { reason: string }) => {
      // Hoisting leaves most workspaces without node_modules: that is normal.
      if (trigger?.reason === javascript.InstallReason.NO_NODE_MODULES) return;
      this.installRequested = true;
    };
    pkg.logInstallTrigger = () => undefined;
    // Versions given as "*" can only be resolved once the root has installed.
    const resolve = pkg.resolveDepsAndWritePackageJson.bind(pkg);
    pkg.resolveDepsAndWritePackageJson = () => [];
    this.deferredResolutions.push(resolve);

    // Every JUnit report records the Node.js its tests ran on (tools/junit-properties.cjs).
    // Relative to the workspace (jest's working directory): jest-junit joins the
    // directory with path.join, which would swallow a leading `<rootDir>/..`.
    const junit = (project.jest as any)?.reporters?.find((r: { name: string }) => r.name === 'jest-junit');
    if (junit) {
      const tools = path.relative(project.outdir, path.join(this.outdir, 'tools')).split(path.sep).join('/');
      Object.assign(junit.options, { testSuitePropertiesFile: 'junit-properties.cjs', testSuitePropertiesDirectory: tools });
    }

    if (project instanceof typescript.TypeScriptProject) {
      // ts-jest transpiles file by file (fast); the root's `test:types` type-checks
      // the tests (below), so type-level tests still fail the build.
      project.tsconfigDev.file.addOverride('compilerOptions.isolatedModules', true);
      extendBaseTsconfig(project, path.relative(project.outdir, this.outdir), options.compilerOptions ?? {});
      // The tests are type-checked by the root's `test:types` (tools/typecheck-tests.mjs):
      // every workspace in one process, which parses the declarations they share once.
      const typecheck = project.testTask.steps.findIndex((s) => s.name === 'Type-check the test suite');
      if (typecheck >= 0) project.testTask.removeStep(typecheck);
    }

    // A released workspace keeps bump/unbump: its release task uses them.
    const unused = ['eject', 'clobber', 'watch', 'install', 'install:ci', ...(project.release ? [] : ['bump', 'unbump'])];
    for (const name of unused) {
      project.tasks.removeTask(name);
    }
  }

  /** The workspaces' package names, in the order they were added. */
  public get workspacePackageNames(): string[] {
    return this.workspaceProjects.map((p) => p.package.packageName);
  }

  /** The workspace folders, relative to the root, in the order they were added. */
  public get workspaceDirectories(): string[] {
    return this.workspaceProjects.map((p) => path.relative(this.outdir, p.outdir));
  }

  public override postSynthesize(): void {
    super.postSynthesize();
    const resolved = this.deferredResolutions.flatMap((resolve) => resolve());
    if (resolved.length > 0) {
      (this.package as any).installDependencies({ reason: 'resolved workspace dependency versions' });
    }
  }

  public override preSynthesize(): void {
    super.preSynthesize();
    this.package.addField('workspaces', this.workspaceDirectories);
  }
}

/** How a project joins the monorepo. */
export interface WorkspaceOptions {
  /** Compiler options of this workspace on top of tsconfig.base.json. */
  readonly compilerOptions?: Record<string, unknown>;
}

/**
 * Adds a `turbo.json` to a workspace that extends the root one, with the tasks
 * (inputs, outputs, order) that only this workspace has.
 */
export function workspaceTurbo(project: javascript.NodeProject, tasks: Record<string, TurboTask>): JsonFile {
  return new JsonFile(project, 'turbo.json', {
    obj: {
      $schema: 'https://turborepo.com/schema.json',
      extends: ['//'],
      tasks,
    },
  });
}

/**
 * Makes a workspace's tsconfig.json extend the root tsconfig.base.json, keeping
 * only what is the workspace's own (rootDir, outDir and explicit extras).
 * jsii projects are left alone: jsii writes their tsconfig.json itself.
 */
function extendBaseTsconfig(project: typescript.TypeScriptProject, toRoot: string, own: Record<string, unknown>): void {
  const tsconfig = project.tsconfig;
  if (!tsconfig || project instanceof cdk.JsiiProject) return;
  const options = tsconfig.compilerOptions as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (key !== 'rootDir' && key !== 'outDir') delete options[key];
  }
  Object.assign(options, own);
  tsconfig.file.addOverride('extends', `${toRoot}/tsconfig.base.json`);
  project.tsconfigDev.file.addOverride('compilerOptions.types', ['node', 'jest']);
}

/**
 * Where `tsc` keeps what it knows of the last type check of a workspace's tests (never packed, never committed);
 * tools/typecheck-tests.mjs writes it.
 */
export const TEST_TSBUILDINFO = 'node_modules/.cache/tsc/test.tsbuildinfo';

/**
 * ts-jest settings shared by every workspace: type checking stays in `tsc`
 * (isolatedModules makes tests several times faster), results go to
 * `test-reports/` as JUnit XML so that the root can sum the whole suite.
 */
export function jestOptions(extra: Partial<javascript.JestConfigOptions> = {}): javascript.JestOptions {
  return {
    jestVersion: VERSIONS.jest,
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    junitReporting: true,
    coverageText: false,
    configFilePath: 'jest.config.json',
    jestConfig: {
      // A guard against hangs, not a speed target: on 2 busy cores a test that
      // starts moto, the emulator or a synth can take several seconds.
      testTimeout: 60_000,
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // What costs seconds to load and holds no state is loaded once per jest
      // worker, not once per test file (tools/jest/environment.cjs says what and why).
      // Every workspace sits two levels below the root.
      testEnvironment: '<rootDir>/../../tools/jest/environment.cjs',
      ...extra,
      moduleNameMapper: {
        '^@aws/cloudformation-validate$': '<rootDir>/../../tools/jest/cloudformation-validate.cjs',
        ...extra.moduleNameMapper,
      },
    },
  };
}
