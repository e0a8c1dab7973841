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
  typescript: '~5.9.3',
  nodeTypes: '^20',
  jest: '^30',
  tsJest: '29.4.15',
  turbo: '2.11.11',
  esbuild: '0.28.2',
  awsSdk: '3.1161.0',
  openapiFetch: '0.17.0',
  openapiTypescript: '7.13.0',
} as const;

/** Node.js floor for every workspace (Lambda runs NODEJS_22_X, development needs 20+). */
export const MIN_NODE_VERSION = '20.0.0';
