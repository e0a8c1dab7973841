// The runtime size budgets: everything an entry point ships to a bundle (our
// code and openapi-fetch), minified, must stay within its budget. Fails the
// test task when one does not. Prints the figures either way.
//
// - `.` (the client): 12 KB.
// - `./declarative` (the export, a separate entry point so that the client
//   stays within its budget): 4 KB for what it adds; it takes a client, so
//   openapi-fetch is not in it.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';

const ENTRIES = [
  { name: 'admin-client runtime', file: 'index.js', budget: 12 * 1024 },
  { name: 'admin-client/declarative runtime', file: 'declarative.js', budget: 4 * 1024 },
];

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
let over = false;
for (const entry of ENTRIES) {
  const result = await build({
    entryPoints: [new URL(`../lib/esm/${entry.file}`, import.meta.url).pathname],
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
  console.log(`${entry.name}, minified: ${kb(code.length)} (${code.length} bytes; gzip ${kb(gzipSync(code).length)}), budget ${kb(entry.budget)}`);
  for (const { file, bytesInOutput } of inputs) console.log(`  ${String(bytesInOutput).padStart(6)}  ${file}`);
  if (code.length > entry.budget) {
    console.error(`${entry.name} is over budget by ${code.length - entry.budget} bytes`);
    over = true;
  }
}
if (over) process.exit(1);
