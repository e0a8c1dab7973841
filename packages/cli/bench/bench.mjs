// Figures, not assertions: the package's size and the start-up time of
// `kong-hybrid --help` (the bundle as the bin runs it, on this Node.js),
// against a bare `node -e ''` on the same machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const pkg = path.join(here, '..');
const bin = path.join(pkg, 'bin', 'kong-hybrid.mjs');
const runs = Number(process.env.BENCH_RUNS ?? 20);

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

// What `npm publish` would upload (npm pack --dry-run lists it without writing a tarball).
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const entry = statSync(path.join(pkg, 'lib', 'kong-hybrid.mjs')).size;
const chunks = readdirSync(path.join(pkg, 'lib', 'chunks')).filter((f) => f.endsWith('.mjs'));

function time(args) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0], p90: ms[Math.floor(ms.length * 0.9)] };
}

const bare = time(['-e', '']);
const help = time([bin, '--help']);
const version = time([bin, '--version']);
const fmt = (t) => `median ${t.median.toFixed(0)} ms (min ${t.min.toFixed(0)}, p90 ${t.p90.toFixed(0)})`;

console.log(`@kong-hybrid/cli ${packed.version} on Node.js ${process.version}, ${runs} runs each`);
console.log(`  package: ${kib(packed.size)} packed, ${kib(packed.unpackedSize)} unpacked, ${packed.entryCount} files; no runtime dependencies (one bundle)`);
console.log(`  bundle: entry ${kib(entry)} (what --help loads, with node's own modules), ${chunks.length} chunks loaded by the commands that need them`);
console.log(`  node -e ''              ${fmt(bare)}`);
console.log(`  kong-hybrid --help      ${fmt(help)}  (+${(help.median - bare.median).toFixed(0)} ms over bare node)`);
console.log(`  kong-hybrid --version   ${fmt(version)}`);
