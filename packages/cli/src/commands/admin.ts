import { readFileSync } from 'node:fs';
import { adminAccess, adminFetch, failureOf } from '../admin-api';
import type { Context } from '../context';
import { CliError } from '../errors';
import { interactive } from '../io';
import { readDeployment } from '../stack';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface AdminOptions {
  /** JSON, `@file` or `-` (stdin). */
  readonly data?: string;
  /** Skip the question before a DELETE. */
  readonly yes: boolean;
}

/** Reads `--data`: JSON text, `@file`, or `-` for stdin; checks that it is JSON. */
export async function readData(data: string | undefined, io: Context['io']): Promise<string | undefined> {
  if (data === undefined) return undefined;
  let text = data;
  if (data === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
  } else if (data.startsWith('@')) {
    try {
      text = readFileSync(data.slice(1), 'utf8');
    } catch (error) {
      throw new CliError(`--data ${data}: cannot read ${data.slice(1)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliError(`--data must be JSON (or @file, or - for stdin), got ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}: ${(error as Error).message}`);
  }
  return text;
}

/**
 * One Admin API call through the admin path with the key added:
 * `kong-hybrid admin GET /services`. The answer's body goes to stdout
 * (indented JSON), its status to stderr.
 */
export async function admin(ctx: Context, methodArg: string, path: string, options: AdminOptions): Promise<number> {
  const method = methodArg.toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) throw new CliError(`METHOD must be one of ${METHODS.join(', ')}, got ${JSON.stringify(methodArg)}`);
  if (!path.startsWith('/')) throw new CliError(`path must start with / (an Admin API path such as /services), got ${JSON.stringify(path)}`);
  const body = await readData(options.data, ctx.io);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw new CliError(`--data goes with POST, PUT or PATCH, not ${method}`);
  const deployment = await readDeployment(ctx);
  if (method === 'DELETE' && !options.yes && interactive(ctx.io)) {
    const { confirm, isCancel } = await import('@clack/prompts');
    const answer = await confirm({ message: `Delete ${path} on ${deployment.stackName}?`, initialValue: false, output: ctx.io.stderr as unknown as import('node:stream').Writable, input: ctx.io.stdin as unknown as import('node:stream').Readable });
    if (isCancel(answer) || answer !== true) {
      ctx.io.stderr.write('Nothing deleted.\n');
      return 1;
    }
  }
  const access = await adminAccess(ctx, deployment);
  const res = await adminFetch(access, method, path, body);
  const text = await res.text();
  const explained = res.ok ? undefined : await failureOf(ctx, deployment, res, text);
  if (explained) throw explained;
  ctx.io.stderr.write(`${res.ok ? ctx.err.green(String(res.status)) : ctx.err.red(String(res.status))} ${res.statusText}\n`);
  if (text) {
    let out = text;
    try {
      out = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: as it came
    }
    (res.ok ? ctx.io.stdout : ctx.io.stderr).write(`${out}\n`);
  }
  return res.ok ? 0 : 1;
}
