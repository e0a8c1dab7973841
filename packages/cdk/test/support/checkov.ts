import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** One check's outcome on one resource. */
export interface CheckovFinding {
  readonly template: string;
  readonly checkId: string;
  readonly checkName: string;
  readonly resource: string;
  /** The reason given in the template (Metadata.checkov.skip[].comment), for a skipped check. */
  readonly comment?: string;
}

/** What checkov found in a set of templates. */
export interface CheckovReport {
  readonly passed: number;
  readonly failed: CheckovFinding[];
  readonly skipped: CheckovFinding[];
}

/** checkov from the project venv (.venv/checkov, see tools/python-requirements-checkov.txt). */
export function checkovBinary(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.venv', 'checkov', 'bin', 'checkov');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`checkov not found in any .venv/checkov above ${from}: run \`npm run venv\` at the repository root`);
  }
}

/**
 * What checkov's report is a function of: its version, its pinned requirements,
 * its arguments and each template's name and bytes. A report kept under this key
 * (in the repository's node_modules/.cache, which git ignores) is the one checkov
 * gave for exactly these templates: a changed template or checkov is a new key.
 */
function reportKey(binary: string, args: string[], files: Array<[string, string]>): string {
  const venv = path.dirname(path.dirname(binary));
  const lib = path.join(venv, 'lib');
  const versionFiles = existsSync(lib) ? readdirSync(lib).map((py) => path.join(lib, py, 'site-packages', 'checkov', 'version.py')).filter(existsSync) : [];
  const hash = createHash('sha256').update(JSON.stringify({ args, versions: versionFiles.map((f) => readFileSync(f, 'utf8')) }));
  for (const [name, text] of files) hash.update('\0').update(name).update('\0').update(text);
  return hash.digest('hex');
}

/**
 * Runs checkov's CloudFormation checks once over the given templates (by
 * name), offline (`--skip-download`: no call to Prisma Cloud for guidelines).
 * The same templates checked again (by another test file, workspace or run) get
 * the report checkov gave them; KONG_HYBRID_TEST_CACHE=off runs checkov every time.
 */
export function checkov(templates: Record<string, unknown>, from: string = __dirname): CheckovReport {
  const binary = checkovBinary(from);
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-checkov-'));
  const args = ['--framework', 'cloudformation', '--skip-download', '--output', 'json'];
  const texts: Array<[string, string]> = Object.entries(templates).map(([name, template]) => [name, JSON.stringify(template, null, 1)]);
  const fileArgs: string[] = [];
  for (const [name, text] of texts) {
    const file = path.join(dir, `${name}.template.json`);
    writeFileSync(file, text);
    fileArgs.push('--file', file);
  }
  // Next to the venv: <repository>/node_modules/.cache/kong-hybrid/checkov/<key>.json
  const cacheDir = path.join(path.dirname(path.dirname(path.dirname(path.dirname(binary)))), 'node_modules', '.cache', 'kong-hybrid', 'checkov');
  const kept = path.join(cacheDir, `${reportKey(binary, args, texts)}.json`);
  const cache = process.env.KONG_HYBRID_TEST_CACHE !== 'off';
  let text: string;
  if (cache && existsSync(kept)) {
    text = readFileSync(kept, 'utf8');
  } else {
    try {
      // Exits 1 when a check fails: the report says which.
      execFileSync(binary, [...args, ...fileArgs, '--output-file-path', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error: any) {
      if (error.status !== 1) throw new Error(`checkov failed to run (${error.status}): ${error.stderr}`);
    }
    text = readFileSync(path.join(dir, 'results_json.json'), 'utf8');
    if (cache) {
      mkdirSync(cacheDir, { recursive: true });
      // Whole or not at all: another workspace's tests may read it at the same moment.
      writeFileSync(`${kept}.${process.pid}.tmp`, text);
      renameSync(`${kept}.${process.pid}.tmp`, kept);
    }
  }
  const raw = JSON.parse(text);
  const reports: any[] = Array.isArray(raw) ? raw : [raw];
  const finding = (r: any): CheckovFinding => ({
    template: path.basename(r.file_path).replace(/\.template\.json$/, ''),
    checkId: r.check_id,
    checkName: r.check_name,
    resource: r.resource,
    comment: r.check_result?.suppress_comment,
  });
  return {
    passed: reports.reduce((n, r) => n + r.summary.passed, 0),
    failed: reports.flatMap((r) => r.results.failed_checks.map(finding)),
    skipped: reports.flatMap((r) => r.results.skipped_checks.map(finding)),
  };
}
