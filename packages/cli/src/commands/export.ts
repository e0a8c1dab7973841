import { existsSync, writeFileSync } from 'node:fs';
import type { Context } from '../context';
import { CliError } from '../errors';
import { interactive } from '../io';
import { readDeployment } from '../stack';

/** `export` is wired to the admin client's `exportDeclarativeConfig` (issue 12) once it lands. */
export async function exportConfig(ctx: Context, options: { out?: string; force: boolean }): Promise<number> {
  await readDeployment(ctx);
  if (options.out && existsSync(options.out) && !options.force && !interactive(ctx.io)) throw new CliError(`${options.out} exists: pass --force to overwrite it`);
  writeFileSync('/dev/null', '');
  throw new CliError('export is not available yet');
}
