import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
 * Runs checkov's CloudFormation checks once over the given templates (by
 * name), offline (`--skip-download`: no call to Prisma Cloud for guidelines).
 */
export function checkov(templates: Record<string, unknown>, from: string = __dirname): CheckovReport {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-checkov-'));
  const args = ['--framework', 'cloudformation', '--skip-download', '--output', 'json'];
  for (const [name, template] of Object.entries(templates)) {
    const file = path.join(dir, `${name}.template.json`);
    writeFileSync(file, JSON.stringify(template, null, 1));
    args.push('--file', file);
  }
  try {
    // Exits 1 when a check fails: the report says which.
    execFileSync(checkovBinary(from), [...args, '--output-file-path', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error: any) {
    if (error.status !== 1) throw new Error(`checkov failed to run (${error.status}): ${error.stderr}`);
  }
  const raw = JSON.parse(readFileSync(path.join(dir, 'results_json.json'), 'utf8'));
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
