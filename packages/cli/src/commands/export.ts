import { existsSync, writeFileSync } from 'node:fs';
import { adminAccess, explainAdminFailure } from '../admin-api';
import type { Context } from '../context';
import { CliError, describe } from '../errors';
import { interactive } from '../io';
import { createProgress } from '../progress';
import { lookupPublicIp } from '../public-ip';
import { readDeployment } from '../stack';

export interface ExportOptions {
  /** Write here instead of stdout. */
  readonly out?: string;
  /** Overwrite `out` without asking. */
  readonly force: boolean;
}

/**
 * The current configuration as a Kong declarative document (format 3.0, the
 * admin client's `exportDeclarativeConfig`, read through /kong-admin with the
 * key): what a DB-less node loads, for backups and diffs. It holds
 * credentials (key-auth keys, hashed basic-auth passwords, private keys): a
 * file is written readable by its owner only.
 */
export async function exportConfig(ctx: Context, options: ExportOptions): Promise<number> {
  if (options.out && existsSync(options.out) && !options.force) {
    if (!interactive(ctx.io)) throw new CliError(`${options.out} exists: pass --force to overwrite it`);
    const { confirm, isCancel } = await import('@clack/prompts');
    const answer = await confirm({ message: `${options.out} exists. Overwrite it?`, initialValue: false, output: ctx.io.stderr as unknown as import('node:stream').Writable, input: ctx.io.stdin as unknown as import('node:stream').Readable });
    if (isCancel(answer) || answer !== true) {
      ctx.io.stderr.write('Nothing written.\n');
      return 1;
    }
  }
  const deployment = await readDeployment(ctx);
  const access = await adminAccess(ctx, deployment);
  const [{ createKongAdminClient, isKongAdminError }, { exportDeclarativeConfig, isDeclarativeExportError }] = await Promise.all([
    import('@kong-hybrid/admin-client'), import('@kong-hybrid/admin-client/declarative'),
  ]);
  const client = createKongAdminClient({ baseUrl: access.baseUrl, apiKey: access.apiKey, timeoutMs: 30_000, retries: 1 });
  const progress = await createProgress(ctx.io, ctx.options.color);
  progress.active(`reading the configuration of ${deployment.stackName} through ${access.baseUrl}`);
  let doc: Record<string, unknown>;
  try {
    doc = await exportDeclarativeConfig(client);
  } catch (error) {
    progress.close();
    if (isDeclarativeExportError(error)) throw new CliError(error.message.replace(/^exportDeclarativeConfig: /, 'Cannot export: '));
    if (isKongAdminError(error)) {
      const status = error.status;
      const publicIp = status === 403 ? await lookupPublicIp(ctx.io.env) : undefined;
      const explained = explainAdminFailure({ status, body: typeof error.body === 'string' ? error.body : JSON.stringify(error.body ?? {}) }, deployment, publicIp);
      if (explained) throw explained;
    }
    throw new CliError(`Reading the configuration failed: ${describe(error)}`);
  }
  const entities = Object.entries(doc).filter(([key, value]) => !key.startsWith('_') && Array.isArray(value)).reduce((n, [, rows]) => n + (rows as unknown[]).length, 0);
  progress.done(`read ${entities} entities`);
  progress.close();
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (options.out) {
    writeFileSync(options.out, text, { mode: 0o600 });
    ctx.io.stderr.write(`Wrote ${options.out} (Kong declarative format ${String(doc._format_version)}, ${entities} entities; readable by you only: it holds credentials).\n`);
  } else {
    ctx.io.stdout.write(text);
  }
  return 0;
}
