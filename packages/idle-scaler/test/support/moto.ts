import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

/** A moto server on a free loopback port, with the settings SDK clients need. */
export interface MotoServer {
  readonly endpoint: string;
  /** Options for any AWS SDK v3 client. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  stop(): Promise<void>;
}

/**
 * The project-local venv's Python (created by `npm run venv`) and our moto
 * launcher, `tools/moto-server.py`: moto server answering one request at a
 * time, so that each call is atomic as the real APIs are (see the launcher).
 */
export function motoServerCommand(): { command: string; args: string[] } {
  let dir = __dirname;
  while (true) {
    const python = path.join(dir, '.venv', 'bin', 'python');
    const launcher = path.join(dir, 'tools', 'moto-server.py');
    if (existsSync(python) && existsSync(launcher)) return { command: python, args: [launcher] };
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('the project venv (.venv) and tools/moto-server.py not found above this folder: run `npm run venv` at the repository root');
    }
    dir = parent;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts moto server and waits until it answers. */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { command, args } = motoServerCommand();
  const child: ChildProcess = spawn(command, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  // moto moves an ECS task one state on (RUNNING → DEACTIVATING → … → STOPPED)
  // each time it is described; ECS does not. Keep tasks where they are.
  // http://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
  const transition = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000_000 } }),
  });
  if (!transition.ok) throw new Error(`moto_server refused the ecs::task state transition: ${transition.status}`);

  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
