import * as path from 'node:path';
import { Component, ReleasableCommits, cdk, github, javascript } from 'projen';
import type { NpmMonorepo } from './monorepo';
import { NODE_VERSION } from './versions';

/**
 * The release tools, pinned: what the GitHub workflow runs is what the local
 * dry runs (`tools/release/*.test.mjs`) exercise.
 */
export const RELEASE_TOOLS = {
  /** Publishes to npm, PyPI and Maven Central (https://github.com/cdklabs/publib). */
  publib: '0.2.1061',
  /** Versions from conventional commits and the changelog (projen's `bump`). */
  commitAndTagVersion: '13.2.1',
  /** Compares two jsii assemblies: the API compatibility gate. */
  jsiiDiff: '1.134.0',
} as const;

/**
 * The repository secrets the release workflows read (Settings → Secrets and
 * variables → Actions). None of them is in the repository; the README lists
 * them too.
 */
export const RELEASE_SECRETS: Record<string, string> = {
  NPM_TOKEN: 'npm automation token with publish rights on the @kong-hybrid scope',
  TWINE_USERNAME: 'PyPI user name: `__token__` for an API token',
  TWINE_PASSWORD: 'PyPI API token scoped to the kong-hybrid-cdk project',
  MAVEN_USERNAME: 'Maven Central Portal user token name (central.sonatype.com → Account → Generate User Token)',
  MAVEN_PASSWORD: 'Maven Central Portal user token password',
  MAVEN_GPG_PRIVATE_KEY: 'ASCII-armoured GPG private key that signs the Maven artifacts (its public key on a key server)',
  MAVEN_GPG_PRIVATE_KEY_PASSPHRASE: 'passphrase of that GPG key',
  MAVEN_STAGING_PROFILE_ID: 'unused by the Central Portal endpoint (publib sends its own); set it to any value',
};

/** What a released workspace says about itself. */
export interface ReleasedWorkspace {
  /** The npm package name; also the prefix of its git tags (`@kong-hybrid/cdk@v1.2.3`). */
  readonly packageName: string;
  /**
   * Folders, relative to the workspace, whose commits make a release of it:
   * the workspace itself and what it bundles (the construct library ships the
   * idle scaler and the admin client inside its Lambda bundles).
   */
  readonly paths: string[];
  /** Workspaces whose `compile` must run before this one builds on its own. */
  readonly filter?: string;
  /**
   * The version of the first release (projen's own would be 0.0.0): 1.0.0 for
   * a library that declares its API stable, 0.1.0 for one that does not yet.
   */
  readonly firstVersion: string;
  /** Python and Java are needed to build (jsii targets). */
  readonly jsii?: boolean;
  /** Its tests need the project venv (moto, cfn-lint, checkov). */
  readonly venv?: boolean;
}

/**
 * Options of a workspace released by projen's release workflow from `main`:
 * versions and changelog from conventional commits touching its paths, tags
 * prefixed with its package name, publishing through publib with the
 * credentials of {@link RELEASE_SECRETS}.
 *
 * The release job builds the workspace with its own tasks (`npx projen release`
 * in its folder: bump, build, unbump, anti-tamper): the project venv (for the
 * tests' cfn-lint, checkov and moto) and the workspaces it depends on come
 * first.
 */
export function releaseOptions(w: ReleasedWorkspace) {
  const paths = w.paths.join(' ');
  return {
    release: true,
    releaseTagPrefix: `${w.packageName}@`,
    // feat, fix, perf and revert make a release; breaking changes (`!`, BREAKING CHANGE)
    // of those types make a major one. The changelog lists the same commits.
    releasableCommits: ReleasableCommits.ofType(['feat', 'fix', 'perf', 'revert'], paths),
    versionrcOptions: { path: w.paths.length === 1 ? w.paths[0] : w.paths },
    bumpPackage: `commit-and-tag-version@${RELEASE_TOOLS.commitAndTagVersion}`,
    jsiiReleaseVersion: RELEASE_TOOLS.publib,
    workflowNodeVersion: NODE_VERSION.split('.')[0],
    // Later versions follow the commits; the first is ours to choose ($LATEST_TAG is
    // then a tag that does not exist).
    nextVersionCommand: `git rev-parse --verify --quiet "refs/tags/$LATEST_TAG" > /dev/null || echo ${w.firstVersion}`,
    npmAccess: javascript.NpmAccess.PUBLIC,
    releaseWorkflowSetupSteps: [
      ...(w.jsii ? [
        { name: 'Python (jsii-pacmak, the wheel)', uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
        { name: 'Java and Maven (jsii-pacmak, the jar)', uses: 'actions/setup-java@v4', with: { 'distribution': 'temurin', 'java-version': '17', 'cache': 'maven' } },
      ] : []),
      ...(w.venv ? [{ name: 'Project venv (moto, cfn-lint, checkov)', run: 'npm run venv', workingDirectory: './' }] : []),
      ...(w.filter ? [{ name: 'Build the workspaces it depends on', run: `npx turbo run compile --filter=${w.filter}`, workingDirectory: './' }] : []),
    ],
  } satisfies Partial<javascript.NodeProjectOptions>;
}

/**
 * Wires a released workspace's release workflow for the monorepo. For a jsii
 * library, the release job already builds every language's package (its
 * `package` task runs `package-all`), so the publish jobs publish the build
 * artifact as it is, instead of projen's default of unpacking the npm tarball
 * over a fresh checkout of the repository root and packaging again (which does
 * not fit a workspace in a subfolder).
 */
export class ReleaseWorkflow extends Component {
  private readonly workflowName: string;

  constructor(private readonly workspace: javascript.NodeProject, private readonly root: NpmMonorepo) {
    super(workspace);
    if (!workspace.release) throw new Error(`${workspace.package.packageName} has no release: give it releaseOptions()`);
    this.workflowName = `release_${workspace.package.packageName.replace(/^@/, '').replace(/\//g, '-')}`;
  }

  public override preSynthesize(): void {
    const workflow = this.root.github?.tryFindWorkflow(this.workflowName);
    if (!workflow) throw new Error(`no workflow ${this.workflowName}: projen names them differently now`);
    if (!(this.workspace instanceof cdk.JsiiProject)) return;
    const repackaging = (step: github.workflows.JobStep) =>
      (step.with?.path === '.repo') ||
      ['Install Dependencies', 'Extract build artifact', 'Move build artifact out of the way'].includes(step.name ?? '') ||
      /^(Create|Collect) \w+ artifact$/.test(step.name ?? '');
    for (const id of ['release_npm', 'release_maven', 'release_pypi']) {
      const job = workflow.getJob(id) as github.workflows.Job | undefined;
      if (!job) throw new Error(`no job ${id} in ${this.workflowName}`);
      workflow.updateJob(id, { ...job, steps: job.steps.filter((s) => !repackaging(s)) });
    }
  }
}

/**
 * The API compatibility gate of a jsii library's release: after the build,
 * `tools/release/api-compat.mjs` compares the new assembly with the last
 * release of the same major version on npm (jsii-diff) and fails the release
 * on a breaking change. A new major version, or a first release, passes.
 */
export function apiCompatGate(project: cdk.JsiiProject, root: NpmMonorepo): void {
  const toRoot = path.relative(project.outdir, root.outdir).split(path.sep).join('/');
  project.deps.removeDependency('jsii-diff');
  project.addDevDeps(`jsii-diff@${RELEASE_TOOLS.jsiiDiff}`);
  // projen's own compares with the newest version on npm, whatever its major.
  project.tasks.removeTask('compat');
  const compat = project.addTask('compat', {
    description: 'Fail when the public API breaks without a new major version (jsii-diff against the last release of this major)',
    exec: `node ${toRoot}/tools/release/api-compat.mjs`,
  });
  project.tasks.tryFind('release')!.spawn(compat);
}

/**
 * The release's dry runs, part of `npm test` (`test:release`, node's test
 * runner over tools/release/*.test.mjs): versions and changelogs from
 * conventional commits (projen's bump in a scratch clone), the API gate
 * (jsii-diff), and every package as its registry takes it, handed to publib
 * with PUBLIB_DRYRUN=true. They read what the workspaces' `package` tasks built.
 */
export function releaseDryRuns(root: NpmMonorepo, released: javascript.NodeProject[]): void {
  root.addDevDeps(`publib@${RELEASE_TOOLS.publib}`);
  const dryRuns = root.addTask('test:release', {
    description: 'Release dry runs: versions, the API gate, and every package as npm, PyPI and Maven Central take it (tools/release/)',
    exec: 'mkdir -p test-reports/release',
  });
  dryRuns.exec([
      'node --test --test-concurrency=1',
      '--test-reporter=spec --test-reporter-destination=stdout',
      '--test-reporter=./tools/release/junit-reporter.mjs --test-reporter-destination=test-reports/release/junit.xml',
      "'tools/release/*.test.mjs'",
    ].join(' '));
  root.addTurboTasks({
    '//#test:release': {
      // The API reference's drift check reads what docgen wrote.
      dependsOn: [...released.map((p) => `${p.package.packageName}#package`), ...released.filter((p) => p.tasks.tryFind('docgen')).map((p) => `${p.package.packageName}#docgen`), '//#venv'],
      inputs: ['tools/release/**', '.projen/**', 'package.json', 'packages/*/package.json', 'packages/*/.projen/**'],
      outputs: ['test-reports/release/**'],
    },
  });
}
