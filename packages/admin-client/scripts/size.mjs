// The runtime size budget: everything the client ships to a bundle (our code
// and openapi-fetch), minified, must stay within 12 KB. Fails the test task
// when it does not. Prints the figure either way.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 12 * 1024;

const result = await build({
  entryPoints: [new URL('../lib/esm/index.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'silent',
});
const code = result.outputFiles[0].contents;
const inputs = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
  .map(([file, { bytesInOutput }]) => ({ file: file.replace(/^.*node_modules\//, ''), bytesInOutput }))
  .sort((a, b) => b.bytesInOutput - a.bytesInOutput);

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`admin-client runtime, minified: ${kb(code.length)} (${code.length} bytes; gzip ${kb(gzipSync(code).length)}), budget ${kb(BUDGET_BYTES)}`);
for (const { file, bytesInOutput } of inputs) console.log(`  ${String(bytesInOutput).padStart(6)}  ${file}`);
if (code.length > BUDGET_BYTES) {
  console.error(`over budget by ${code.length - BUDGET_BYTES} bytes`);
  process.exit(1);
}
