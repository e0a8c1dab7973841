// Builds the kong-hybrid command (lib/kong-hybrid.mjs and its chunks) with esbuild.
//
// - One bundle, every library inside: the package installs with no
//   dependencies, and no installed version can differ from the tested one.
// - ES modules with code splitting: each command's code (and the AWS SDK
//   clients it uses) is a chunk loaded by a dynamic import when the command
//   runs, so `kong-hybrid --help` loads commander and little else.
// - `module` before `main`: the AWS SDK's ES builds tree-shake.
// - CommonJS code inside an ES bundle may call `require` for Node.js
//   built-ins: the banner gives it one (createRequire).
// - As in the idle scaler's bundle (packages/idle-scaler/scripts/bundle.mjs):
//   each SDK client's package.json is cut to its version, and the SDK's
//   registrations of modeled error classes are left out (an AWS error still
//   arrives with its code as its `name`, which is all src/errors.ts reads).
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const outfile = process.argv[2] ?? 'lib/kong-hybrid.mjs';
const outdir = path.dirname(outfile);
const { version } = JSON.parse(await readFile('package.json', 'utf8'));

const dropModeledErrorRegistrations = {
  name: 'drop-modeled-error-registrations',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(/^n0_registry\.registerError\([^;]*\);$/gm, ''), loader: 'js' };
    });
  },
};

const clientVersionOnly = {
  name: 'client-version-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]package\.json$/ }, async (args) => {
      const { version: v } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version: v }), loader: 'json' };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { [path.basename(outfile, '.mjs')]: 'src/bin.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __kongHybridRequire } from 'node:module'; const require = __kongHybridRequire(import.meta.url);" },
  define: { KONG_HYBRID_VERSION: JSON.stringify(version) },
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [dropModeledErrorRegistrations, clientVersionOnly],
});
const bytes = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.mjs')).reduce((n, [, o]) => n + o.bytes, 0);
console.log(`${outfile}: ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs')).length} files, ${(bytes / 1024).toFixed(0)} KiB`);
