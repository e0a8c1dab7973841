#!/usr/bin/env node
// Sums the JUnit XML reports every test runner wrote (jest-junit, pytest,
// Maven surefire) into one line for the whole suite: "N passed, N failed".
// Usage: node tools/test-summary.mjs [turbo-exit-status]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const turboStatus = Number(process.argv[2] ?? 0);

function* reports(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* reports(path);
    else if (entry.endsWith('.xml')) yield path;
  }
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}="(\\d+)"`));
  return m ? Number(m[1]) : 0;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
// Every workspace's reports, and the root's own (the release dry runs).
const dirs = [join(root, 'test-reports')];
for (const group of ['packages', 'apps']) {
  for (const workspace of readdirSync(join(root, group))) dirs.push(join(root, group, workspace, 'test-reports'));
}
for (const dir of dirs) {
  try { statSync(dir); } catch { continue; }
  for (const file of reports(dir)) {
    // Count <testsuite> elements only: <testsuites> repeats their totals.
    const suites = readFileSync(file, 'utf8').match(/<testsuite\s[^>]*>/g) ?? [];
    // The Node.js the runner recorded (jest-junit, pytest and surefire properties).
    const node = [...new Set([...readFileSync(file, 'utf8').matchAll(/<property\s+name="node\.version"\s+value="([^"]+)"/g)].map((m) => m[1]))];
    let p = 0; let f = 0; let s = 0;
    for (const tag of suites) {
      const tests = attr(tag, 'tests');
      const bad = attr(tag, 'failures') + attr(tag, 'errors');
      const skip = attr(tag, 'skipped');
      p += tests - bad - skip; f += bad; s += skip;
    }
    passed += p; failed += f; skipped += s;
    rows.push(`  ${relative(root, file).padEnd(60)} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed  Node.js ${node.join(', ') || '?'}`);
  }
}

console.log('Test reports:');
console.log(rows.length ? rows.join('\n') : '  (none)');
if (skipped) console.log(`${skipped} skipped`);
if (turboStatus !== 0) console.log(`some test tasks failed (turbo exited ${turboStatus}); a task that failed before its runner started wrote no report`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(turboStatus !== 0 || failed > 0 || rows.length === 0 ? 1 : 0);
