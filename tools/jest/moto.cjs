// moto server for the tests: the project venv's Python running our launcher,
// tools/moto-server.py (one request at a time, see its docstring), on a free
// loopback port.
//
// A moto server costs seconds of CPU to start (its imports) and more on the
// first use of each service (botocore's models, the backends): paid once per
// test file, it was most of what moto cost the suite. So a jest worker keeps
// one server (SharedMoto, held by environment.cjs outside the test files'
// module registries, as the template validator is) and each test file gets it
// reset: POST /moto-api/reset, which our launcher extends to the state
// transitions and /moto-api/config, then the ECS task transition below set
// again, as on a new server. A test file's stop() gives the server back; the
// environment gives it back for a file that did not. A second moto asked for
// while the shared one is lent (the same file asking twice) is a server of its
// own, so no file ever sees another handle's resources vanish. The server runs
// with --exit-with-stdin: it ends when the worker ends, even when the worker is
// killed (the kernel closes the dead worker's end of the pipe).
// KONG_HYBRID_SHARED_MOTO=off gives every test file a server of its own, as before.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { createServer } = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** The project venv's Python (`npm run venv`) and our launcher. */
function motoServerCommand() {
  const python = path.join(ROOT, '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`the project venv's Python (${python}) not found: run \`npm run venv\` at the repository root`);
  }
  return { command: python, args: [path.join(ROOT, 'tools', 'moto-server.py'), '--exit-with-stdin'] };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const running = (child) => child.exitCode === null && child.signalCode === null;

/**
 * Starts a moto server process and waits until it answers.
 * `background`: the process (and its pipes) do not keep this one alive; it ends with it.
 */
async function launch(timeoutMs, { background = false } = {}) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { command, args } = motoServerCommand();
  const child = spawn(command, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.on('error', (e) => { stderr += `\n${e.message}`; });
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  // Our end of the server's stdin stays open, never written: its end is the server's.
  child.stdin.on('error', () => {});
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (background) {
    child.unref();
    child.stdin.unref();
    child.stderr.unref();
  }

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (!running(child)) throw new Error(`moto_server exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
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
  return {
    endpoint,
    running: () => running(child),
    stderr: () => stderr,
    stop: async () => {
      if (!running(child)) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * What every test file's moto starts from, new or not: nothing in it, and ECS
 * tasks that stay where they are. `stderr`: the server's, to explain a refusal.
 */
async function resetMoto(endpoint, stderr = () => '') {
  const post = async (what, body) => {
    const res = await fetch(`${endpoint}/moto-api/${what}`, { method: 'POST', body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`moto_server on ${endpoint} refused POST /moto-api/${what}: ${res.status} ${await res.text()} ${stderr()}`);
  };
  // Every resource, state transition and /moto-api/config setting (tools/moto-server.py).
  await post('reset');
  // moto moves an ECS task one state on (RUNNING → DEACTIVATING → … → STOPPED)
  // each time it is described; ECS does not. Keep tasks where they are.
  // http://docs.getmoto.org/en/latest/docs/configuration/state_transition/index.html
  await post('state-manager/set-transition', { model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000_000 } });
}

/** What a test gets: the endpoint, SDK client options and stop(). */
function handle(endpoint, stop) {
  return {
    endpoint,
    clientConfig: {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    },
    stop,
  };
}

/** A moto server of the caller's own: stop() ends it. */
async function startMoto(timeoutMs = 30_000) {
  const server = await launch(timeoutMs);
  try {
    await resetMoto(server.endpoint, server.stderr);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return handle(server.endpoint, server.stop);
}

/**
 * One moto server lent to one test file at a time, reset for each; started on
 * first use, started again if it died, ending with this process.
 */
class SharedMoto {
  #server;
  #lent = false;

  /** The shared server, reset, or a server of its own while the shared one is lent. */
  async startMoto(timeoutMs = 30_000) {
    if (this.#lent) return startMoto(timeoutMs);
    this.#lent = true;
    let server;
    try {
      server = await this.#running(timeoutMs);
      await resetMoto(server.endpoint, server.stderr);
    } catch (e) {
      this.#lent = false;
      throw e;
    }
    let returned = false;
    return handle(server.endpoint, async () => {
      if (returned) return;
      returned = true;
      this.#lent = false;
    });
  }

  /** Ends the server (a test of this class; a worker's ends with the worker). */
  async stop() {
    const server = await this.#server?.catch(() => undefined);
    this.#server = undefined;
    await server?.stop();
  }

  async #running(timeoutMs) {
    const server = await this.#server?.catch(() => undefined);
    if (server?.running()) return server;
    this.#server = launch(timeoutMs, { background: true });
    return this.#server;
  }
}

module.exports = { SharedMoto, startMoto, resetMoto };
