/**
 * Every version shared by more than one workspace, pinned in one place.
 *
 * aws-cdk-lib and constructs must be the same in every workspace so that npm
 * hoists one copy that serves both the construct library and the reference app.
 *
 * aws-cdk-lib is also the floor of the Python and Java packages' dependency
 * ranges, so it must be a version that npm, PyPI and Maven Central all serve:
 * 2.263.0 is the newest on all three here (PyPI stops at 2.275.0, Maven Central
 * at 2.263.0). It has everything we need: Aurora Serverless v2 at 0 ACU
 * (2.171.0) and serverlessV2AutoPauseDuration (2.201.0).
 */
export const VERSIONS = {
  npm: '11.19.1',
  projen: '0.103.25',
  awsCdkLib: '2.263.0',
  constructs: '10.8.1',
  awsCdkCli: '2.1148.1',
  cdkNag: '3.0.2',
  jsii: '~5.9.50',
  jsiiRosetta: '~5.9.63',
  jsiiPacmak: '1.140.0',
  jsiiDocgen: '10.12.6',
  typescript: '~5.9.3',
  jest: '^30',
  tsJest: '29.4.15',
  turbo: '2.11.11',
  esbuild: '0.28.2',
  awsSdk: '3.1161.0',
  openapiFetch: '0.17.0',
  openapiTypescript: '7.13.0',
} as const;

/**
 * Node.js floor for every workspace and for the published packages: 22, the
 * oldest release line still supported (Node.js 20 reached its end of life on
 * 2026-04-30, https://nodejs.org/en/about/previous-releases). The toolchain runs
 * on {@link NODE_VERSION}: nothing depends on an older Node.js, though Node.js 20
 * still runs it.
 */
export const MIN_NODE_VERSION = '22.0.0';

/**
 * The Node.js the toolchain and every test run on, the same major as our
 * Lambda functions' runtime (`lambda.Runtime.NODEJS_24_X`). It comes from the
 * npm registry as the `node` package, a devDependency of the root: npm puts
 * `node_modules/.bin` first on the PATH of every script, so `npm run …`,
 * `npx …` and every projen and turbo task run this Node.js, whatever the
 * machine has (see NpmMonorepo).
 */
export const NODE_VERSION = '24.21.0';

/**
 * The Node.js majors jsii must not warn about: jsii reads
 * `JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION` as a comma-separated list of
 * major versions (`@jsii/check-node`, `lib/index.js`), not as a flag. Only
 * matters when something runs jsii on a machine's own Node.js 20.
 */
export const JSII_SILENCED_NODE_MAJORS = '20';
