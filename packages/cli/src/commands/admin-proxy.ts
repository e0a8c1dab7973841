import { adminAccess, failureOf } from '../admin-api';
import { startLocalAdminProxy } from '../admin-proxy/local-admin-proxy';
import type { Context } from '../context';
import { CliError } from '../errors';
import { readDeployment } from '../stack';
import { waitForSync } from './wake';

export interface AdminProxyOptions {
  readonly port: number;
  readonly managerOrigin: string;
  /** Wake the control plane (and wait for sync) before listening. */
  readonly wake: boolean;
  readonly timeoutMs: number;
}

/**
 * The local proxy Kong Manager talks to: on 127.0.0.1 only, it adds the admin
 * key (read here from Secrets Manager, never printed) to every request and
 * answers CORS for Kong Manager's origin. Runs until Ctrl-C.
 */
export async function adminProxy(ctx: Context, options: AdminProxyOptions, stop: Promise<unknown> = untilSignal()): Promise<number> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new CliError(`--port must be a port number (0-65535), got ${options.port}`);
  try {
    new URL(options.managerOrigin);
  } catch {
    throw new CliError(`--manager-origin must be an origin such as http://localhost:8002, got ${JSON.stringify(options.managerOrigin)}`);
  }
  const deployment = await readDeployment(ctx);
  const access = await adminAccess(ctx, deployment);
  if (options.wake) await waitForSync(ctx, deployment, { timeoutMs: options.timeoutMs, reason: 'kong-hybrid admin-proxy --wake' });
  const explained = new Set<number>();
  const proxy = await startLocalAdminProxy({
    target: access.baseUrl,
    apiKey: access.apiKey,
    port: options.port,
    allowOrigin: options.managerOrigin,
    onAnswer: ({ method, path, status, body }) => {
      ctx.io.stderr.write(`${method} ${path} ${status >= 400 ? ctx.err.red(String(status)) : status}\n`);
      // Each kind of refusal is explained once, not on every request Kong Manager makes.
      if (status >= 400 && !explained.has(status)) {
        void failureOf(ctx, deployment, new Response(null, { status }), body).then((why) => {
          if (!why || explained.has(status)) return;
          explained.add(status);
          ctx.io.stderr.write(`${ctx.err.yellow(why.message)}\n${why.hints.map((h) => `  ${h}\n`).join('')}`);
        });
      }
    },
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'EADDRINUSE' ? `Port ${options.port} on 127.0.0.1 is taken: pass --port with a free one (0 picks one).` : error.message);
  });
  ctx.io.stdout.write(`Admin API of ${deployment.stackName} (${access.baseUrl}) on ${proxy.url}\n`);
  ctx.io.stdout.write(`Point Kong Manager at it (KONG_ADMIN_GUI_API_URL=${proxy.url}, from ${options.managerOrigin}); the key is added here. Ctrl-C to stop.\n`);
  await stop;
  await proxy.close();
  return 0;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
  });
}
