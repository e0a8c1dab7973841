import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createContext, DEFAULT_STACK, type Context, type GlobalOptions } from './context';
import { CliError, describe } from './errors';
import { colors, type Io } from './io';

declare const KONG_HYBRID_VERSION: string | undefined;
/** The package's version, written into the bundle at build time. */
export const VERSION = typeof KONG_HYBRID_VERSION === 'string' ? KONG_HYBRID_VERSION : '0.0.0';

/** `90s`, `10m`, `1h`, or a number of seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 90s, 10m or 1h, got ${JSON.stringify(value)}`);
  const n = Number(m[1]);
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port number (0-65535), got ${JSON.stringify(value)}`);
  return n;
}

/**
 * The command line: every command finds the deployment from its stack name
 * (--stack) through the stack's outputs, with the usual AWS profile and region
 * resolution. Commands load their code (and the AWS SDK) only when they run,
 * so that `--help` starts fast.
 */
export function program(io: Io, exit: { code: number }): Command {
  const run = (load: (ctx: Context) => Promise<number>) => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as GlobalOptions;
    exit.code = await load(createContext(io, options));
  };
  const json = new Option('--json', 'print a JSON document for scripts (its schema is in the package: schemas/)');
  const timeout = new Option('--timeout <duration>', 'how long to wait for the data planes to sync').argParser(parseDuration).default(10 * 60_000, '10m');

  const root = new Command('kong-hybrid')
    .description('The operator\'s command line for a kong-hybrid gateway: a Kong control plane that sleeps, its data planes and database, on AWS.')
    .version(VERSION, '-V, --version')
    .option('-s, --stack <name>', 'the stack `cdk deploy` created', DEFAULT_STACK)
    .option('-r, --region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then your profile\'s)')
    .option('-p, --profile <name>', 'AWS profile (default: AWS_PROFILE, then the default credential chain)')
    .option('--no-color', 'no colors (also off when not a terminal, or with NO_COLOR)')
    .showHelpAfterError('(kong-hybrid --help lists the commands)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: (s, write) => write(colors(io.stderr, io.env).red(s)) })
    .exitOverride();

  root.command('status')
    .description('the control plane, the database, the data planes and their sync, and the idle scaler\'s phase, cooldown and last decisions')
    .addOption(json)
    .action(run(async (ctx) => (await import('./commands/status')).status(ctx, { json: Boolean((ctx.options as { json?: boolean }).json) })));

  root.command('wake')
    .description('ask the idle scaler to start the control plane; with --wait, show its progress until the data planes are in sync')
    .option('-w, --wait', 'wait until every data plane runs the control plane\'s configuration')
    .addOption(timeout)
    .option('--reason <text>', 'why, for the idle scaler\'s log', 'kong-hybrid wake')
    .addOption(json)
    .action(run(async (ctx) => {
      const o = ctx.options as unknown as { wait?: boolean; timeout: number; reason: string; json?: boolean };
      return (await import('./commands/wake')).wake(ctx, { wait: Boolean(o.wait), timeoutMs: o.timeout, reason: o.reason, json: Boolean(o.json) });
    }));

  root.command('sleep')
    .description('ask the idle scaler to stop the control plane now (after its usual checks); says what blocks it')
    .addOption(json)
    .action(run(async (ctx) => (await import('./commands/sleep')).sleep(ctx, { json: Boolean((ctx.options as { json?: boolean }).json) })));

  root.command('admin-proxy')
    .description('a local proxy for Kong Manager on 127.0.0.1 that adds the admin key (read from Secrets Manager) to every request')
    .addOption(new Option('--port <port>', 'local port (0 picks a free one)').argParser(parsePort).default(9001))
    .option('--manager-origin <origin>', 'the browser origin of Kong Manager, allowed by CORS', 'http://localhost:8002')
    .option('--wake', 'wake the control plane and wait for sync first')
    .addOption(timeout)
    .action(run(async (ctx) => {
      const o = ctx.options as unknown as { port: number; managerOrigin: string; wake?: boolean; timeout: number };
      return (await import('./commands/admin-proxy')).adminProxy(ctx, { port: o.port, managerOrigin: o.managerOrigin, wake: Boolean(o.wake), timeoutMs: o.timeout });
    }));

  root.command('admin')
    .description('one Admin API call through /kong-admin with the key added, for example: kong-hybrid admin GET /services')
    .argument('<method>', 'GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS')
    .argument('<path>', 'the Admin API path, such as /services or /routes/my-route')
    .option('-d, --data <json>', 'the request body: JSON, @file, or - for stdin')
    .option('-y, --yes', 'do not ask before a DELETE')
    .action(async (method: string, path: string, _opts: unknown, command: Command) => {
      const ctx = createContext(io, command.optsWithGlobals() as GlobalOptions);
      const o = ctx.options as unknown as { data?: string; yes?: boolean };
      exit.code = await (await import('./commands/admin')).admin(ctx, method, path, { data: o.data, yes: Boolean(o.yes) });
    });

  root.command('export')
    .description('the current configuration as a Kong declarative document (for backups and diffs)')
    .option('-o, --out <file>', 'write it to this file (default: stdout)')
    .option('-f, --force', 'overwrite --out without asking')
    .action(run(async (ctx) => {
      const o = ctx.options as unknown as { out?: string; force?: boolean };
      return (await import('./commands/export')).exportConfig(ctx, { out: o.out, force: Boolean(o.force) });
    }));

  root.command('cost')
    .description('the monthly estimate (idle, busy, always-on) of the stack\'s deployed template, at AWS list prices')
    .addOption(json)
    .action(run(async (ctx) => (await import('./commands/cost')).cost(ctx, { json: Boolean((ctx.options as { json?: boolean }).json) })));

  return root;
}

/** Runs the command line; resolves to the exit status. Errors are printed, never thrown. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const exit = { code: 0 };
  const cli = program(io, exit);
  try {
    await cli.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const c = colors(io.stderr, io.env, !argv.includes('--no-color'));
    if (error instanceof CliError) {
      io.stderr.write(`${c.red('kong-hybrid:')} ${error.message}\n${error.hints.map((h) => `  ${h}\n`).join('')}`);
      return error.exitCode;
    }
    io.stderr.write(`${c.red('kong-hybrid: unexpected error:')} ${describe(error)}\n${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
