import { github } from 'projen';
import { NpmMonorepo } from './monorepo';
import { NODE_VERSION } from './versions';

/** Test tasks whose JUnit reports make up the whole suite (see tools/test-summary.mjs). */
export const TEST_TASKS = ['test', 'test:python', 'test:java', 'test:release'];

/**
 * The root's tasks are thin `turbo run …` calls; turbo.json holds the defaults
 * every workspace task inherits (workspaces add inputs and outputs of their own).
 */
export function rootTasks(root: NpmMonorepo): void {
  root.compileTask.reset('turbo run compile');
  // Old reports must not count: turbo restores the cached ones it replays.
  root.testTask.reset('rm -rf test-reports packages/*/test-reports apps/*/test-reports');
  // Through bash: projen's built-in task shell leaves `$?` empty, so the summary
  // never heard that a test task failed before its runner wrote a report.
  // The tests' type check runs beside them: it is one task for every workspace.
  root.testTask.exec(`bash -c 'turbo run test:types ${TEST_TASKS.join(' ')} --continue; node tools/test-summary.mjs $?'`);
  root.packageTask.reset('turbo run package');
  // One process for every workspace's tests: each its own program and options, as
  // `tsc --noEmit --incremental -p test/tsconfig.json` would check them, but the
  // declaration files they share (aws-cdk-lib, @types/node, jest) parsed once.
  root.addTask('test:types', {
    description: 'Type-check the tests of every workspace (or of the workspaces given), incrementally',
    exec: 'node tools/typecheck-tests.mjs',
    receiveArgs: true,
  });
  root.addTask('synth', {
    description: 'Build what the reference deployment needs and synthesize it into apps/reference/cdk.out',
    exec: 'turbo run synth',
  });
  root.addTask('docgen', {
    description: 'Write the construct library\'s API reference (API.md, docs/API.python.md, docs/API.java.md)',
    exec: 'turbo run docgen',
  });
  // The test suite's own time first (wall and CPU per workspace: tools/bench-tests.mjs),
  // then every workspace's benchmark scripts.
  const benchTests = root.addTask('bench:tests', {
    description: 'Run the TypeScript test suite from a warm build and print its wall and CPU time per workspace and in total',
    exec: 'node tools/bench-tests.mjs',
    receiveArgs: true,
  });
  const bench = root.addTask('bench', { description: 'Print the test suite\'s time, then run every benchmark script and print its figures' });
  bench.spawn(benchTests);
  bench.exec('turbo run bench --concurrency=1');
  root.addTask('venv', {
    description: 'Create or refresh the project-local Python venv (.venv) used by the tests',
    exec: 'bash tools/python-venv.sh',
  });

  // Inputs are every file git tracks in the workspace (projen's task and dep
  // files included), less what cannot change the task's result.
  const sources = ['$TURBO_DEFAULT$', '!**/*.md', '!bench/**'];
  root.addTurboTasks({
    '//#venv': { cache: false },
    // Not cached by turbo: tsc's incremental build info (node_modules/.cache/tsc/) is
    // what makes a second run cheap, and it hashes every file the check read.
    '//#test:types': { dependsOn: root.workspacePackageNames.map((name) => `${name}#compile`), cache: false },
    'compile': { dependsOn: ['^compile'], inputs: [...sources, '!test/**'], outputs: ['lib/**'] },
    'test': { dependsOn: ['compile'], inputs: sources, outputs: ['test-reports/**'] },
    'test:python': { dependsOn: ['package', '//#venv'], inputs: sources, outputs: ['test-reports/python/**'] },
    'test:java': { dependsOn: ['package'], inputs: sources, outputs: ['test-reports/java/**'] },
    'package': { dependsOn: ['compile'], inputs: [...sources, '!test/**'], outputs: ['dist/**'] },
    'synth': { dependsOn: ['^compile'], inputs: [...sources, '!test/**'], outputs: ['cdk.out/**'] },
    'bench': { dependsOn: ['compile'], cache: false },
  });

  root.gitignore.exclude('/.venv/', '.turbo/', 'test-reports/', 'cdk.out/');

  // GitHub: `build` is projen's PR build (install, `projen build`, fail on drift);
  // `test` runs the README's two commands exactly as CI does.
  const gh = root.github;
  if (gh) {
    const test = new github.GithubWorkflow(gh, 'test');
    test.on({ pullRequest: {}, push: { branches: ['main'] }, workflowDispatch: {} });
    test.addJobs({
      test: {
        runsOn: ['ubuntu-latest'],
        permissions: { contents: github.workflows.JobPermission.READ },
        env: { CI: 'true' },
        steps: [
          { uses: 'actions/checkout@v4' },
          // Any Node.js that runs npm: `npm ci` installs the toolchain's own (NODE_VERSION).
          { uses: 'actions/setup-node@v4', with: { 'node-version': NODE_VERSION.split('.')[0], 'cache': 'npm' } },
          ...BUILD_PRE_STEPS,
          { name: 'Install, build, synthesize, test', run: 'bash .ci/run' },
        ],
      },
    });
  }
}

/** Steps the PR build needs before `projen build` (Python and Java for the binding tests). */
export const BUILD_PRE_STEPS = [
  { uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
  { uses: 'actions/setup-java@v4', with: { 'distribution': 'temurin', 'java-version': '17', 'cache': 'maven' } },
];
