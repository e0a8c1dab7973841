import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** cfn-lint from the project venv (.venv, see tools/python-requirements.txt). */
export function cfnLintBinary(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.venv', 'bin', 'cfn-lint');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`cfn-lint not found in any .venv above ${from}: run \`npm run venv\` at the repository root`);
  }
}

/**
 * What cfn-lint's verdict is a function of: its version, its arguments, and each
 * template's name and bytes. A template that changes, or another cfn-lint, is a new key.
 */
function verdictKey(binary: string, args: string[], files: string[]): string {
  const lib = path.join(path.dirname(path.dirname(binary)), 'lib');
  const versionFiles = existsSync(lib) ? readdirSync(lib).map((py) => path.join(lib, py, 'site-packages', 'cfnlint', 'version.py')).filter(existsSync) : [];
  const hash = createHash('sha256').update(JSON.stringify({ args, versions: versionFiles.map((f) => readFileSync(f, 'utf8')) }));
  for (const file of files) hash.update('\0').update(path.basename(file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

/**
 * Runs cfn-lint once over the given template files (with `args` of the caller's
 * before them) and returns what it printed (nothing when it finds nothing). Templates it found clean are remembered by
 * their content (in the repository's node_modules/.cache, which git ignores): the
 * same bytes checked again, by another test file or run, are clean without a new
 * Python start. Findings are never remembered: cfn-lint runs again until they are
 * gone. KONG_HYBRID_TEST_CACHE=off runs it every time.
 */
export function cfnLint(files: string[], options: { readonly args?: string[]; readonly from?: string } = {}): string {
  const binary = cfnLintBinary(options.from);
  // Parseable: one line per finding, naming its file.
  const args = ['--format', 'parseable', ...(options.args ?? []), '--'];
  const cache = process.env.KONG_HYBRID_TEST_CACHE !== 'off';
  // <repository>/.venv/bin/cfn-lint → <repository>/node_modules/.cache/kong-hybrid/cfn-lint/<key>
  const cacheDir = path.join(path.dirname(path.dirname(path.dirname(binary))), 'node_modules', '.cache', 'kong-hybrid', 'cfn-lint');
  const clean = path.join(cacheDir, verdictKey(binary, args, files));
  if (cache && existsSync(clean)) return '';
  let output = '';
  try {
    output = execFileSync(binary, [...args, ...files], { encoding: 'utf8' });
  } catch (error: any) {
    output = error.stdout === undefined ? String(error) : `${error.stdout}${error.stderr}`;
  }
  if (cache && output.trim() === '') {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(clean, '');
  }
  return output;
}
