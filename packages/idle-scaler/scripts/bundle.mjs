// Builds the Lambda bundle (dist/lambda/index.js) with esbuild.
//
// - `module` before `main`: the AWS SDK's ES builds tree-shake (unused ECS, RDS
//   and DynamoDB commands drop out); its CommonJS builds do not.
// - The Node.js default credential chain (SSO, INI files, IMDS, STS, ...) is
//   replaced by the environment provider: Lambda always hands the function its
//   role's credentials in environment variables (src/bundle/credentials.ts).
// - Each SDK client registers a class for every error its service models, at
//   load time: hundreds of them (RDS alone: 40 KB), of which the scaler needs
//   none. Without the registrations an AWS error still arrives as the client's
//   ServiceException with the error code as its `name` (which is all the
//   adapters and the SDK's retry logic look at); test/bundle.test.ts checks it
//   on moto through the bundle itself.
// - Event streams are loaded by the SDK on demand (a dynamic import) for
//   event-stream operations only, which the scaler never calls: left out.
// - Each client imports its whole package.json for one field, `version` (the
//   user agent, dist-es/runtimeConfig.js): only that field is kept (~6 KB).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const outfile = process.argv[2] ?? 'dist/lambda/index.js';

const dropModeledErrorRegistrations = {
  name: 'drop-modeled-error-registrations',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // `n0_registry.registerError(FooFault$, FooFault);` (the service's own errors);
      // the base ServiceException (`_s_registry`) stays registered.
      const contents = source.replace(/^n0_registry\.registerError\([^;]*\);$/gm, '');
      return { contents, loader: 'js' };
    });
  },
};

const clientVersionOnly = {
  name: 'client-version-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]package\.json$/ }, async (args) => {
      const { version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

const result = await esbuild.build({
  entryPoints: ['src/lambda.ts'],
  outfile,
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  alias: { '@aws-sdk/credential-provider-node': './src/bundle/credentials.ts' },
  external: ['@smithy/core/event-streams'],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [dropModeledErrorRegistrations, clientVersionOnly],
});
await mkdir(path.dirname(outfile), { recursive: true });
await writeFile(path.join(path.dirname(outfile), 'meta.json'), JSON.stringify(result.metafile));
